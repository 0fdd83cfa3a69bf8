package io.moraine.metadata.core;

import static io.moraine.metadata.core.CoreHarness.createBucket;
import static io.moraine.metadata.core.CoreHarness.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.store.MemoryStateStore;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.metadata.store.AppliedPosition;
import io.moraine.proto.meta.v1.ListObjectsReply;
import io.moraine.proto.meta.v1.ObjectRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ListObjects(V2) semantics (S3 API reference, ListObjectsV2: Prefix, Delimiter, StartAfter,
 * MaxKeys, IsTruncated; CommonPrefixes count toward MaxKeys).
 */
class ListingTest {
  static final List<String> KEYS = List.of("a", "b/1", "b/2", "b/c/3", "c", "d/1", "d/2", "e", "é/1", "photos/2024/x.jpg", "photos/y.jpg");

  final CoreHarness h = new CoreHarness();

  @BeforeEach
  void fill() {
    h.ok(createBucket("o", "bk"));
    for (String k : KEYS) {
      h.ok(put("bk", k, "d-" + k));
    }
  }

  /** prefix | delimiter | startAfter | maxKeys | expected entries (keys, and prefixes marked P:) | truncated | nextMarker. */
  @ParameterizedTest(name = "prefix={0} delim={1} after={2} max={3}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "''       | ''  | ''       | 1000 | a b/1 b/2 b/c/3 c d/1 d/2 e photos/2024/x.jpg photos/y.jpg é/1 | false | -",
      "''       | /   | ''       | 1000 | a P:b/ c P:d/ e P:photos/ P:é/                              | false | -",
      "''       | /   | ''       | 3    | a P:b/ c                                                      | true  | c",
      "''       | /   | c        | 2    | P:d/ e                                                        | true  | e",
      "''       | /   | b/       | 2    | c P:d/                                                        | true  | d/",
      "''       | /   | b/1      | 2    | P:b/ c                                                        | true  | c",
      "b/       | /   | ''       | 1000 | b/1 b/2 P:b/c/                                                | false | -",
      "b/       | ''  | ''       | 1000 | b/1 b/2 b/c/3                                                 | false | -",
      "b/       | ''  | b/1      | 1    | b/2                                                           | true  | b/2",
      "photos/  | /   | ''       | 1000 | P:photos/2024/ photos/y.jpg                                   | false | -",
      "b        | c   | ''       | 1000 | b/1 b/2 P:b/c                                                 | false | -",
      "zzz      | /   | ''       | 1000 | ''                                                            | false | -",
      "''       | ''  | e        | 1000 | photos/2024/x.jpg photos/y.jpg é/1                            | false | -",
      "''       | /   | zzz      | 1000 | P:é/                                                          | false | -",
      "d/       | /   | a        | 1000 | d/1 d/2                                                       | false | -",
      "''       | ''  | ''       | 11   | a b/1 b/2 b/c/3 c d/1 d/2 e photos/2024/x.jpg photos/y.jpg é/1 | false | -",
      "''       | ''  | ''       | 10   | a b/1 b/2 b/c/3 c d/1 d/2 e photos/2024/x.jpg photos/y.jpg    | true  | photos/y.jpg",
      "''       | ''  | ''       | 0    | ''                                                            | false | -",
      "''       | /   | ''       | 1    | a                                                             | true  | a",
  })
  void page(String prefix, String delimiter, String startAfter, int maxKeys, String expected, boolean truncated, String next) {
    ListObjectsReply page = h.listPage("bk", prefix, delimiter, startAfter, maxKeys);
    assertThat(entries(page)).isEqualTo(expected.isBlank() ? List.of() : List.of(expected.trim().split("\\s+")));
    assertThat(page.getTruncated()).isEqualTo(truncated);
    if (truncated) {
      assertThat(page.getNextMarker()).isEqualTo(next);
    }
  }

  /** Walking page by page with nextMarker gives exactly the one-page listing, for every page size. */
  @Test
  void paginationIsSeamless() {
    for (String delimiter : new String[] {"", "/"}) {
      List<String> all = entries(h.listPage("bk", "", delimiter, "", 1000));
      for (int max = 1; max <= 12; max++) {
        List<String> walked = new ArrayList<>();
        String after = "";
        for (int guard = 0; guard < 100; guard++) {
          ListObjectsReply page = h.listPage("bk", "", delimiter, after, max);
          walked.addAll(entries(page));
          if (!page.getTruncated()) {
            break;
          }
          after = page.getNextMarker();
        }
        assertThat(walked).as("delimiter '%s' page size %d", delimiter, max).isEqualTo(all);
      }
    }
  }

  /** A common prefix costs a seek, not a step per key under it. */
  @Test
  void commonPrefixesAreSkippedNotScanned() {
    CountingStore counting = new CountingStore(new MemoryStateStore());
    CoreHarness big = new CoreHarness(counting);
    big.ok(createBucket("o", "bk"));
    for (int i = 0; i < 2000; i++) {
      big.ok(put("bk", String.format("dir%d/key-%05d", i % 2, i), "d" + i));
    }
    big.ok(put("bk", "top", "dt"));
    counting.steps.set(0);
    ListObjectsReply page = big.listPage("bk", "", "/", "", 1000);
    assertThat(entries(page)).containsExactly("P:dir0/", "P:dir1/", "top");
    assertThat(counting.steps.get()).as("cursor steps + seeks").isLessThan(20);
  }

  static List<String> entries(ListObjectsReply page) {
    // Keys and prefixes interleaved in key order, as S3 clients see them.
    List<String> out = new ArrayList<>();
    page.getContentsList().stream().map(ObjectRecord::getKey).forEach(out::add);
    page.getCommonPrefixesList().forEach(p -> out.add("P:" + p));
    out.sort((x, y) -> {
      String a = x.startsWith("P:") ? x.substring(2) : x;
      String b = y.startsWith("P:") ? y.substring(2) : y;
      return java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    });
    return out;
  }

  /** Counts cursor movements (seek and next) to prove listings skip. */
  static final class CountingStore implements StateStore {
    final StateStore inner;
    final AtomicInteger steps = new AtomicInteger();

    CountingStore(StateStore inner) {
      this.inner = inner;
    }

    @Override
    public byte[] get(byte[] key) {
      return inner.get(key);
    }

    @Override
    public Cursor cursor() {
      Cursor c = inner.cursor();
      return new Cursor() {
        @Override
        public void seek(byte[] key) {
          steps.incrementAndGet();
          c.seek(key);
        }

        @Override
        public boolean valid() {
          return c.valid();
        }

        @Override
        public byte[] key() {
          return c.key();
        }

        @Override
        public byte[] value() {
          return c.value();
        }

        @Override
        public void next() {
          steps.incrementAndGet();
          c.next();
        }

        @Override
        public void close() {
          c.close();
        }
      };
    }

    @Override
    public void commit(StoreBatch batch, AppliedPosition applied) {
      inner.commit(batch, applied);
    }

    @Override
    public AppliedPosition applied() {
      return inner.applied();
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
