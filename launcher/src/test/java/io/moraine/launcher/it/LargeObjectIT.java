package io.moraine.launcher.it;

import static io.moraine.launcher.it.S3TestClients.payload;
import static io.moraine.launcher.it.S3TestClients.payloadSha256;
import static io.moraine.launcher.it.S3TestClients.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A 5 GiB single PUT and GET through `moraine dev` running as its own process with its heap
 * capped at 1 GiB: proof that the data path streams (issue 2, item 7). Long: run it with
 * {@code bin/test -pl launcher -Dmoraine.long=true -Dit.test=LargeObjectIT} (docs/testing.md).
 */
@Tag("long")
class LargeObjectIT {

  private static final long SIZE = 5L << 30;

  @Test
  void aFiveGibObjectRoundTripsThroughADevClusterWithAOneGibHeap() throws Exception {
    Path dir = Files.createTempDirectory("moraine-large-it");
    int port = S3TestClients.freePort();
    int zkPort = S3TestClients.freePort();
    List<String> cmd = new ArrayList<>(Launcher.command("dev", "--data-dir", dir.toString(),
        "--port", Integer.toString(port), "--zk-port", Integer.toString(zkPort)));
    cmd.add(1, "-Xmx1g");
    Process dev = new ProcessBuilder(cmd).redirectError(dir.resolve("dev.log").toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(dev.getInputStream(), StandardCharsets.UTF_8));
      String ready = out.readLine();
      assertThat(ready).as("ready line; log in %s", dir.resolve("dev.log")).startsWith("moraine ready endpoint=http://127.0.0.1:" + port);
      try (S3Client s3 = S3TestClients.rootClient(port)) {
        s3.createBucket(b -> b.bucket("large"));
        long start = System.nanoTime();
        s3.putObject(b -> b.bucket("large").key("five-gib"), RequestBody.fromInputStream(payload(5, SIZE), SIZE));
        long put = System.nanoTime() - start;
        start = System.nanoTime();
        String actual = sha256(s3.getObject(b -> b.bucket("large").key("five-gib")));
        long get = System.nanoTime() - start;
        assertThat(actual).isEqualTo(payloadSha256(5, SIZE));
        System.out.printf("5 GiB through dev with -Xmx1g: PUT %.0f MiB/s, GET+sha256 %.0f MiB/s%n",
            SIZE / 1048576.0 / (put / 1e9), SIZE / 1048576.0 / (get / 1e9));
      }
    } finally {
      dev.destroy();
      if (!dev.waitFor(60, TimeUnit.SECONDS)) {
        dev.destroyForcibly();
      }
      TestDirs.deleteRecursively(dir);
    }
  }
}
