package io.moraine.metadata.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTextTest {

  @Test
  void keysAndValuesWithSeparatorsNewlinesAndNonAsciiRoundTrip() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("format", "1");
    m.put("cursor.key", "a=b\nc%d é/ключ");
    m.put("down.node=1", "42");
    byte[] text = ProgressText.encode(m);
    assertThat(new String(text, StandardCharsets.UTF_8)).isEqualTo(
        "format=1\ncursor.key=a%3Db%0Ac%25d %C3%A9/%D0%BA%D0%BB%D1%8E%D1%87\ndown.node%3D1=42\n");
    Map<String, String> back = ProgressText.decode(text, "test progress", 1);
    assertThat(back).isEqualTo(m);
    assertThat(ProgressText.num(back, "down.node=1")).isEqualTo(42);
    assertThat(ProgressText.num(back, "absent")).isZero();
  }

  @Test
  void anotherFormatOrABrokenLineIsRefused() {
    assertThatThrownBy(() -> ProgressText.decode("format=2\n".getBytes(StandardCharsets.UTF_8), "test progress", 1))
        .hasMessageContaining("unknown test progress format 2");
    assertThatThrownBy(() -> ProgressText.decode("format=1\nbroken\n".getBytes(StandardCharsets.UTF_8), "x", 1))
        .hasMessageContaining("corrupt x record");
  }
}
