package io.moraine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsFilesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final InstantSource CLOCK = InstantSource.fixed(T0);

  @TempDir Path dir;

  @Test
  void devFilesChainToTheirCaCarryTheDevNamesAndAreReused() throws Exception {
    TlsFiles f = TlsFiles.dev(dir, CLOCK, new SecureRandom());
    assertThat(f.caFile()).isEqualTo(dir.resolve("ca.pem"));
    List<X509Certificate> chain = Pem.readCertificates(f.certFile());
    X509Certificate leaf = chain.getFirst();
    assertThat(leaf.getNotBefore().toInstant()).isBefore(T0);
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(T0.plus(CertificateAuthority.DEFAULT_LEAF_VALIDITY));
    assertThat(leaf.getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
        .contains("127.0.0.1", "localhost", "*.localhost", "s3.localhost", "*.s3.localhost");
    Pem.trustManager(f.caFile()).checkServerTrusted(chain.toArray(X509Certificate[]::new), "ECDHE_ECDSA");
    assertThat(Files.readString(f.keyFile())).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.keyFile()))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca-key.pem"))))
        .isEqualTo("rw-------");
    Pem.keyManager(f.certFile(), f.keyFile());

    String before = Files.readString(f.certFile());
    TlsFiles again = TlsFiles.dev(dir, CLOCK, new SecureRandom());
    assertThat(Files.readString(again.certFile())).isEqualTo(before);
  }

  @Test
  void aCertificateFromAnotherCaIsNotTrusted() throws Exception {
    TlsFiles mine = TlsFiles.dev(dir.resolve("a"), CLOCK, new SecureRandom());
    TlsFiles theirs = TlsFiles.dev(dir.resolve("b"), CLOCK, new SecureRandom());
    X509Certificate[] chain = Pem.readCertificates(theirs.certFile()).toArray(X509Certificate[]::new);
    assertThatThrownBy(() -> Pem.trustManager(mine.caFile()).checkClientTrusted(chain, "ECDHE_ECDSA"))
        .isInstanceOf(CertificateException.class);
  }

  @Test
  void readsPkcs1RsaAndSec1EcKeys() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    Path rsaFile = dir.resolve("rsa.pem");
    Files.writeString(rsaFile, Pem.encode(rsa.generateKeyPair().getPrivate()));
    assertThat(Files.readString(rsaFile)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(Pem.readPrivateKey(rsaFile).getAlgorithm()).isEqualTo("RSA");

    // `openssl ecparam -genkey -name prime256v1 -noout`: SEC1 with the named curve inside.
    Path ecFile = dir.resolve("ec.pem");
    Files.writeString(ecFile, """
        -----BEGIN EC PRIVATE KEY-----
        MHcCAQEEIMKm+27mUJMddtmVn4b4yovZCTqcJHSmNVfDXjAI5AyXoAoGCCqGSM49
        AwEHoUQDQgAE2j7kyGNUskQGYXEDekevCMGNvmRVAp4xb0dqpznTvPEygPrXFRih
        DSj8I0G1EmJ7Wasx+pk82bQRG9S3BacNTg==
        -----END EC PRIVATE KEY-----
        """);
    assertThat(Files.readString(ecFile)).startsWith("-----BEGIN EC PRIVATE KEY-----");
    assertThat(Pem.readPrivateKey(ecFile).getAlgorithm()).isIn("EC", "ECDSA");
  }

  @Test
  void aFileWithoutAKeyIsRefusedByName() throws Exception {
    Path f = dir.resolve("empty.pem");
    Files.writeString(f, "nothing\n");
    assertThatThrownBy(() -> Pem.readPrivateKey(f)).hasMessageContaining("empty.pem");
    assertThatThrownBy(() -> Pem.readCertificates(f)).hasMessageContaining("no CERTIFICATE");
  }
}
