package io.moraine.metadata.core.object;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;

import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.BucketRecord;
import io.moraine.proto.meta.v1.DeleteObjectReply;
import io.moraine.proto.meta.v1.ListObjectVersions;
import io.moraine.proto.meta.v1.ListVersionsReply;
import io.moraine.proto.meta.v1.ObjectRecord;
import io.moraine.proto.meta.v1.VersionEntry;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Object versions over the 'V' rows (every version and delete marker of a key, newest first) and
 * the 'O' rows (a copy of the latest version when it is not a delete marker, so ListObjects and
 * plain GETs never look at history).
 *
 * <p>A version's sequence number is {@code logIndex << 16 | slot-in-batch}: unique, increasing
 * with commit order, and the same on every peer (deterministic apply). Version ids of non-null
 * versions are its 16 lower-case hex digits, so they sort like the history. The "null" version
 * (written while unversioned or suspended) is at most one row per key, found by scanning the
 * key's history (short in practice).
 */
public final class Versions {
  public static final int UNVERSIONED = 0;
  public static final int ENABLED = 1;
  public static final int SUSPENDED = 2;
  public static final String NULL = "null";
  public static final int MAX_SLOTS = 1 << 16;

  private static final HexFormat HEX = HexFormat.of();

  private Versions() {}

  public static long seq(long logIndex, int slot) {
    if (slot < 0 || slot >= MAX_SLOTS || logIndex <= 0 || logIndex >= (1L << 47)) {
      throw new IllegalStateException("no version seq for log index " + logIndex + " slot " + slot);
    }
    return (logIndex << 16) | slot;
  }

  public static String versionId(long seq) {
    return HEX.toHexDigits(seq);
  }

  /** The seq a non-null version id names, or -1 when it is not one of ours. */
  public static long parseVersionId(String id) {
    if (id.length() != 16) {
      return -1;
    }
    for (int i = 0; i < 16; i++) {
      char ch = id.charAt(i);
      if (!(ch >= '0' && ch <= '9') && !(ch >= 'a' && ch <= 'f')) {
        return -1;
      }
    }
    long seq = HEX.fromHexDigitsToLong(id);
    return seq > 0 ? seq : -1;
  }

  public record Committed(ObjectRecord committed, ObjectRecord replaced) {}

  /**
   * A conditional write's check against the current version ({@code current}, null when none or
   * a delete marker is latest): null when it holds, otherwise the failure to return.
   */
  public static ApplyResult conditionFails(ObjectRecord current, String ifMatch, boolean ifNoneMatch, String key) {
    if (ifNoneMatch && current != null) {
      return new ApplyResult.Failed(MetadataError.PRECONDITION_FAILED, key + " exists");
    }
    if (!ifMatch.isEmpty()) {
      if (current == null) {
        return new ApplyResult.Failed(MetadataError.NO_SUCH_KEY, key);
      }
      if (!current.getEtag().equals(ifMatch)) {
        return new ApplyResult.Failed(MetadataError.PRECONDITION_FAILED, key + " has etag " + current.getEtag());
      }
    }
    return null;
  }

  /**
   * Makes {@code v} the latest version of its key: a new version id on an Enabled bucket,
   * otherwise the null version, replacing (and returning) the previous null version.
   */
  public static Committed commit(StateStore store, BucketRecord bucket, ObjectRecord.Builder v, long seq, StoreBatch batch) {
    String name = bucket.getName();
    boolean versioned = bucket.getVersioning() == ENABLED;
    ObjectRecord replaced = versioned ? null : findNull(store, name, v.getKey());
    if (replaced != null && replaced.getVersionSeq() > 0) {
      batch.delete(Keys.version(name, replaced.getKey(), replaced.getVersionSeq()));
    }
    ObjectRecord committed = v.setVersionId(versioned ? versionId(seq) : NULL).setVersionSeq(seq)
        .setDeleteMarker(false).build();
    byte[] encoded = Records.encode(committed);
    batch.put(Keys.object(name, committed.getKey()), encoded);
    batch.put(Keys.version(name, committed.getKey(), seq), encoded);
    return new Committed(committed, replaced);
  }

