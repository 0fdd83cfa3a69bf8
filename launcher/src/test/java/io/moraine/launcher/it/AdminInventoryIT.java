package io.moraine.launcher.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * `admin node list`, `bucket list|info`, `usage` and `--json` against a dev cluster, checked
 * against what the test wrote through the AWS SDK v2: object counts and bytes per class, S3's
 * billable minimum, noncurrent versions counted in usage, and the shards a 1 MiB object put on the nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminInventoryIT {
  private static final Pattern ACCOUNT = Pattern.compile("account_id=\\S+ canonical_id=\\S+ access_key=(\\S+) secret_key=(\\S+)\\n");
  private static final Pattern NODE = Pattern.compile(
      "node storage-az([1-3])-\\d+ az az\\1 state up used \\d+ total \\d+ addr [^\\s:]+:\\d+ shards (\\d+)");
  private static final long MIB = 1024 * 1024;

  private DevFixture dev;

  @BeforeAll
  void start() throws Exception {
    dev = DevFixture.start("moraine-admin-inventory-it");
  }

  @AfterAll
  void stop() throws Exception {
    if (dev != null) {
      dev.close();
    }
  }

  private List<String> admin(String... args) throws Exception {
    Launcher.Result r = dev.admin(120, args);
    assertThat(r.exitCode()).as("admin %s printed %s", String.join(" ", args), r.stdout()).isZero();
    return r.stdout().isEmpty() ? List.of() : Arrays.asList(r.stdout().split("\n"));
  }

  /** The DESIGN.md contract's part of usage lines: `bucket B class C objects N bytes N billable N`. */
  private static List<String> contractPrefix(List<String> lines) {
    return lines.stream().map(l -> String.join(" ", Arrays.asList(l.split(" ")).subList(0, 10))).toList();
  }

  @Test
  void inventoryCommandsReportWhatWasWritten() throws Exception {
    Matcher a = ACCOUNT.matcher(String.join("\n", admin("account", "create", "shop")) + "\n");
    assertThat(a.matches()).isTrue();
    try (S3Client shop = S3TestClients.client(dev.cluster().gatewayPort(), a.group(1), a.group(2))) {
      shop.createBucket(b -> b.bucket("inv-empty"));
      shop.createBucket(b -> b.bucket("inv-photos"));
      shop.putBucketVersioning(b -> b.bucket("inv-photos").versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      shop.putBucketCors(b -> b.bucket("inv-photos").corsConfiguration(c -> c.corsRules(r -> r.allowedMethods("GET")
          .allowedOrigins("*"))));
      shop.putObject(b -> b.bucket("inv-photos").key("small"), RequestBody.fromBytes(new byte[10]));
      shop.putObject(b -> b.bucket("inv-photos").key("small"), RequestBody.fromBytes(new byte[20])); // 10 B noncurrent
      shop.putObject(b -> b.bucket("inv-photos").key("ia").storageClass(StorageClass.STANDARD_IA),
          RequestBody.fromBytes(new byte[1000]));
      shop.putObject(b -> b.bucket("inv-photos").key("big"), RequestBody.fromBytes(new byte[(int) MIB]));
    }

    List<String> nodes = admin("node", "list");
    assertThat(nodes).hasSize(6);
    long shards = 0;
    for (String line : nodes) {
      Matcher m = NODE.matcher(line);
      assertThat(m.matches()).as("node list line %s", line).isTrue();
      shards += Long.parseLong(m.group(2));
    }
    // The 1 MiB object is erasure-coded 4+2 (inline objects hold no shards): 6 shards per segment.
    assertThat(shards).isPositive();
    assertThat(shards % 6).isZero();

    List<String> buckets = admin("bucket", "list", "--account", "shop");
    assertThat(buckets).hasSize(2);
    assertThat(buckets.get(0)).matches("bucket inv-empty owner shop created \\S+Z versioning unversioned objects 0 bytes 0");
    assertThat(buckets.get(1)).matches("bucket inv-photos owner shop created \\S+Z versioning enabled objects 3 bytes "
        + (20 + 1000 + MIB));

    List<String> info = admin("bucket", "info", "inv-photos");
    assertThat(info.get(0)).startsWith("bucket=inv-photos owner=shop owner_id=")
        .contains(" region=us-east-1 versioning=enabled mfa_delete=false objects=3 bytes=" + (20 + 1000 + MIB)
            + " noncurrent_versions=1 noncurrent_bytes=10 uploads=0");
    assertThat(info.subList(1, info.size())).containsExactly("class=STANDARD objects=2 bytes=" + (20 + MIB),
        "class=STANDARD_IA objects=1 bytes=1000", "subresource=cors");

    // The counters hold every stored version (the noncurrent 10 bytes too); the contract's prefix first.
    assertThat(contractPrefix(admin("usage", "--account", "shop"))).containsExactly(
        "bucket inv-empty class STANDARD objects 0 bytes 0 billable 0",
        "bucket inv-photos class STANDARD objects 3 bytes " + (30 + MIB) + " billable " + (30 + MIB),
        "bucket inv-photos class STANDARD_IA objects 1 bytes 1000 billable 131072");
    assertThat(contractPrefix(admin("usage", "inv-photos", "--all"))).containsExactly(
        "bucket inv-photos class STANDARD objects 3 bytes " + (30 + MIB) + " billable " + (30 + MIB),
        "bucket inv-photos class STANDARD_IA objects 1 bytes 1000 billable 131072");
    assertThat(admin("usage", "--all")).anyMatch(l -> l.startsWith("bucket inv-photos class STANDARD_IA "));
    assertThat(admin("usage")).as("the root account's buckets only").noneMatch(l -> l.contains("inv-photos"));

    List<String> json = admin("--json", "usage", "inv-photos");
    assertThat(json).hasSize(2);
    JsonNode ia = new ObjectMapper().readTree(json.get(1));
    assertThat(ia.get("type").asText()).isEqualTo("usage");
    assertThat(ia.get("bucket").asText()).isEqualTo("inv-photos");
    assertThat(ia.get("class").asText()).isEqualTo("STANDARD_IA");
    assertThat(ia.get("objects").asLong()).isEqualTo(1);
    assertThat(ia.get("bytes").asLong()).isEqualTo(1000);
    assertThat(ia.get("billable").asLong()).isEqualTo(131072);
    // --json after the subcommand too; the contract lines of status stay text without it.
    JsonNode redundancy = admin("status", "--json").stream().map(l -> {
      try {
        return new ObjectMapper().readTree(l);
      } catch (Exception e) {
        throw new AssertionError(l, e);
      }
    }).filter(n -> n.get("type").asText().equals("redundancy")).findFirst().orElseThrow();
    assertThat(redundancy.get("redundancy").asText()).isEqualTo("full");
    assertThat(admin("status")).contains("redundancy: full");
  }
}
