package io.moraine.metadata.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.moraine.metadata.api.Account;
import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.CompletedPart;
import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.MultipartUpload;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PartRecord;
import io.moraine.metadata.api.Segment;
import io.moraine.metadata.client.GroupStatus;
import io.moraine.metadata.client.MetadataAdmin;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.Command;
import io.moraine.proto.meta.v1.MetaRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client API end to end through a real 3-peer Ratis group on loopback. */
class MetadataClusterTest {
  @TempDir Path dir;

  static ObjectVersion inline(String key, String body) {
    return new ObjectVersion(key, ObjectVersion.NULL_VERSION, body.length(), "etag-" + key, 0, "STANDARD",
        new TreeMap<>(java.util.Map.of("content-type", "text/plain")), 0, new DataLayout.Inline(body.getBytes(StandardCharsets.UTF_8)));
  }

  static Segment segment(String dataId, long size) {
    return new Segment(dataId, size, 4, 2, 1 << 20, 7, 3, List.of("a", "b", "c", "d", "e", "f"),
        List.of(false, false, false, false, true, false));
  }

  @Test
  void clientApiEndToEnd() {
    try (MetaCluster c = new MetaCluster(dir, 3).startAll()) {
      RaftMetadataClient client = c.client();
      Account root = client.ensureRootAccount("AK", "SK");
      assertThat(client.ensureRootAccount("AK", "SK")).isEqualTo(root);
      assertThat(client.findCredential("AK")).get().satisfies(cr -> {
        assertThat(cr.accountId()).isEqualTo(root.accountId());
        assertThat(cr.userName()).isEqualTo("root");
      });
      assertThat(client.findCredential("nope")).isEmpty();
      Account alice = client.createAccount("alice", "AK2", "SK2");
      assertThatThrownBy(() -> client.createAccount("alice", "AK3", "x"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.USER_ALREADY_EXISTS));

      Bucket b = client.createBucket(alice.accountId(), "photos", "us-east-1");
      assertThat(b.createdMillis()).isPositive();
      assertThat(client.getBucket("photos")).contains(b);
      assertThat(client.getBucket("nope")).isEmpty();
      assertThat(client.listBuckets(alice.accountId())).containsExactly(b);
      assertThatThrownBy(() -> client.createBucket(root.accountId(), "photos", "us-east-1"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.BUCKET_ALREADY_EXISTS));

      var put = client.putObject("photos", inline("a/1.txt", "hello"));
      assertThat(put.replaced()).isEmpty();
      assertThat(put.committed().lastModifiedMillis()).isPositive();
      var got = client.getObject("photos", "a/1.txt").orElseThrow();
      assertThat(got).isEqualTo(put.committed());
      assertThat(((DataLayout.Inline) got.layout()).bytes()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
      var seg = new ObjectVersion("b.bin", "null", 100, "e", 0, "STANDARD", new TreeMap<>(), 0,
          new DataLayout.Segments(List.of(segment("d1", 100))));
      client.putObject("photos", seg);
      assertThat(client.getObject("photos", "b.bin").orElseThrow().layout()).isEqualTo(seg.layout());
      var page = client.listObjects("photos", new ListRequest("", "/", "", 1));
      assertThat(page.commonPrefixes()).containsExactly("a/");
      assertThat(page.truncated()).isTrue();
      assertThat(page.nextMarker()).isEqualTo("a/");
      var page2 = client.listObjects("photos", new ListRequest("", "/", page.nextMarker(), 1000));
      assertThat(page2.contents()).extracting(s -> s.key()).containsExactly("b.bin");
      assertThat(page2.contents().get(0).ownerAccountId()).isEqualTo(alice.accountId());
      assertThat(page2.truncated()).isFalse();
      assertThatThrownBy(() -> client.getObject("nope", "k"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.NO_SUCH_BUCKET));

      var upload = client.createMultipartUpload("photos", new MultipartUpload("big", "up-1", 0, "STANDARD",
          new TreeMap<>(java.util.Map.of("content-type", "video/mp4")), alice.accountId()));
      assertThat(upload.initiatedMillis()).isPositive();
      String md5a = "78429f7462d636a84d9c922f495599c5";
      String md5b = "bca7c72402361f2a3af235b051ce87f4";
      client.putPart("photos", "big", "up-1", new PartRecord(1, 5 << 20, md5a, 0, new DataLayout.Segments(List.of(segment("p1", 5 << 20)))));
      // Part 2 uploaded twice, the attempt that began first committing last: it loses and comes
      // back as the record to collect (issue 12 item 6), through real Ratis and the codec.
      var early = client.beginPart("photos", "big", "up-1");
      var late = client.beginPart("photos", "big", "up-1");
      assertThat(late.sequence()).isGreaterThan(early.sequence());
      assertThat(early.upload().headers()).containsEntry("content-type", "video/mp4");
      client.putPart("photos", "big", "up-1", new PartRecord(2, 3, md5b, 0, new DataLayout.Segments(List.of(segment("p2", 3))),
          "", "", late.sequence()));
      var lost = client.putPart("photos", "big", "up-1", new PartRecord(2, 3, md5a, 0,
          new DataLayout.Segments(List.of(segment("p2-early", 3))), "", "", early.sequence()));
      assertThat(lost).get().extracting(PartRecord::etag).isEqualTo(md5a);
      assertThatThrownBy(() -> client.beginPart("photos", "big", "no-such-upload"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.NO_SUCH_UPLOAD));
      assertThat(client.listParts("photos", "big", "up-1")).extracting(PartRecord::partNumber).containsExactly(1, 2);
      assertThat(client.listMultipartUploads("photos", "", 1000)).extracting(MultipartUpload::uploadId).containsExactly("up-1");
      assertThatThrownBy(() -> client.deleteBucket("photos"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.BUCKET_NOT_EMPTY));
      var done = client.completeMultipartUpload("photos", "big", "up-1",
          List.of(new CompletedPart(1, md5a), new CompletedPart(2, md5b)), 5 << 20);
      assertThat(done.committed().etag()).endsWith("-2");
      // A repeated Complete (the first reply lost) answers the same version, not NoSuchUpload.
      assertThat(client.completeMultipartUpload("photos", "big", "up-1",
          List.of(new CompletedPart(1, md5a), new CompletedPart(2, md5b)), 5 << 20).committed().etag())
          .isEqualTo(done.committed().etag());
      assertThat(done.committed().headers()).containsEntry("content-type", "video/mp4");
      assertThat(((DataLayout.Segments) done.committed().layout()).segments()).extracting(Segment::dataId).containsExactly("p1", "p2");
      assertThatThrownBy(() -> client.listParts("photos", "big", "up-1"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.NO_SUCH_UPLOAD));

      // Inline objects make big log entries; a 900 KiB one still commits and replicates.
      String large = "z".repeat(900 * 1024);
      client.putObject("photos", inline("large", large));
      assertThat(((DataLayout.Inline) client.getObject("photos", "large").orElseThrow().layout()).bytes()).hasSize(large.length());
      for (String k : List.of("a/1.txt", "b.bin", "big", "large")) {
        assertThat(client.deleteObject("photos", k)).isPresent();
      }
      assertThat(client.deleteObject("photos", "big")).isEmpty();
      client.deleteBucket("photos");
      assertThat(client.listBuckets(alice.accountId())).isEmpty();
      assertThatThrownBy(() -> client.createBucket("", "x", "r")).isInstanceOf(IllegalArgumentException.class);

      List<GroupStatus> status = MetadataAdmin.status(c.peers, c.groups, 2_000);
      assertThat(status).hasSize(2);
      assertThat(status.get(0).line()).matches("group g1 leader meta-[123] peers meta-1,meta-2,meta-3");
      assertThat(status.get(1).line()).matches("group g2 leader meta-[123] peers meta-1,meta-2,meta-3");
    }
  }

  @Test
  void readsAreLinearizableAndRetriedCallsApplyOnce() throws IOException {
    try (MetaCluster c = new MetaCluster(dir, 3).startAll()) {
      RaftMetadataClient writer = c.client();
      RaftMetadataClient reader = c.client();
      writer.createBucket("o", "b", "us-east-1");
      for (var s : c.servers) {
        var props = s.raftServer().getProperties();
        assertThat(RaftServerConfigKeys.Read.option(props)).isEqualTo(RaftServerConfigKeys.Read.Option.LINEARIZABLE);
      }
      // A read that starts after a write was acknowledged sees it, from another client too.
      for (int i = 0; i < 50; i++) {
        var committed = writer.putObject("b", inline("k", "v" + i)).committed();
        assertThat(reader.getObject("b", "k")).contains(committed);
      }

      // The same call (client id + call id) sent twice is logged and applied once.
      int leader = awaitLeader(c);
      var raft = writer.raftClient();
      MetaRequest req = MetaRequest.newBuilder().setFormatVersion(Command.FORMAT_VERSION)
          .setPutObject(io.moraine.proto.meta.v1.PutObject.newBuilder().setBucket("b")
              .setVersion(io.moraine.metadata.client.Codec.object(inline("retried", "x")))).build();
      RaftClientRequest request = RaftClientRequest.newBuilder()
          .setClientId(raft.getId()).setServerId(org.apache.ratis.protocol.RaftPeerId.valueOf(c.peers.get(leader).nodeId()))
          .setGroupId(raft.getGroupId()).setCallId(1_000_000_007L)
          .setMessage(Message.valueOf(ByteString.copyFrom(req.toByteArray())))
          .setType(RaftClientRequest.writeRequestType()).build();
      RaftClientReply first = raft.getClientRpc().sendRequest(request);
      RaftClientReply second = raft.getClientRpc().sendRequest(request);
      assertThat(first.isSuccess()).isTrue();
      assertThat(second.getLogIndex()).isEqualTo(first.getLogIndex());
      assertThat(second.getMessage().getContent()).isEqualTo(first.getMessage().getContent());
      assertThat(putEntriesFor(c, leader, "retried")).isEqualTo(1);
    }
  }

  static int awaitLeader(MetaCluster c) {
    return awaitLeader(c, 1);
  }

  static int awaitLeader(MetaCluster c, int group) {
    await().atMost(Duration.ofSeconds(20)).until(() -> c.leaderIndex(group) >= 0);
    return c.leaderIndex(group);
  }

  /** Counts PutObject log entries for {@code key} in peer {@code i}'s Raft log. */
  static int putEntriesFor(MetaCluster c, int i, String key) {
    return (int) putEntryCounts(c, i).getOrDefault(key, 0);
  }

  static TreeMap<String, Integer> putEntryCounts(MetaCluster c, int i) {
    return putEntryCounts(c, i, 1);
  }

  /** PutObject log entries per key in group {@code group}'s log on peer {@code i}. */
  static TreeMap<String, Integer> putEntryCounts(MetaCluster c, int i, int group) {
    TreeMap<String, Integer> counts = new TreeMap<>();
    try {
      var division = c.servers[i].raftServer().getDivision(MetaGroup.groupId(MetaGroup.name(group)));
      RaftLog log = division.getRaftLog();
      for (long idx = log.getStartIndex(); idx <= log.getLastEntryTermIndex().getIndex(); idx++) {
        var entry = log.get(idx);
        if (entry != null && entry.hasStateMachineLogEntry()) {
          Command cmd = Command.decode(entry.getStateMachineLogEntry().getLogData().toByteArray());
          List<MetaRequest> requests = cmd.request().hasBatch() ? cmd.request().getBatch().getRequestsList() : List.of(cmd.request());
          for (MetaRequest r : requests) {
            if (r.hasPutObject()) {
              counts.merge(r.getPutObject().getVersion().getKey(), 1, Integer::sum);
            }
          }
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return counts;
  }

  static Optional<ObjectVersion> get(RaftMetadataClient client, String bucket, String key) {
    return client.getObject(bucket, key);
  }
}
