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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background re-wrap of SSE-S3 data keys (docs/encryption.md): one pass walks every version of
 * every object and, for each sealed under a master key other than the active one, unwraps its data
 * key with the old master key and commits it wrapped by the active one ({@code RewrapDataKey},
 * conditional on the record being unchanged). Object data is never read or written. Needs the root
 * key, so it runs in gateway processes, one active instance per cluster (the launcher's leader
 * election). Progress ({@link RewrapProgress}) is checkpointed after every page, so a successor
 * resumes the walk; once a complete walk finds every SSE-S3 data key under the active master key,
 * no walk runs until the key rotates again (the steady state costs nothing).
 */
public final class Rewrapper {
  private static final Logger log = LoggerFactory.getLogger(Rewrapper.class);
  private static final int PAGE = 1000;

  /** What one pass did. */
  public record Pass(long versionsSeen, long rewrapped, long raced) {}

  private final MetadataClient metadata;
  private final MasterKeys keys;
  private final RandomGenerator random;
  private final int pageSize;

  public Rewrapper(MetadataClient metadata, MasterKeys keys, RandomGenerator random) {
    this(metadata, keys, random, PAGE);
  }

  private Rewrapper(MetadataClient metadata, MasterKeys keys, RandomGenerator random, int pageSize) {
    this.metadata = metadata;
    this.keys = keys;
    this.random = random;
    this.pageSize = pageSize;
  }

  /** The same re-wrap listing {@code pageSize} versions per page (and checkpoint). */
  public Rewrapper withPageSize(int pageSize) {
    return new Rewrapper(metadata, keys, random, pageSize);
  }

  /** One complete walk from the start, without a checkpoint (tests, and callers that keep no progress). */
  public Pass pass() {
    RewrapProgress p = walk(RewrapProgress.empty(), "", c -> { }, () -> true, () -> 0L, true);
    return new Pass(p.seen(), p.rewrapped(), p.raced());
  }

  /**
   * Resumes or starts the walk described by {@code start}, calling {@code checkpoint} after every
   * page, until it ends or {@code keepGoing} turns false. Nothing is walked while the active key is
   * the one a complete walk found nothing left for ({@link RewrapProgress#done()}); a walk begun
   * towards another key than the active one (the key rotated again meanwhile) starts over.
   *
   * @return the progress at the end (also passed to the last checkpoint)
   */
  public RewrapProgress pass(RewrapProgress start, String leader, Consumer<RewrapProgress> checkpoint,
      BooleanSupplier keepGoing, LongSupplier wallMillis) {
    return walk(start.withLeader(leader), leader, checkpoint, keepGoing, wallMillis, false);
  }

  private RewrapProgress walk(RewrapProgress start, String leader, Consumer<RewrapProgress> checkpoint,
      BooleanSupplier keepGoing, LongSupplier wallMillis, boolean always) {
    Optional<MasterKeys.MasterKey> active = keys.activeIfAny();
    if (active.isEmpty()) {
      return start; // no key: nothing was ever encrypted
    }
    String target = active.get().id();
    if (!always && target.equals(start.done())) {
      return start; // a complete walk found nothing under older keys
    }
    RewrapProgress p = target.equals(start.target()) && !always ? start : start.startWalk(leader, target);
    List<Bucket> buckets = new ArrayList<>(metadata.listAllBuckets());
    buckets.sort(Comparator.comparing(Bucket::name));
    for (Bucket b : buckets) {
      if (!p.cursorBucket().isEmpty() && b.name().compareTo(p.cursorBucket()) < 0) {
        continue; // walked before the checkpoint
      }
      boolean resume = b.name().equals(p.cursorBucket());
      String keyMarker = resume ? p.cursorKey() : "";
      String versionMarker = resume ? p.cursorVersion() : "";
      while (true) {
        if (!keepGoing.getAsBoolean()) {
          return p;
        }
        VersionListPage page;
        try {
          page = metadata.listObjectVersions(b.name(), new VersionListRequest("", "", keyMarker, versionMarker, pageSize));
        } catch (MetadataException e) {
          if (e.error() == MetadataError.NO_SUCH_BUCKET) {
            break; // deleted meanwhile
          }
          throw e;
        }
        long seen = 0;
        long rewrapped = 0;
        long raced = 0;
        String lastKey = keyMarker;
        String lastVersion = versionMarker;
        for (VersionEntry e : page.versions()) {
          seen++;
          lastKey = e.key();
          lastVersion = e.versionId() == null ? "" : e.versionId();
          if (e.deleteMarker()) {
            continue;
          }
          Optional<ObjectVersion> v = metadata.getObjectVersion(b.name(), e.key(), e.versionId());
          // SSE-C data keys are wrapped by the customer's key, which only requests carry.
          if (v.isEmpty() || !v.get().encrypted() || v.get().encryption().getMode() != Sse.MODE_SSE_S3
              || v.get().encryption().getMasterKeyId().equals(target)) {
            continue;
          }
          if (rewrap(b.name(), v.get(), active.get())) {
            rewrapped++;
          } else {
            raced++;
          }
        }
        p = p.advanced(b.name(), lastKey, lastVersion, seen, rewrapped, raced);
        checkpoint.accept(p);
        if (rewrapped > 0 || raced > 0) {
          log.info("SSE re-wrap: bucket {}: {} data keys re-wrapped to master key {}, {} changed meanwhile",
              b.name(), rewrapped, target, raced);
        }
        if (!page.truncated()) {
          break;
        }
        keyMarker = page.nextKeyMarker();
        versionMarker = page.nextVersionIdMarker() == null ? "" : page.nextVersionIdMarker();
      }
    }
    p = p.walkDone(wallMillis.getAsLong());
    checkpoint.accept(p);
    return p;
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
