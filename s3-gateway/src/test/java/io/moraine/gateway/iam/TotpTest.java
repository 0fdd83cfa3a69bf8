package io.moraine.gateway.iam;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Totp} against the published vectors: RFC 6238 Appendix B (HMAC-SHA1, seed
 * "12345678901234567890", 30-second steps; its eight-digit codes end in the six-digit ones) and
 * RFC 4648 section 10 (base32, which the seed travels as, unpadded).
 */
class TotpTest {
  static final byte[] SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @CsvSource({
      "59, 94287082",
      "1111111109, 07081804",
      "1111111111, 14050471",
      "1234567890, 89005924",
      "2000000000, 69279037",
      "20000000000, 65353130"})
  void rfc6238AppendixB(long epochSeconds, String eightDigits) {
    long step = Totp.step(epochSeconds * 1000);
    assertThat(Totp.code(SEED, step)).isEqualTo(eightDigits.substring(2));
    assertThat(Totp.match(SEED, eightDigits.substring(2), epochSeconds * 1000, 0)).isEqualTo(step);
  }

  @ParameterizedTest
  @CsvSource({
      "1111111109, 0, true",
      "1111111109, 1, true",
      "1111111139, 0, false",
      "1111111139, 1, true",
      "1111111169, 1, false",
      "1111111169, 2, true",
      "1111111049, 1, false",
      "1111111049, 2, true"})
  void aCodeMatchesOnlyWithinTheWindow(long nowSeconds, int window, boolean matches) {
    String code = "081804"; // the code of 1111111109's step (RFC 6238 Appendix B)
    assertThat(Totp.match(SEED, code, nowSeconds * 1000, window)).isEqualTo(matches ? Totp.step(1111111109_000L) : -1);
    assertThat(Totp.match(SEED, "81804", nowSeconds * 1000, window)).isEqualTo(-1); // six digits or nothing
  }

  @ParameterizedTest
  @CsvSource({"f, MY", "fo, MZXQ", "foo, MZXW6", "foob, MZXW6YQ", "fooba, MZXW6YTB", "foobar, MZXW6YTBOI"})
  void rfc4648Base32(String text, String encoded) {
    byte[] data = text.getBytes(StandardCharsets.US_ASCII);
    assertThat(Totp.base32(data)).isEqualTo(encoded);
    assertThat(Totp.fromBase32(encoded)).isEqualTo(data);
    assertThat(Totp.fromBase32(encoded.toLowerCase() + "======")).isEqualTo(data); // padded and lower case too
  }
}
