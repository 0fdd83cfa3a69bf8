package io.moraine.metadata.core;

import io.moraine.metadata.core.object.Versions;

import static io.moraine.metadata.core.CoreHarness.complete;
import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.createUpload;
import static io.moraine.metadata.core.CoreHarness.deleteBucket;
import static io.moraine.metadata.core.CoreHarness.deleteObject;
import static io.moraine.metadata.core.CoreHarness.put;
import static io.moraine.metadata.core.CoreHarness.putPart;
import static io.moraine.metadata.core.CoreHarness.segments;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.store.MemoryStateStore;
import io.moraine.metadata.store.RocksStateStore;
import io.moraine.metadata.store.StateStore;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.Header;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same command log applied to fresh cores gives byte-identical stores (and replies). */
class DeterminismTest {
  @TempDir Path dir;

  @Test
  void sameLogSameBytes() {
    long seed = System.nanoTime();
    try {
      List<Command> log = randomLog(new SplittableRandom(seed), 3000);
      MemoryStateStore a = new MemoryStateStore();
      MemoryStateStore b = new MemoryStateStore();
      List<byte[]> repliesA = run(a, log);
      List<byte[]> repliesB = run(b, log);
      assertThat(dumpOf(a)).isEqualTo(dumpOf(b));
      checkVersionRows(a);
      assertThat(repliesA).containsExactlyElementsOf(repliesB);
      try (RocksStateStore rocks = RocksStateStore.open(dir.resolve("db"))) {
        List<byte[]> repliesR = run(rocks, log);
        assertThat(dumpOf(rocks)).as("RocksDB and memory stores agree").isEqualTo(dumpOf(a));
        assertThat(repliesR).containsExactlyElementsOf(repliesA);
      }
    } catch (AssertionError e) {
      throw new AssertionError("determinism failed with seed " + seed, e);
    }
  }

  /**
   * The versioning invariant: per key, the 'O' row exists exactly when the newest 'V' row is not a
   * delete marker, and equals it; at most one null version per key.
   */
  static void checkVersionRows(StateStore store) {
    java.util.Map<String, io.moraine.proto.meta.v1.ObjectRecord> newest = new java.util.TreeMap<>();
    java.util.Map<String, Integer> nulls = new java.util.TreeMap<>();
    java.util.Map<String, io.moraine.proto.meta.v1.ObjectRecord> current = new java.util.TreeMap<>();
    try (StateStore.Cursor c = store.cursor()) {
      for (c.seek(new byte[] {Keys.OBJECT}); c.valid() && c.key()[0] == Keys.OBJECT; c.next()) {
        var o = Records.decode(c.value(), io.moraine.proto.meta.v1.ObjectRecord.parser());
        String bucket = new String(c.key(), 1, indexOfZero(c.key()) - 1, java.nio.charset.StandardCharsets.UTF_8);
        current.put(bucket + "/" + o.getKey(), o);
      }
      for (c.seek(new byte[] {Keys.VERSION}); c.valid() && c.key()[0] == Keys.VERSION; c.next()) {
        var o = Records.decode(c.value(), io.moraine.proto.meta.v1.ObjectRecord.parser());
        String bucket = new String(c.key(), 1, indexOfZero(c.key()) - 1, java.nio.charset.StandardCharsets.UTF_8);
        newest.putIfAbsent(bucket + "/" + o.getKey(), o);
        if (o.getVersionId().equals("null")) {
          nulls.merge(bucket + "/" + o.getKey(), 1, Integer::sum);
        }
      }
    }
    assertThat(nulls.values()).allMatch(n -> n == 1);
    java.util.Map<String, io.moraine.proto.meta.v1.ObjectRecord> expected = new java.util.TreeMap<>();
    newest.forEach((k, v) -> {
      if (!v.getDeleteMarker()) {
        expected.put(k, v);
      }
    });
    assertThat(current).isEqualTo(expected);
  }

  private static int indexOfZero(byte[] key) {
    for (int i = 1; i < key.length; i++) {
      if (key[i] == 0) {
        return i;
      }
    }
    throw new AssertionError("no bucket terminator");
  }

  static List<byte[]> run(StateStore store, List<Command> log) {
    MetadataCore core = new MetadataCore(store);
    List<byte[]> replies = new ArrayList<>();
    long index = 0;
    for (Command c : log) {
      replies.add(core.apply(1, ++index, c).toReply().toByteArray());
    }
    return replies;
  }

  static List<String> dumpOf(StateStore store) {
    List<String> out = new ArrayList<>();
    var hex = java.util.HexFormat.of();
    try (StateStore.Cursor c = store.cursor()) {
      for (c.seek(new byte[0]); c.valid(); c.next()) {
        out.add(hex.formatHex(c.key()) + "=" + hex.formatHex(c.value()));
      }
    }
    return out;
  }

