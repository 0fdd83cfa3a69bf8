package io.moraine.launcher.config;

import io.moraine.launcher.config.RoleConfig.Keys;
import io.moraine.tls.TlsFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The internal mutual TLS switch of a role (docs/tls.md): {@code tls.internal.enabled} and the
 * three PEM files. Checked at start: enabled without all three readable files, or files without
 * the switch, is a configuration error, never a silent fall back to plaintext.
 */
public final class InternalTls {
  private InternalTls() {}

  /** The process's certificate, key and cluster CA when internal TLS is on; empty when off. */
  public static Optional<TlsFiles> files(RoleConfig cfg) {
    String enabled = cfg.get(Keys.TLS_INTERNAL_ENABLED, "false").trim();
    if (!enabled.equals("true") && !enabled.equals("false")) {
      throw new IllegalArgumentException(Keys.TLS_INTERNAL_ENABLED + " must be true or false, got '" + enabled + "'");
    }
    List<String> keys = List.of(Keys.TLS_INTERNAL_CERT_FILE, Keys.TLS_INTERNAL_KEY_FILE, Keys.TLS_INTERNAL_CA_FILE);
    if (enabled.equals("false")) {
      List<String> set = keys.stream().filter(k -> cfg.get(k).isPresent()).toList();
      if (!set.isEmpty()) {
        throw new IllegalArgumentException(String.join(", ", set) + " set but " + Keys.TLS_INTERNAL_ENABLED
            + " is not true: set " + Keys.TLS_INTERNAL_ENABLED + " = true to use them, or remove them");
      }
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    for (String key : keys) {
      Optional<String> value = cfg.get(key);
      if (value.isEmpty()) {
        problems.add(key + " is not set");
        continue;
      }
      Path path = Path.of(value.get());
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        problems.add(key + " = " + path + " is not a readable file");
      }
      paths.add(path);
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(Keys.TLS_INTERNAL_ENABLED + " = true needs a PEM certificate, key and CA file: "
          + String.join("; ", problems));
    }
    TlsFiles files = new TlsFiles(paths.get(0), paths.get(1), paths.get(2));
    // Parsed now so that a wrong file fails start-up with its name, not a handshake later.
    io.moraine.tls.Pem.keyManager(files.certFile(), files.keyFile());
    io.moraine.tls.Pem.trustManager(files.caFile());
    return Optional.of(files);
  }

  /** The Ratis side of {@code filesOrNull}: null (plaintext) when null. */
  public static io.moraine.metadata.tls.RaftTls raft(TlsFiles filesOrNull) {
    return filesOrNull == null ? null : new io.moraine.metadata.tls.RaftTls(
        io.moraine.tls.Pem.keyManager(filesOrNull.certFile(), filesOrNull.keyFile()),
        io.moraine.tls.Pem.trustManager(filesOrNull.caFile()));
  }

  /** {@link #files} or null, the form the components take. */
  public static TlsFiles filesOrNull(RoleConfig cfg) {
    return files(cfg).orElse(null);
  }
}
