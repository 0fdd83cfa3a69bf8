package io.moraine.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Header values as clients wrote them: UTF-8 bytes read back as UTF-8, Latin-1 and ASCII untouched. */
class HeaderValuesTest {
  static String asParsed(String sent, java.nio.charset.Charset wire) {
    return new String(sent.getBytes(wire), StandardCharsets.ISO_8859_1); // what an HTTP parser hands over
  }

  @Test
  void utf8BytesAreReadAsUtf8() {
    assertThat(S3Handler.utf8(asParsed("Zoë Łukasz 東京", StandardCharsets.UTF_8))).isEqualTo("Zoë Łukasz 東京");
  }

  @Test
  void latin1AndAsciiAreLeftAlone() {
    // A lone 0xEB is not UTF-8: a client that sent ISO-8859-1 (the AWS SDK for Java) keeps its value.
    assertThat(S3Handler.utf8(asParsed("Zoë", StandardCharsets.ISO_8859_1))).isEqualTo("Zoë");
    assertThat(S3Handler.utf8("plain ascii")).isEqualTo("plain ascii");
  }
}
