package io.moraine.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The Java package format against the ciphertexts an independent implementation produced
 * ({@code src/test/resources/crypto/golden_v1.py}, Python's cryptography AES-GCM), byte for
 * byte: the fixed key, nonce base, identity and plaintext of that script.
 */
class GoldenFixtureTest {
  private static final byte[] KEY = new byte[32];
  private static final byte[] NONCE_BASE = new byte[12];
  private static final ObjectIdentity ID =
      new ObjectIdentity("golden-bucket", "photos/2026/snow \u2603.jpg", "6d6f7261696e652d676f6c64656e2d31");
  private static final String PART_DATA_ID = "00112233445566778899aabbccddeeff";

  static {
    for (int i = 0; i < 32; i++) {
      KEY[i] = (byte) i;
    }
    for (int i = 0; i < 12; i++) {
      NONCE_BASE[i] = (byte) (0xA0 + i);
    }
  }

  private static byte[] plaintext() {
    byte[] p = new byte[PackageFormat.PACKAGE_BYTES + 1000];
    for (int i = 0; i < p.length; i++) {
      p[i] = (byte) ((i * 31 + 7) & 0xff);
    }
    return p;
  }

  @Test
  void singlePutMatchesTheReference() throws IOException {
    byte[] expected = fixture("golden-v1-single.bin");
    byte[] sealed = seal(plaintext(), new PackageCipher(KEY, NONCE_BASE, 0, ID));
    assertThat(HexFormat.of().formatHex(sealed)).isEqualTo(HexFormat.of().formatHex(expected));
    assertThat(new DecryptingInputStream(new ByteArrayInputStream(expected), new PackageCipher(KEY, NONCE_BASE, 0, ID),
        SealedRange.whole(plaintext().length)).readAllBytes()).isEqualTo(plaintext());
  }

  @Test
  void partThreeWithItsDataIdNonceMatchesTheReference() throws IOException {
    byte[] expected = fixture("golden-v1-part3.bin");
    byte[] sealed = seal(plaintext(), new PackageCipher(KEY, PackageFormat.partNonceBase(NONCE_BASE, PART_DATA_ID), 3, ID));
    assertThat(sealed).isEqualTo(expected);
  }

  @Test
  void emptyPlaintextIsOneTagOnlyPackage() throws IOException {
    byte[] expected = fixture("golden-v1-empty.bin");
    assertThat(expected).hasSize(16);
    assertThat(seal(new byte[0], new PackageCipher(KEY, NONCE_BASE, 0, ID))).isEqualTo(expected);
  }

  private static byte[] seal(byte[] plain, PackageCipher c) throws IOException {
    return new EncryptingInputStream(new ByteArrayInputStream(plain), c).readAllBytes();
  }

  private static byte[] fixture(String name) throws IOException {
    try (InputStream in = GoldenFixtureTest.class.getResourceAsStream("/crypto/" + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }
}
