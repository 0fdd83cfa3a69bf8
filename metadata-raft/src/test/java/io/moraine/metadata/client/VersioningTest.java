package io.moraine.metadata.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.DeleteResult;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PutResult;
import io.moraine.metadata.api.VersionEntry;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import io.moraine.metadata.api.VersioningStatus;
import io.moraine.metadata.core.MetadataCore;
import io.moraine.metadata.store.MemoryStateStore;
import io.moraine.metadata.api.ListRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Versioning semantics of the core, through the client API over an in-process core. */
class VersioningTest {
  private MetadataClient meta;

  @BeforeEach
  void setUp() {
    meta = RaftMetadataClient.inProcess(new MetadataCore(new MemoryStateStore()),
        InstantSource.fixed(Instant.ofEpochMilli(1_700_000_000_000L)), 100);
    meta.createBucket("acct", "b", "us-east-1");
  }

  private PutResult put(String key, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return meta.putObject("b", new ObjectVersion(key, "null", bytes.length, "etag-" + body, 0, "STANDARD",
        new TreeMap<>(), 0, new DataLayout.Inline(bytes)));
  }

  private static String body(ObjectVersion v) {
    return new String(((DataLayout.Inline) v.layout()).bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void unversionedOverwriteReplacesTheNullVersion() {
    assertThat(put("k", "1").committed().versionId()).isEqualTo("null");
    PutResult second = put("k", "2");
    assertThat(second.replaced()).map(VersioningTest::body).contains("1");
    assertThat(meta.listObjectVersions("b", new VersionListRequest("", "", "", "", 100)).versions())
        .extracting(VersionEntry::versionId).containsExactly("null");
    DeleteResult d = meta.deleteObject("b", "k", null);
    assertThat(d.deleteMarker()).isFalse();
    assertThat(d.removed()).map(VersioningTest::body).contains("2");
    assertThat(meta.getObjectVersion("b", "k", null)).isEmpty();
    meta.deleteBucket("b");
  }

  @Test
  void enabledKeepsEveryVersionAndDeleteMarkersHideThem() {
    put("k", "0");
    meta.setBucketVersioning("b", VersioningStatus.ENABLED);
    assertThat(meta.getBucket("b").orElseThrow().versioning()).isEqualTo(VersioningStatus.ENABLED);
    PutResult v1 = put("k", "1");
    PutResult v2 = put("k", "2");
    assertThat(v1.replaced()).isEmpty();
    assertThat(v1.committed().versionId()).isNotEqualTo("null").hasSize(16);
    assertThat(v2.committed().versionId()).isGreaterThan(v1.committed().versionId());
    assertThat(meta.getObject("b", "k")).map(VersioningTest::body).contains("2");
    assertThat(meta.getObjectVersion("b", "k", v1.committed().versionId())).map(VersioningTest::body).contains("1");
    assertThat(meta.getObjectVersion("b", "k", "null")).map(VersioningTest::body).contains("0");

    DeleteResult marker = meta.deleteObject("b", "k", null);
    assertThat(marker.deleteMarker()).isTrue();
    assertThat(marker.removed()).isEmpty();
    assertThat(meta.getObject("b", "k")).isEmpty();
    assertThat(meta.getObjectVersion("b", "k", null)).hasValueSatisfying(v -> assertThat(v.deleteMarker()).isTrue());
    assertThat(meta.listObjects("b", new ListRequest("", "", "", 100)).contents()).isEmpty();
    VersionListPage all = meta.listObjectVersions("b", new VersionListRequest("", "", "", "", 100));
    assertThat(all.versions()).extracting(VersionEntry::versionId)
        .containsExactly(marker.versionId(), v2.committed().versionId(), v1.committed().versionId(), "null");
    assertThat(all.versions()).extracting(VersionEntry::latest).containsExactly(true, false, false, false);
    assertThatThrownBy(() -> meta.deleteBucket("b")).isInstanceOf(MetadataException.class)
        .extracting(e -> ((MetadataException) e).error()).isEqualTo(MetadataError.BUCKET_NOT_EMPTY);

    // Deleting the marker brings v2 back.
    DeleteResult undelete = meta.deleteObject("b", "k", marker.versionId());
    assertThat(undelete.deleteMarker()).isTrue();
    assertThat(meta.getObject("b", "k")).map(VersioningTest::body).contains("2");
    // Deleting the current version for good makes the previous one current and frees its data.
    DeleteResult gone = meta.deleteObject("b", "k", v2.committed().versionId());
    assertThat(gone.removed()).map(VersioningTest::body).contains("2");
    assertThat(meta.getObject("b", "k")).map(VersioningTest::body).contains("1");
    // A non-current version goes without touching the current one.
    meta.deleteObject("b", "k", "null");
    assertThat(meta.getObject("b", "k")).map(VersioningTest::body).contains("1");
    assertThat(meta.deleteObject("b", "k", "00000000000000ff").removed()).isEmpty();
  }

  @Test
  void suspendedWritesReplaceTheNullVersionOnly() {
    meta.setBucketVersioning("b", VersioningStatus.ENABLED);
    PutResult v1 = put("k", "1");
    meta.setBucketVersioning("b", VersioningStatus.SUSPENDED);
    PutResult n1 = put("k", "n1");
    assertThat(n1.committed().versionId()).isEqualTo("null");
    assertThat(n1.replaced()).isEmpty();
    PutResult n2 = put("k", "n2");
    assertThat(n2.replaced()).map(VersioningTest::body).contains("n1");
    DeleteResult marker = meta.deleteObject("b", "k", null);
    assertThat(marker.versionId()).isEqualTo("null");
    assertThat(marker.deleteMarker()).isTrue();
    assertThat(marker.removed()).map(VersioningTest::body).contains("n2");
    assertThat(meta.listObjectVersions("b", new VersionListRequest("", "", "", "", 100)).versions())
        .extracting(VersionEntry::versionId, VersionEntry::deleteMarker)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("null", true),
            org.assertj.core.groups.Tuple.tuple(v1.committed().versionId(), false));
    assertThatThrownBy(() -> meta.setBucketVersioning("b", VersioningStatus.UNVERSIONED))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void conditionalWritesAreCheckedAtCommit() {
    ObjectVersion v = new ObjectVersion("c", "null", 1, "e1", 0, "STANDARD", new TreeMap<>(), 0,
        new DataLayout.Inline(new byte[] {1}));
    meta.putObject("b", v, new io.moraine.metadata.api.WriteCondition(null, true));
    assertThatThrownBy(() -> meta.putObject("b", v, new io.moraine.metadata.api.WriteCondition(null, true)))
        .extracting(e -> ((MetadataException) e).error()).isEqualTo(MetadataError.PRECONDITION_FAILED);
    assertThatThrownBy(() -> meta.putObject("b", v, new io.moraine.metadata.api.WriteCondition("other", false)))
        .extracting(e -> ((MetadataException) e).error()).isEqualTo(MetadataError.PRECONDITION_FAILED);
    assertThatThrownBy(() -> meta.putObject("b", new ObjectVersion("d", "null", 1, "e1", 0, "STANDARD", new TreeMap<>(), 0,
        new DataLayout.Inline(new byte[] {1})), new io.moraine.metadata.api.WriteCondition("e1", false)))
        .extracting(e -> ((MetadataException) e).error()).isEqualTo(MetadataError.NO_SUCH_KEY);
    meta.putObject("b", v, new io.moraine.metadata.api.WriteCondition("e1", false));
    // A delete marker as latest version: the key has no current version, If-None-Match holds.
    meta.setBucketVersioning("b", VersioningStatus.ENABLED);
    meta.deleteObject("b", "c", null);
    meta.putObject("b", v, new io.moraine.metadata.api.WriteCondition(null, true));
  }

  @Test
  void listingPagesThroughMarkersAndCommonPrefixes() {
    meta.setBucketVersioning("b", VersioningStatus.ENABLED);
    for (String k : List.of("a", "d/1", "d/2", "e")) {
      put(k, k + "x");
      put(k, k + "y");
    }
    VersionListPage cp = meta.listObjectVersions("b", new VersionListRequest("", "/", "", "", 100));
    assertThat(cp.commonPrefixes()).containsExactly("d/");
    assertThat(cp.versions()).extracting(VersionEntry::key).containsExactly("a", "a", "e", "e");

    List<String> seen = new ArrayList<>();
    String keyMarker = "";
    String versionMarker = "";
    int pages = 0;
    while (true) {
      VersionListPage p = meta.listObjectVersions("b", new VersionListRequest("", "", keyMarker, versionMarker, 3));
      pages++;
      p.versions().forEach(v -> seen.add(v.key() + "@" + v.latest()));
      if (!p.truncated()) {
        break;
      }
      keyMarker = p.nextKeyMarker();
      versionMarker = p.nextVersionIdMarker();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactly("a@true", "a@false", "d/1@true", "d/1@false", "d/2@true", "d/2@false",
        "e@true", "e@false");

    VersionListPage afterPrefix = meta.listObjectVersions("b", new VersionListRequest("", "/", "d/", "", 100));
    assertThat(afterPrefix.commonPrefixes()).isEmpty();
    assertThat(afterPrefix.versions()).extracting(VersionEntry::key).containsExactly("e", "e");
    VersionListPage prefixed = meta.listObjectVersions("b", new VersionListRequest("d/", "", "d/1", "", 100));
    assertThat(prefixed.versions()).extracting(VersionEntry::key).containsExactly("d/2", "d/2");
  }
}