  /** The null version of a key (a row written before versioning existed counts), or null. */
  public static ObjectRecord findNull(StateStore store, String bucket, String key) {
    byte[] prefix = Keys.versionsOf(bucket, key);
    try (StateStore.Cursor cur = store.cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        ObjectRecord r = Records.decode(cur.value(), ObjectRecord.parser());
        if (r.getVersionId().equals(NULL)) {
          return r;
        }
      }
    }
    ObjectRecord current = read(store, Keys.object(bucket, key));
    return current != null && current.getVersionSeq() == 0 ? current : null;
  }

  /** The latest version of a key, delete markers included, or null. */
  public static ObjectRecord latest(StateStore store, String bucket, String key) {
    ObjectRecord current = read(store, Keys.object(bucket, key));
    if (current != null) {
      return current; // the 'O' row exists only while the latest version is not a marker
    }
    byte[] prefix = Keys.versionsOf(bucket, key);
    try (StateStore.Cursor cur = store.cursor()) {
      cur.seek(prefix);
      return cur.valid() && Keys.startsWith(cur.key(), prefix) ? Records.decode(cur.value(), ObjectRecord.parser()) : null;
    }
  }

  /** The version {@code versionId} of a key, or null. */
  public static ObjectRecord find(StateStore store, String bucket, String key, String versionId) {
    if (versionId.equals(NULL)) {
      return findNull(store, bucket, key);
    }
    long seq = parseVersionId(versionId);
    if (seq < 0) {
      return null;
    }
    ObjectRecord r = read(store, Keys.version(bucket, key, seq));
    return r != null && r.getKey().equals(key) ? r : null;
  }

  /** DeleteObject with or without a version id; see MetadataClient.deleteObject. */
  public static DeleteObjectReply delete(StateStore store, BucketRecord bucket, String key, String versionId, long seq,
      long leaderTimeMillis, StoreBatch batch) {
    String name = bucket.getName();
    DeleteObjectReply.Builder r = DeleteObjectReply.newBuilder();
    if (versionId.isEmpty()) {
      if (bucket.getVersioning() != ENABLED) {
        ObjectRecord nullVersion = findNull(store, name, key);
        if (nullVersion != null) {
          removeRow(name, nullVersion, batch);
          r.setRemoved(nullVersion);
        }
        if (bucket.getVersioning() == UNVERSIONED) {
          batch.delete(Keys.object(name, key));
          return r.build();
        }
      }
      String markerId = bucket.getVersioning() == ENABLED ? versionId(seq) : NULL;
      ObjectRecord marker = ObjectRecord.newBuilder().setKey(key).setVersionId(markerId).setDeleteMarker(true)
          .setLastModifiedMillis(leaderTimeMillis).setOwnerAccountId(bucket.getOwnerAccountId())
          .setCommitIndex(seq >>> 16).setVersionSeq(seq).build();
      batch.put(Keys.version(name, key, seq), Records.encode(marker));
      batch.delete(Keys.object(name, key));
      return r.setDeleteMarker(true).setVersionId(markerId).build();
    }
    ObjectRecord target = find(store, name, key, versionId);
    if (target == null) {
      return r.setVersionId(versionId).build(); // S3 answers 204 for a version that is not there
    }
    ObjectRecord latest = latest(store, name, key);
    removeRow(name, target, batch);
    if (latest != null && latest.getVersionSeq() == target.getVersionSeq()) {
      // The latest version goes: the next newest (if it is not a marker) becomes current.
      ObjectRecord next = null;
      byte[] prefix = Keys.versionsOf(name, key);
      try (StateStore.Cursor cur = store.cursor()) {
        for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
          ObjectRecord row = Records.decode(cur.value(), ObjectRecord.parser());
          if (row.getVersionSeq() != target.getVersionSeq()) {
            next = row;
            break;
          }
        }
      }
      if (next != null && !next.getDeleteMarker()) {
        batch.put(Keys.object(name, key), Records.encode(next));
      } else {
        batch.delete(Keys.object(name, key));
      }
    }
    if (!target.getDeleteMarker()) {
      r.setRemoved(target);
    }
    return r.setDeleteMarker(target.getDeleteMarker()).setVersionId(target.getVersionId()).build();
  }

  private static void removeRow(String bucket, ObjectRecord v, StoreBatch batch) {
    if (v.getVersionSeq() > 0) {
      batch.delete(Keys.version(bucket, v.getKey(), v.getVersionSeq()));
    } else {
      batch.delete(Keys.object(bucket, v.getKey())); // a row from before versioning: 'O' only
    }
  }

  /**
   * ListObjectVersions over the 'V' rows: by key, newest first; a common prefix costs one seek
   * (as in {@link Listing}). Entries count versions, markers and common prefixes.
   */
  public static ListVersionsReply list(StateStore store, ListObjectVersions q) {
    int maxKeys = Math.min(q.getMaxKeys(), Listing.MAX_KEYS_LIMIT);
    ListVersionsReply.Builder page = ListVersionsReply.newBuilder();
    if (maxKeys <= 0) {
      return page.build();
    }
    byte[] prefix = Keys.utf8(q.getPrefix());
    byte[] delimiter = Keys.utf8(q.getDelimiter());
    byte[] scanPrefix = Keys.versionKeyPrefix(q.getBucket(), q.getPrefix());
    byte[] from = scanPrefix;
    String continuingKey = null; // the page starts inside this key's history: its first row is not latest
    if (!q.getKeyMarker().isEmpty()) {
      String marker = q.getKeyMarker();
      byte[] past = null;
      if (!q.getVersionIdMarker().isEmpty()) {
        ObjectRecord at = find(store, q.getBucket(), marker, q.getVersionIdMarker());
        if (at != null && at.getVersionSeq() > 0) {
          past = Keys.concat(Keys.version(q.getBucket(), marker, at.getVersionSeq()), new byte[] {0});
          continuingKey = marker;
        }
      }
      if (past == null) {
        byte[] markerBytes = Keys.utf8(marker);
        byte[] cp = Listing.commonPrefixOf(markerBytes, prefix, delimiter);
        byte[] markerPrefix = Keys.versionKeyPrefix(q.getBucket(), marker);
        past = cp != null && cp.length == markerBytes.length && canIncrement(markerPrefix)
            ? Keys.successor(markerPrefix) // the marker is a common prefix: skip all of it
            : Keys.successor(Keys.versionsOf(q.getBucket(), marker));
      }
      if (Arrays.compareUnsigned(past, from) > 0) {
        from = past;
      }
    }
    int entries = 0;
    String lastKey = null;
    String lastVersion = null;
    String previousKey = continuingKey;
    try (StateStore.Cursor cur = store.cursor()) {
      cur.seek(from);
      while (cur.valid() && Keys.startsWith(cur.key(), scanPrefix)) {
        if (entries == maxKeys) {
          page.setTruncated(true).setNextKeyMarker(lastKey);
          if (lastVersion != null) {
            page.setNextVersionIdMarker(lastVersion);
          }
          break;
        }
        ObjectRecord o = Records.decode(cur.value(), ObjectRecord.parser());
        byte[] common = Listing.commonPrefixOf(Keys.utf8(o.getKey()), prefix, delimiter);
        if (common != null) {
          lastKey = new String(common, StandardCharsets.UTF_8);
          lastVersion = null;
          page.addCommonPrefixes(lastKey);
          entries++;
          byte[] cpPrefix = Keys.versionKeyPrefix(q.getBucket(), lastKey);
          if (canIncrement(cpPrefix)) {
            cur.seek(Keys.successor(cpPrefix));
          } else {
            while (cur.valid() && Keys.startsWith(cur.key(), cpPrefix)) {
              cur.next();
            }
          }
          previousKey = null;
          continue;
        }
        boolean latest = !o.getKey().equals(previousKey);
        previousKey = o.getKey();
        page.addVersions(VersionEntry.newBuilder()
            .setVersion(o.toBuilder().clearLayout().clearHeaders()).setIsLatest(latest));
        lastKey = o.getKey();
        lastVersion = o.getVersionId();
        entries++;
        cur.next();
      }
    }
    return page.build();
  }

  private static boolean canIncrement(byte[] key) {
    return key.length > 0 && (key[key.length - 1] & 0xFF) != 0xFF;
  }

  private static ObjectRecord read(StateStore store, byte[] key) {
    byte[] v = store.get(key);
    return v == null ? null : Records.decode(v, ObjectRecord.parser());
  }
}
