package io.moraine.gateway.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.error.S3Exception;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** RFC 9110 §14.1.2 byte ranges as S3 applies them. */
class ByteRangeTest {
  static Optional<ByteRange> p(String h, long size) {
    return ByteRange.parse(Optional.of(h), size);
  }

  @Test
  void forms() {
    assertThat(p("bytes=0-9", 100)).contains(new ByteRange(0, 9));
    assertThat(p("bytes=90-200", 100)).contains(new ByteRange(90, 99));
    assertThat(p("bytes=10-", 100)).contains(new ByteRange(10, 99));
    assertThat(p("bytes=-10", 100)).contains(new ByteRange(90, 99));
    assertThat(p("bytes=-1000", 100)).contains(new ByteRange(0, 99));
    assertThat(p("bytes=5-4", 100)).isEmpty();
    assertThat(p("bytes=0-1,5-6", 100)).isEmpty();
    assertThat(p("items=0-1", 100)).isEmpty();
    assertThat(p("bytes=x-1", 100)).isEmpty();
    assertThatThrownBy(() -> p("bytes=100-", 100)).isInstanceOf(S3Exception.class);
    assertThatThrownBy(() -> p("bytes=-0", 100)).isInstanceOf(S3Exception.class);
    assertThatThrownBy(() -> p("bytes=0-", 0)).isInstanceOf(S3Exception.class);
  }
}
