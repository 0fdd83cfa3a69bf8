package io.moraine.gateway.crypto;

import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.VersionEntry;
import io.moraine.metadata.api.VersionListPage;
import io.moraine.metadata.api.VersionListRequest;
import io.moraine.proto.meta.v1.EncryptionRecord;
import io.moraine.proto.meta.v1.RewrapDataKey;
import com.google.protobuf.ByteString;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background re-wrap of SSE-S3 data keys (docs/encryption.md): one pass walks every version of
 * every object and, for each sealed under a master key other than the active one, unwraps its data
 * key with the old master key and commits it wrapped by the active one ({@code RewrapDataKey},
 * conditional on the record being unchanged). Object data is never read or written. Needs the root
 * key, so it runs in gateway processes, one active instance per cluster (the launcher's leader
 * election). A pass is idempotent: a successor simply runs a new one.
 */
public final class Rewrapper {
  private static final Logger log = LoggerFactory.getLogger(Rewrapper.class);
  private static final int PAGE = 1000;

  /** What one pass did. */
  public record Pass(long versionsSeen, long rewrapped, long raced) {}

  private final MetadataClient metadata;
  private final MasterKeys keys;
  private final RandomGenerator random;

  public Rewrapper(MetadataClient metadata, MasterKeys keys, RandomGenerator random) {
    this.metadata = metadata;
    this.keys = keys;
    this.random = random;
  }

  public Pass pass() {
    Optional<MasterKeys.MasterKey> active = keys.activeIfAny();
    if (active.isEmpty()) {
      return new Pass(0, 0, 0); // no key: nothing was ever encrypted
    }
    long seen = 0;
    long rewrapped = 0;
    long raced = 0;
    for (Bucket b : metadata.listAllBuckets()) {
      String keyMarker = "";
      String versionMarker = "";
      while (true) {
        VersionListPage page;
        try {
          page = metadata.listObjectVersions(b.name(), new VersionListRequest("", "", keyMarker, versionMarker, PAGE));
        } catch (MetadataException e) {
          if (e.error() == MetadataError.NO_SUCH_BUCKET) {
            break; // deleted meanwhile
          }
          throw e;
        }
        for (VersionEntry e : page.versions()) {
          seen++;
          if (e.deleteMarker()) {
            continue;
          }
          Optional<ObjectVersion> v = metadata.getObjectVersion(b.name(), e.key(), e.versionId());
          // SSE-C data keys are wrapped by the customer's key, which only requests carry.
          if (v.isEmpty() || !v.get().encrypted() || v.get().encryption().getMode() != Sse.MODE_SSE_S3
              || v.get().encryption().getMasterKeyId().equals(active.get().id())) {
            continue;
          }
          if (rewrap(b.name(), v.get(), active.get())) {
            rewrapped++;
          } else {
            raced++;
          }
        }
        if (!page.truncated()) {
          break;
        }
        keyMarker = page.nextKeyMarker();
        versionMarker = page.nextVersionIdMarker() == null ? "" : page.nextVersionIdMarker();
      }
    }
    if (rewrapped > 0 || raced > 0) {
      log.info("SSE re-wrap pass: {} versions seen, {} data keys re-wrapped to master key {}, {} changed meanwhile",
          seen, rewrapped, active.get().id(), raced);
    }
    return new Pass(seen, rewrapped, raced);
  }

  private boolean rewrap(String bucket, ObjectVersion v, MasterKeys.MasterKey active) {
    EncryptionRecord e = v.encryption();
    String purpose = KeyWrap.dataKeyPurpose(e.getInstanceId());
    byte[] dataKey;
    try {
      dataKey = KeyWrap.unwrap(keys.byId(e.getMasterKeyId()), e.getWrappedDataKey().toByteArray(), purpose);
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException("data key of " + bucket + "/" + v.key() + " version " + v.versionId()
          + " does not unwrap with master key " + e.getMasterKeyId(), ex);
    }
    return metadata.rewrapDataKey(RewrapDataKey.newBuilder().setBucket(bucket).setKey(v.key())
        .setVersionId(v.versionId()).setInstanceId(e.getInstanceId()).setExpectedMasterKeyId(e.getMasterKeyId())
        .setMasterKeyId(active.id()).setWrappedDataKey(ByteString.copyFrom(KeyWrap.wrap(active.key(), dataKey, purpose,
            random))).build());
  }
}
