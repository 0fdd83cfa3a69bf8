package io.moraine.metadata.server;

import static io.moraine.metadata.server.MetadataClusterTest.inline;
import static io.moraine.metadata.server.MetadataFaultTest.appliedIndexes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.ListRequest;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.client.GroupStatus;
import io.moraine.metadata.client.MetadataAdmin;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.core.Command;
import io.moraine.proto.meta.v1.DeleteBucket;
import io.moraine.proto.meta.v1.MetaRequest;
import io.moraine.proto.meta.v1.ReserveBucketName;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Buckets spread over 2 groups, routing and its stale cache, half-done bucket steps, online membership (real Ratis). */
class MultiRaftTest {
  private static final Logger LOG = LoggerFactory.getLogger(MultiRaftTest.class);

  @TempDir Path dir;

  @Test
  void bucketsSpreadOverGroupsAndListAcrossThem() {
    try (MetaCluster c = new MetaCluster(dir, 3).startAll()) {
      RaftMetadataClient client = c.client();
      List<Bucket> made = new ArrayList<>();
      for (String name : List.of("d", "a", "c", "b")) {
        made.add(client.createBucket(name.equals("c") ? "other" : "o", name, "us-east-1"));
      }
      assertThat(List.of("a", "b", "c", "d")).extracting(n -> client.groupOf(n).orElseThrow())
          .containsOnly(1, 2).contains(1).contains(2);
      assertThat(client.listBuckets("o")).extracting(Bucket::name).containsExactly("a", "b", "d");
      assertThat(client.listBuckets("other")).extracting(Bucket::name).containsExactly("c");
      assertThat(client.listAllBuckets()).extracting(Bucket::name).containsExactly("a", "b", "c", "d");
      assertThat(client.listAllBuckets()).containsExactlyInAnyOrderElementsOf(made);
      // Uniqueness is decided in the directory across groups.
      assertThatThrownBy(() -> client.createBucket("other", "a", "us-east-1"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.BUCKET_ALREADY_EXISTS));
      assertThatThrownBy(() -> client.createBucket("o", "d", "us-east-1"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.BUCKET_ALREADY_OWNED_BY_YOU));
      for (String name : List.of("a", "b", "c", "d")) {
        client.putObject(name, inline("k", name));
      }
      // A second client (cold cache) finds each bucket with one directory read.
      RaftMetadataClient other = c.client();
      for (String name : List.of("a", "b", "c", "d")) {
        assertThat(other.getObject(name, "k")).get().satisfies(v -> assertThat(v.size()).isEqualTo(1));
      }
      assertThatThrownBy(() -> other.getObject("nope", "k"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.NO_SUCH_BUCKET));
      assertThat(other.getBucket("nope")).isEmpty();
    }
  }