  static List<Command> randomLog(SplittableRandom r, int n) {
    List<Command> log = new ArrayList<>();
    String[] buckets = {"b0", "b1", "b2"};
    for (int i = 0; i < n; i++) {
      String bucket = buckets[r.nextInt(buckets.length)];
      String key = "k" + r.nextInt(40) + (r.nextBoolean() ? "/x" + r.nextInt(5) : "");
      String upload = "u" + r.nextInt(4);
      MetaRequest.Builder req = switch (r.nextInt(22)) {
        case 0 -> createBucket("owner" + r.nextInt(2), bucket);
        case 1 -> deleteBucket(bucket);
        case 2, 3, 4 -> {
          var p = put(bucket, key, "d" + i);
          p.getPutObjectBuilder().getVersionBuilder()
              .addHeaders(Header.newBuilder().setName("content-type").setValue("text/plain"))
              .addHeaders(Header.newBuilder().setName("x-amz-meta-n").setValue("" + i));
          yield p;
        }
        case 5 -> deleteObject(bucket, key);
        case 6 -> createUpload(bucket, key, upload);
        case 7 -> putPart(bucket, key, upload, 1 + r.nextInt(3), 5 + r.nextInt(3), "0123456789abcdef0123456789abcde" + r.nextInt(10), segments("p" + i));
        case 8 -> complete(bucket, key, upload, 6, 1, "0123456789abcdef0123456789abcde" + r.nextInt(10), 2, "0123456789abcdef0123456789abcde" + r.nextInt(10));
        case 10 -> MetaRequest.newBuilder().setPutBucketVersioning(io.moraine.proto.meta.v1.PutBucketVersioning.newBuilder()
            .setBucket(bucket).setStatus(1 + r.nextInt(2)));
        case 11, 12 -> MetaRequest.newBuilder().setDeleteObject(io.moraine.proto.meta.v1.DeleteObject.newBuilder()
            .setBucket(bucket).setKey(key).setVersionId(r.nextInt(3) == 0 ? "null"
                : Versions.versionId(Versions.seq(1 + r.nextInt(i + 1), r.nextInt(3)))));
        // The multi-raft directory's commands: the group is chosen in apply from the logged count.
        case 13 -> MetaRequest.newBuilder().setReserveBucketName(io.moraine.proto.meta.v1.ReserveBucketName.newBuilder()
            .setOwnerAccountId("owner" + r.nextInt(2)).setBucket("d" + r.nextInt(8)));
        case 14 -> MetaRequest.newBuilder().setReleaseBucketName(io.moraine.proto.meta.v1.ReleaseBucketName.newBuilder()
            .setBucket("d" + r.nextInt(8)).setGroup(1 + r.nextInt(3)));
        // Sub-resources: bucket configs (conditional on a guessed generation) and object ones.
        case 15 -> BucketConfigTest.putConfig(bucket, r.nextBoolean() ? "policy" : "cors", "c" + i,
            r.nextInt(3) == 0 ? Versions.seq(1 + r.nextInt(i + 1), 0) : 0);
        case 16 -> BucketConfigTest.deleteConfig(bucket, r.nextBoolean() ? "policy" : "cors");
        case 17 -> BucketConfigTest.setSub(bucket, key, "", r.nextBoolean() ? "tagging" : "acl",
            r.nextInt(3) == 0 ? null : "s" + i);
        // IAM (directory): users, keys, inline policies, sessions with their expiry purge.
        case 18 -> IamCoreTest.iam(io.moraine.proto.meta.v1.IamCommand.newBuilder().setCreateUser(
            io.moraine.proto.meta.v1.CreateIamUser.newBuilder().setAccountId(io.moraine.metadata.core.account.Accounts.accountIdFor("root"))
                .setUserName("u" + r.nextInt(4)).setUserId("AIDA" + i)));
        case 19 -> IamCoreTest.iam(io.moraine.proto.meta.v1.IamCommand.newBuilder().setCreateAccessKey(
            io.moraine.proto.meta.v1.CreateAccessKey.newBuilder().setAccountId(io.moraine.metadata.core.account.Accounts.accountIdFor("root"))
                .setUserName("u" + r.nextInt(4)).setAccessKeyId("AK" + i).setSecretKey("s" + i)));
        case 20 -> IamCoreTest.iam(io.moraine.proto.meta.v1.IamCommand.newBuilder().setPutInlinePolicy(
            io.moraine.proto.meta.v1.PutInlinePolicy.newBuilder().setAccountId(io.moraine.metadata.core.account.Accounts.accountIdFor("root"))
                .setKind(io.moraine.proto.meta.v1.IamEntityKind.IAM_USER).setName("u" + r.nextInt(4)).setPolicyName("p").setDocument("{" + i + "}")));
        case 21 -> r.nextBoolean()
            ? MetaRequest.newBuilder().setEnsureRootAccount(io.moraine.proto.meta.v1.EnsureRootAccount.newBuilder()
                .setAccessKeyId("ROOT").setSecretKey("s" + r.nextInt(2)))
            : IamCoreTest.iam(io.moraine.proto.meta.v1.IamCommand.newBuilder().setCreateSession(
                io.moraine.proto.meta.v1.CreateSession.newBuilder().setSession(io.moraine.proto.meta.v1.SessionRecord.newBuilder()
                    .setAccessKeyId("AS" + i).setSecretKey("s").setSessionToken("t").setRoleName("r")
                    .setAccountId(io.moraine.metadata.core.account.Accounts.accountIdFor("root"))
                    .setExpiresMillis(1_700_000_000_000L + i + r.nextInt(50)))));
        default -> MetaRequest.newBuilder().setAbortMultipartUpload(io.moraine.proto.meta.v1.AbortMultipartUpload.newBuilder()
            .setBucket(bucket).setKey(key).setUploadId(upload));
      };
      if (r.nextInt(4) == 0) {
        // Group-committed entries too: a batch of this command and up to 4 more.
        io.moraine.proto.meta.v1.MetaBatch.Builder b = io.moraine.proto.meta.v1.MetaBatch.newBuilder().addRequests(req.setFormatVersion(1));
        for (int j = r.nextInt(5); j > 0; j--) {
          b.addRequests(put(bucket, "k" + r.nextInt(40), "bd" + i + "-" + j).setFormatVersion(1));
          b.addRequests(deleteObject(bucket, "k" + r.nextInt(40)).setFormatVersion(1));
        }
        req = MetaRequest.newBuilder().setBatch(b);
      }
      log.add(new Command(1_700_000_000_000L + i, 2, 3, req.setFormatVersion(1).build()));
    }
    return log;
  }
}
