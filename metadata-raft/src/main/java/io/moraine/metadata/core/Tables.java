package io.moraine.metadata.core;

import com.google.protobuf.Parser;
import io.moraine.metadata.store.StateStore;
import io.moraine.proto.meta.v1.BucketRecord;
import io.moraine.proto.meta.v1.MetaReply;

/**
 * The store as the feature cores ({@code core.account}, {@code core.bucket}, {@code core.object},
 * {@code core.multipart}, {@code core.config}) read it: typed reads of stored records, counted
 * prefix scans, and the reply builders. Pure: no clock, no randomness, reads only.
 */
public final class Tables {
  private final StateStore store;

  public Tables(StateStore store) {
    this.store = store;
  }

  public StateStore store() {
    return store;
  }

  /** The stored record under {@code key}, or null. Corrupt or unknown-version values throw. */
  public <T> T read(byte[] key, Parser<T> parser) {
    byte[] v = store.get(key);
    return v == null ? null : Records.decode(v, parser);
  }

  public boolean exists(byte[] key) {
    return store.get(key) != null;
  }

  public BucketRecord bucket(String name) {
    return read(Keys.bucket(name), BucketRecord.parser());
  }

  /** Counts keys under {@code prefix}, stopping at {@code limit}. */
  public int countPrefix(byte[] prefix, int limit) {
    int n = 0;
    try (StateStore.Cursor cur = store.cursor()) {
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix) && n < limit; cur.next()) {
        n++;
      }
    }
    return n;
  }

  public static MetaReply.Builder reply() {
    return MetaReply.newBuilder().setFormatVersion(ApplyResult.REPLY_FORMAT_VERSION);
  }

  public static ApplyResult ok(MetaReply.Builder reply) {
    return new ApplyResult.Ok(reply.build());
  }

  /** Names (buckets, ids, keys of the directory) are non-empty and never hold NUL, which terminates them in keys. */
  public static boolean validName(String s) {
    return !s.isEmpty() && s.indexOf('\0') < 0;
  }
}
