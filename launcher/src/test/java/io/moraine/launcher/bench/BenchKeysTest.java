package io.moraine.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.metadata.api.DataLayout;
import io.moraine.metadata.api.ObjectVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchKeysTest {

  @Test
  void keysSpreadOverAThousandDirectoriesAndRoundTrip() {
    assertThat(BenchKeys.key(0)).isEqualTo("dir000/obj0000000");
    assertThat(BenchKeys.key(1_234_567)).isEqualTo("dir567/obj1234567");
    assertThat(BenchKeys.key(999_999)).isEqualTo("dir999/obj0999999");
    assertThat(BenchKeys.directory(42)).isEqualTo("dir042/");
    assertThat(BenchKeys.key(5_042)).startsWith(BenchKeys.directory(42));
    for (long i : new long[] {0, 1, 999, 1000, 123_456, BenchKeys.MAX_OBJECTS - 1}) {
      assertThat(BenchKeys.index(BenchKeys.key(i))).isEqualTo(i);
    }
    assertThat(BenchKeys.index("dir001/obj0000002")).as("not in its directory").isEqualTo(-1);
    assertThat(BenchKeys.index("commits/x/1")).isEqualTo(-1);
    assertThat(BenchKeys.index("dir000/objabcdefg")).isEqualTo(-1);
    assertThatThrownBy(() -> BenchKeys.key(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BenchKeys.key(BenchKeys.MAX_OBJECTS)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDelimiterListingHasOneCommonPrefixPerDirectoryAndKeysSortWithinOne() {
    HashSet<String> prefixes = new HashSet<>();
    List<String> dir7 = new ArrayList<>();
    for (long i = 0; i < 20_000; i++) {
      String k = BenchKeys.key(i);
      prefixes.add(k.substring(0, k.indexOf('/') + 1));
      if (i % 1000 == 7) {
        dir7.add(k);
      }
    }
    assertThat(prefixes).hasSize(BenchKeys.DIRECTORIES);
    assertThat(dir7).hasSize(20).isSorted();
  }

  @Test
  void objectsAreInlineWithTheMd5Etag() {
    ObjectVersion v = Loader.version(12);
    assertThat(v.key()).isEqualTo("dir012/obj0000012");
    assertThat(v.layout()).isEqualTo(new DataLayout.Inline(BenchKeys.body(12)));
    assertThat(new String(BenchKeys.body(12), java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("moraine bench object 12\n");
    assertThat(v.size()).isEqualTo(BenchKeys.body(12).length);
    // md5("") is well known; the object's ETag is the same function of its bytes.
    assertThat(BenchKeys.etag(new byte[0])).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
    assertThat(v.etag()).isEqualTo(BenchKeys.etag(BenchKeys.body(12))).hasSize(32);
    assertThat(v.versionId()).isEqualTo(ObjectVersion.NULL_VERSION);
    assertThat(v.headers()).containsEntry("content-type", "binary/octet-stream");
  }
}
