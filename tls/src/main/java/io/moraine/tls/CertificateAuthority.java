package io.moraine.tls;

import java.math.BigInteger;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A small certificate authority for dev and internal TLS: an ECDSA P-256 root that signs leaf
 * certificates usable for both server and client authentication (so one certificate per process
 * serves mutual TLS in both directions). Time and randomness come in through the constructor.
 *
 * <p>Not a production PKI: no revocation, no intermediate; operators who have a PKI give Moraine
 * their own PEM files instead (docs/tls.md).
 */
public final class CertificateAuthority {
  /** Leaf certificates live this long; the CA ten times as long. */
  public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(825);

  private final KeyPair keys;
  private final X509Certificate certificate;
  private final InstantSource clock;
  private final SecureRandom random;

  private CertificateAuthority(KeyPair keys, X509Certificate certificate, InstantSource clock, SecureRandom random) {
    this.keys = keys;
    this.certificate = certificate;
    this.clock = clock;
    this.random = random;
  }

  /** A leaf's key and certificate. */
  public record Issued(PrivateKey key, X509Certificate certificate) {
    /** Writes {@code cert.pem}-style chain (leaf then CA) and a 0600 PKCS#8 key. */
    public void write(Path certFile, Path keyFile, X509Certificate ca) {
      Pem.write(keyFile, Pem.encodeKey(key), true);
      Pem.write(certFile, Pem.encode(certificate, ca), false);
    }
  }

  /** A new root named {@code CN=commonName}. */
  public static CertificateAuthority create(String commonName, InstantSource clock, SecureRandom random) {
    KeyPair keys = newKeyPair(random);
    X500Name name = new X500Name("CN=" + commonName);
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(random),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(DEFAULT_LEAF_VALIDITY.multipliedBy(10))), name,
          keys.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(keys, sign(b, keys.getPrivate(), random), clock, random);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot create CA certificate", e);
    }
  }

  /** The root stored in {@code caCert} and {@code caKey}. */
  public static CertificateAuthority load(Path caCert, Path caKey, InstantSource clock, SecureRandom random) {
    X509Certificate cert = Pem.readCertificates(caCert).getFirst();
    PrivateKey key = Pem.readPrivateKey(caKey);
    return new CertificateAuthority(new KeyPair(cert.getPublicKey(), key), cert, clock, random);
  }

  /** The root in {@code dir/ca.pem} and {@code dir/ca-key.pem}, created there if absent. */
  public static CertificateAuthority loadOrCreate(Path dir, String commonName, InstantSource clock, SecureRandom random) {
    Path cert = dir.resolve("ca.pem");
    Path key = dir.resolve("ca-key.pem");
    if (Files.exists(cert) && Files.exists(key)) {
      return load(cert, key, clock, random);
    }
    CertificateAuthority ca = create(commonName, clock, random);
    Pem.write(key, Pem.encodeKey(ca.keys.getPrivate()), true);
    Pem.write(cert, Pem.encode(ca.certificate), false);
    return ca;
  }

  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * A leaf for {@code CN=commonName} whose subject alternative names are {@code names}: IP
   * literals become IP addresses, everything else DNS names (wildcards allowed).
   */
  public Issued issue(String commonName, List<String> names, Duration validity) {
    KeyPair leaf = newKeyPair(random);
    Instant now = clock.instant();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(random),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(validity)), new X500Name("CN=" + commonName),
          leaf.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leaf.getPublic()));
      List<GeneralName> sans = new ArrayList<>();
      for (String n : names) {
        sans.add(isIpLiteral(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
      }
      if (!sans.isEmpty()) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      return new Issued(leaf.getPrivate(), sign(b, keys.getPrivate(), random));
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot issue certificate for " + commonName, e);
    }
  }

  private static boolean isIpLiteral(String n) {
    return n.matches("\\d{1,3}(\\.\\d{1,3}){3}") || n.contains(":");
  }

  private static KeyPair newKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger serial(SecureRandom random) {
    return new BigInteger(127, random).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key, SecureRandom random)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").setSecureRandom(random).build(key)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }
}
