package io.moraine.gateway.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootKeyTest {
  @TempDir Path dir;

  @Test
  void generatedFileLoadsAndWrapsForOnePurposeOnly() throws Exception {
    Path file = RootKey.generateIfAbsent(dir.resolve("keys/root.key"), new SecureRandom());
    assertThat(Files.getPosixFilePermissions(file).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    String before = Files.readString(file);
    RootKey.generateIfAbsent(file, new SecureRandom());
    assertThat(Files.readString(file)).isEqualTo(before);

    RootKey root = RootKey.load(Map.of(), Optional.of(file), new SecureRandom()).orElseThrow();
    byte[] master = "0123456789abcdef0123456789abcdef".getBytes();
    byte[] wrapped = root.wrap(master, "sse-s3-master:m1");
    assertThat(wrapped[0]).isEqualTo((byte) 1);
    assertThat(root.unwrap(wrapped, "sse-s3-master:m1")).isEqualTo(master);
    assertThatThrownBy(() -> root.unwrap(wrapped, "sse-s3-master:m2")).isInstanceOf(GeneralSecurityException.class);
    wrapped[20] ^= 1;
    assertThatThrownBy(() -> root.unwrap(wrapped, "sse-s3-master:m1")).isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void environmentWinsOverFileAndBadKeysAreRefused() throws Exception {
    byte[] material = new byte[32];
    material[0] = 7;
    String b64 = Base64.getEncoder().encodeToString(material);
    RootKey fromEnv = RootKey.load(Map.of(RootKey.ENV, b64), Optional.of(dir.resolve("missing")), new SecureRandom())
        .orElseThrow();
    assertThat(fromEnv.id()).isEqualTo(RootKey.of(material, new SecureRandom()).id());
    assertThat(RootKey.load(Map.of(), Optional.empty(), new SecureRandom())).isEmpty();
    assertThatThrownBy(() -> RootKey.load(Map.of(RootKey.ENV, "AAAA"), Optional.empty(), new SecureRandom()))
        .hasMessageContaining("32 bytes");
  }
}
