package io.moraine.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.launcher.config.RoleConfig.Keys;
import io.moraine.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The internal TLS switch (docs/tls.md): off by default, and never half on. */
class InternalTlsTest {

  @TempDir
  Path dir;

  private TlsFiles issued() {
    return TlsFiles.issued(dir, "n.pem", "n-key.pem", "meta-1", List.of("127.0.0.1"),
        InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z")), new SecureRandom());
  }

  private static Map<String, String> keys(String enabled, TlsFiles f) {
    Map<String, String> m = new LinkedHashMap<>();
    if (enabled != null) {
      m.put(Keys.TLS_INTERNAL_ENABLED, enabled);
    }
    if (f != null) {
      m.put(Keys.TLS_INTERNAL_CERT_FILE, f.certFile().toString());
      m.put(Keys.TLS_INTERNAL_KEY_FILE, f.keyFile().toString());
      m.put(Keys.TLS_INTERNAL_CA_FILE, f.caFile().toString());
    }
    return m;
  }

  @Test
  void offByDefault() {
    assertThat(InternalTls.files(RoleConfig.of(Map.of()))).isEmpty();
    assertThat(InternalTls.files(RoleConfig.of(keys("false", null)))).isEmpty();
    assertThat(InternalTls.raft(null)).isNull();
  }

  @Test
  void enabledWithTheThreeFilesGivesThemAndTheirRaftSide() {
    TlsFiles f = issued();
    assertThat(InternalTls.files(RoleConfig.of(keys("true", f)))).contains(f);
    assertThat(InternalTls.raft(f)).isNotNull();
  }

  @Test
  void enabledWithoutFilesNamesEveryMissingKey() {
    assertThatThrownBy(() -> InternalTls.files(RoleConfig.of(keys("true", null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tls.internal.enabled = true needs")
        .hasMessageContaining("tls.internal.cert-file is not set")
        .hasMessageContaining("tls.internal.key-file is not set")
        .hasMessageContaining("tls.internal.ca-file is not set");
  }

  @Test
  void aMissingOrUnparsableFileIsRefusedAtStart() throws Exception {
    TlsFiles f = issued();
    Map<String, String> missing = keys("true", f);
    missing.put(Keys.TLS_INTERNAL_CA_FILE, dir.resolve("nope.pem").toString());
    assertThatThrownBy(() -> InternalTls.files(RoleConfig.of(missing)))
        .hasMessageContaining("tls.internal.ca-file = " + dir.resolve("nope.pem") + " is not a readable file");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a pem\n");
    Map<String, String> bad = keys("true", f);
    bad.put(Keys.TLS_INTERNAL_KEY_FILE, garbage.toString());
    assertThatThrownBy(() -> InternalTls.files(RoleConfig.of(bad))).hasMessageContaining("garbage.pem");
  }

  @Test
  void filesWithoutTheSwitchOrABadSwitchAreErrors() {
    TlsFiles f = issued();
    assertThatThrownBy(() -> InternalTls.files(RoleConfig.of(keys(null, f))))
        .hasMessageContaining("tls.internal.cert-file, tls.internal.key-file, tls.internal.ca-file set but tls.internal.enabled is not true");
    assertThatThrownBy(() -> InternalTls.files(RoleConfig.of(keys("yes", f))))
        .hasMessageContaining("tls.internal.enabled must be true or false, got 'yes'");
  }

  @Test
  void theKeysAreKnownToTheConfigFormat() throws Exception {
    Path file = Files.writeString(dir.resolve("meta.properties"), "tls.internal.enabled = false\n");
    assertThat(RoleConfig.load(file, List.of("--tls.internal.enabled", "false"), null).get(Keys.TLS_INTERNAL_ENABLED))
        .contains("false");
  }
}
