package io.moraine.metadata.core.object;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;

import static io.moraine.metadata.api.MetadataError.NO_SUCH_BUCKET;

import io.moraine.metadata.store.StateStore;
import io.moraine.proto.meta.v1.ListObjects;
import io.moraine.proto.meta.v1.ListObjectsReply;
import io.moraine.proto.meta.v1.ObjectRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * ListObjects over the sorted 'O' rows of one bucket. A common prefix costs one seek, not one
 * step per key under it: after emitting "photos/" the cursor seeks to "photos0" ('/' + 1), the
 * smallest key past every key that rolls up into it. UTF-8 is self-synchronising, so matching the
 * delimiter bytewise equals matching it by characters, and the last byte of a UTF-8 string is
 * never 0xFF, so incrementing it is always possible.
 */
public final class Listing {
  public static final int MAX_KEYS_LIMIT = 1000;

  private Listing() {}

  public static ApplyResult listObjects(StateStore store, ListObjects q) {
    if (store.get(Keys.bucket(q.getBucket())) == null) {
      return new ApplyResult.Failed(NO_SUCH_BUCKET, q.getBucket());
    }
    int maxKeys = Math.min(q.getMaxKeys(), Listing.MAX_KEYS_LIMIT);
    ListObjectsReply.Builder page = ListObjectsReply.newBuilder();
    if (maxKeys <= 0) {
      return Tables.ok(Tables.reply().setListObjects(page));
    }
    byte[] base = Keys.objectPrefix(q.getBucket());
    byte[] prefix = Keys.utf8(q.getPrefix());
    byte[] delimiter = Keys.utf8(q.getDelimiter());
    byte[] scanPrefix = Keys.concat(base, prefix);

    byte[] from = scanPrefix;
    if (!q.getStartAfter().isEmpty()) {
      byte[] after = Keys.utf8(q.getStartAfter());
      byte[] past = commonPrefixOf(after, prefix, delimiter) != null
          && commonPrefixOf(after, prefix, delimiter).length == after.length
          ? Keys.successor(Keys.concat(base, after)) // startAfter is a common prefix: skip all of it
          : Keys.concat(Keys.concat(base, after), new byte[] {0}); // the smallest key > startAfter
      if (Arrays.compareUnsigned(past, from) > 0) {
        from = past;
      }
    }

    int entries = 0;
    String last = null;
    try (StateStore.Cursor cur = store.cursor()) {
      cur.seek(from);
      while (cur.valid() && Keys.startsWith(cur.key(), scanPrefix)) {
        if (entries == maxKeys) {
          page.setTruncated(true).setNextMarker(last);
          break;
        }
        byte[] rowKey = cur.key();
        byte[] objectKey = Arrays.copyOfRange(rowKey, base.length, rowKey.length);
        byte[] common = commonPrefixOf(objectKey, prefix, delimiter);
        if (common != null) {
          last = new String(common, StandardCharsets.UTF_8);
          page.addCommonPrefixes(last);
          entries++;
          cur.seek(Keys.successor(Keys.concat(base, common)));
        } else {
          ObjectRecord o = Records.decode(cur.value(), ObjectRecord.parser());
          // Listings carry summaries: the layout (maybe inline bytes) and headers stay behind.
          page.addContents(o.toBuilder().clearLayout().clearHeaders().build());
          last = o.getKey();
          entries++;
          cur.next();
        }
      }
    }
    return Tables.ok(Tables.reply().setListObjects(page));
  }

  /**
   * The common prefix {@code key} rolls up into (prefix + up to and including the first delimiter
   * after it), or null when there is no delimiter or it does not occur after the prefix.
   */
  public static byte[] commonPrefixOf(byte[] key, byte[] prefix, byte[] delimiter) {
    if (delimiter.length == 0 || key.length < prefix.length
        || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
      return null;
    }
    outer:
    for (int i = prefix.length; i + delimiter.length <= key.length; i++) {
      for (int j = 0; j < delimiter.length; j++) {
        if (key[i + j] != delimiter[j]) {
          continue outer;
        }
      }
      return Arrays.copyOf(key, i + delimiter.length);
    }
    return null;
  }
}
