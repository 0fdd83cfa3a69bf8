package io.moraine.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.List;

/**
 * The three PEM files one TLS endpoint uses: its certificate chain, its private key and the CA
 * certificates it trusts for peers.
 *
 * @param certFile leaf certificate first, then any intermediates
 * @param keyFile the leaf's unencrypted private key (PKCS#8, PKCS#1 or SEC1)
 * @param caFile the CA certificates peers' certificates must chain to
 */
public record TlsFiles(Path certFile, Path keyFile, Path caFile) {
  /** The subject alternative names of the dev certificate (DESIGN.md, {@code dev --tls}). */
  public static final List<String> DEV_NAMES =
      List.of("127.0.0.1", "localhost", "*.localhost", "s3.localhost", "*.s3.localhost", "::1");

  /**
   * The dev files under {@code tlsDir} ({@code ca.pem}, {@code ca-key.pem}, {@code cert.pem},
   * {@code key.pem}): generated on first use, reused afterwards so clients keep trusting the CA
   * across restarts.
   */
  public static TlsFiles dev(Path tlsDir, InstantSource clock, SecureRandom random) {
    return issued(tlsDir, "cert.pem", "key.pem", "moraine", DEV_NAMES, clock, random);
  }

  /**
   * A certificate for {@code name} (CN and the given SANs) signed by the CA under {@code dir}
   * (created there if absent), kept as {@code dir/certFile} and {@code dir/keyFile}; an existing
   * pair is reused.
   */
  public static TlsFiles issued(Path dir, String certFile, String keyFile, String name, List<String> sans,
      InstantSource clock, SecureRandom random) {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, "Moraine CA " + dir.toAbsolutePath().getFileName(),
        clock, random);
    TlsFiles files = new TlsFiles(dir.resolve(certFile), dir.resolve(keyFile), dir.resolve("ca.pem"));
    if (!Files.exists(files.certFile()) || !Files.exists(files.keyFile())) {
      ca.issue(name, sans, CertificateAuthority.DEFAULT_LEAF_VALIDITY)
          .write(files.certFile(), files.keyFile(), ca.certificate());
    }
    return files;
  }
}