  @Test
  void staleCachedGroupIsReResolved() {
    try (MetaCluster c = new MetaCluster(dir, 3).startAll()) {
      RaftMetadataClient a = c.client();
      RaftMetadataClient b = c.client();
      a.createBucket("o", "x", "us-east-1"); // g1
      a.putObject("x", inline("k", "old"));
      assertThat(b.getObject("x", "k")).isPresent(); // b caches x -> g1
      a.deleteObject("x", "k");
      a.deleteBucket("x");
      a.createBucket("o", "filler", "us-east-1"); // g1 (both empty: lowest number)
      a.createBucket("o", "x", "us-east-1"); // fewest buckets: g2
      assertThat(a.groupOf("x")).hasValue(2);
      a.putObject("x", inline("k", "new"));
      // b's cache still says g1, where x is gone: NO_SUCH_BUCKET there, re-resolved once.
      assertThat(b.getObject("x", "k")).get().satisfies(v -> assertThat(v.etag()).isEqualTo("etag-k"));
      b.putObject("x", inline("k2", "from-b"));
      assertThat(a.listObjects("x", new ListRequest("", "", "", 10)).contents()).hasSize(2);
      // A deleted bucket stays gone for a client that cached it.
      b.deleteObject("x", "k");
      b.deleteObject("x", "k2");
      a.deleteBucket("x");
      assertThat(b.getBucket("x")).isEmpty();
      assertThatThrownBy(() -> b.putObject("x", inline("k", "v")))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.NO_SUCH_BUCKET));
    }
  }

  /** The crash cases of the two-step create and delete, driven by sending one step alone. */
  @Test
  void halfCreatedAndHalfDeletedBucketsAreCompletedByTheirOwner() throws Exception {
    try (MetaCluster c = new MetaCluster(dir, 3).startAll()) {
      RaftMetadataClient client = c.client();
      client.createBucket("o", "first", "us-east-1"); // so the next name goes to g2
      // Crash after the reservation, before the group step.
      send(client, 1, MetaRequest.newBuilder().setReserveBucketName(
          ReserveBucketName.newBuilder().setOwnerAccountId("o").setBucket("half")));
      assertThat(client.groupOf("half")).hasValue(2);
      assertThat(client.getBucket("half")).isEmpty();
      assertThat(client.listBuckets("o")).extracting(Bucket::name).containsExactly("first");
      assertThatThrownBy(() -> client.createBucket("intruder", "half", "us-east-1"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.BUCKET_ALREADY_EXISTS));
      Bucket done = client.createBucket("o", "half", "us-east-1"); // the owner's retry completes it
      assertThat(client.getBucket("half")).contains(done);
      assertThatThrownBy(() -> client.createBucket("o", "half", "us-east-1"))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.BUCKET_ALREADY_OWNED_BY_YOU));

      // Crash after the group deleted the bucket, before the directory released the name.
      send(client, 2, MetaRequest.newBuilder().setDeleteBucket(DeleteBucket.newBuilder().setBucket("half")));
      assertThat(client.getBucket("half")).isEmpty();
      assertThatThrownBy(() -> client.putObject("half", inline("k", "v")))
          .isInstanceOfSatisfying(MetadataException.class, e -> assertThat(e.error()).isEqualTo(MetadataError.NO_SUCH_BUCKET));
      Bucket again = client.createBucket("o", "half", "us-east-1"); // usable again by its owner
      assertThat(client.getBucket("half")).contains(again);
      client.deleteBucket("half");
      assertThat(client.groupOf("half")).isEmpty();
      client.createBucket("intruder", "half", "us-east-1"); // released: anyone may take it now
    }
  }

  @Test
  void aPeerIsAddedAndAnotherRemovedOnlineUnderWrites() throws Exception {
    MetaCluster c = new MetaCluster(dir, 3, 1);
    try (c) {
      c.startAll();
      RaftMetadataClient client = c.client();
      MetadataFaultTest.createInBothGroups(client);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger next = new AtomicInteger();
      List<String> acked = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicInteger failed = new AtomicInteger();
      Thread writer = new Thread(() -> {
        while (!stop.get()) {
          String key = "k" + next.getAndIncrement();
          try {
            client.putObject(MetadataFaultTest.bucketOf(key), inline(key, key));
            acked.add(key);
          } catch (RuntimeException e) {
            failed.incrementAndGet();
          }
        }
      });
      writer.start();
      await().atMost(Duration.ofSeconds(20)).until(() -> acked.size() > 50);

      MetaPeer added = c.all.get(3);
      LOG.info("membership: starting {} with join and adding it to every group", added.nodeId());
      c.start(3);
      assertThat(c.servers[3].groupIds()).isEmpty();
      MetadataAdmin.addPeer(c.peers, c.groups, added);
      List<GroupStatus> st = MetadataAdmin.status(c.all, c.groups, 2_000);
      assertThat(st).extracting(GroupStatus::peers).containsOnly(List.of("meta-1", "meta-2", "meta-3", "meta-4"));
      int sizeAfterAdd = acked.size();
      await().atMost(Duration.ofSeconds(20)).until(() -> acked.size() > sizeAfterAdd + 50);

      // Remove g1's leader, and keep its process running: it then answers that it does not host
      // the groups, and clients whose leader guess was that peer must move on.
      // (Unless meta-4 leads g1 now: it must stay, to check its state machines below.)
      int leader = MetadataClusterTest.awaitLeader(c, 1);
      int victim = leader < 3 ? leader : 0;
      String victimId = c.all.get(victim).nodeId();
      LOG.info("membership: removing {} (g1's leader: {}) from every group", victimId, c.all.get(leader).nodeId());
      MetadataAdmin.removePeer(c.all, c.groups, victimId);
      assertThat(c.servers[victim].groupIds()).isEmpty();
      int sizeAfterRemove = acked.size();
      await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() > sizeAfterRemove + 50);
      stop.set(true);
      writer.join();
      List<MetaPeer> rest = c.all.stream().filter(p -> !p.nodeId().equals(victimId)).toList();
      List<String> restIds = rest.stream().map(MetaPeer::nodeId).toList();
      List<GroupStatus> after = MetadataAdmin.status(rest, c.groups, 2_000);
      LOG.info("membership: status {}; {} acked, {} failed", after.stream().map(GroupStatus::line).toList(), acked.size(), failed.get());
      assertThat(after).extracting(GroupStatus::peers).containsOnly(restIds);
      assertThat(after).allSatisfy(s -> assertThat(s.leader()).isPresent());

      // A new client that knows only the current members reads every acknowledged write.
      RaftMetadataClient fresh = RaftMetadataClient.connect(rest,
          new io.moraine.metadata.client.RaftMetadataClientConfig(c.groups, 2_000, 100, 30_000), new java.util.SplittableRandom(7));
      try (fresh) {
        for (String key : acked) {
          assertThat(fresh.getObject(MetadataFaultTest.bucketOf(key), key)).as(key).isPresent();
        }
        fresh.putObject("b", inline("last", "x"));
        fresh.putObject("b2", inline("last", "x"));
      }
      c.stop(victim);
      // The new peer's state machines hold every committed object of both groups.
      for (int g = 1; g <= c.groups; g++) {
        int group = g;
        await().atMost(Duration.ofSeconds(30)).until(() -> appliedIndexes(c, group).stream().distinct().count() == 1);
      }
      RaftMetadataClient knowsAll = c.client(new io.moraine.metadata.client.RaftMetadataClientConfig(c.groups, 2_000, 100, 30_000));
      for (String key : acked) {
        String bucket = MetadataFaultTest.bucketOf(key);
        assertThat(MetadataFaultTest.readFrom(knowsAll, bucket.equals("b") ? 1 : 2, bucket, "meta-4", key)).as(key).isTrue();
      }
    }
  }

  private static void send(RaftMetadataClient client, int group, MetaRequest.Builder request) throws Exception {
    send(client, group, request, false);
  }

  /** One command straight to one group, as a client that crashed after this step would have left it. */
  private static void send(RaftMetadataClient client, int group, MetaRequest.Builder request, boolean mayFail) throws Exception {
    var reply = client.raftClient(group).io().send(Message.valueOf(ByteString.copyFrom(
        request.setFormatVersion(Command.FORMAT_VERSION).build().toByteArray())));
    assertThat(reply.isSuccess()).isTrue();
    var r = io.moraine.proto.meta.v1.MetaReply.parseFrom(reply.getMessage().getContent().toByteArray());
    if (!mayFail) {
      assertThat(r.hasError()).as(r.toString()).isFalse();
    }
  }
}
