package io.moraine.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * PEM files to and from the JSSE objects servers and clients need: certificate chains, private
 * keys (PKCS#8 {@code PRIVATE KEY}, PKCS#1 {@code RSA PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY},
 * unencrypted), key managers built from a chain and its key, trust managers built from CA
 * certificates. Everything is built in memory; nothing is written but the PEMs this class writes.
 */
public final class Pem {
  /** Protocols every TLS endpoint of Moraine accepts: 1.2 and 1.3, nothing older. */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  private static final char[] NO_PASSWORD = new char[0];

  private Pem() {}

  /** Every certificate in the file, in file order (leaf first for a chain). */
  public static List<X509Certificate> readCertificates(Path file) {
    List<X509Certificate> out = new ArrayList<>();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof X509CertificateHolder h) {
          out.add(converter.getCertificate(h));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read certificates from " + file, e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("bad certificate in " + file + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no CERTIFICATE block in " + file);
    }
    return out;
  }

  /** The first private key in the file. */
  public static PrivateKey readPrivateKey(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = p.readObject(); o != null; o = p.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read private key from " + file, e);
    }
    throw new IllegalArgumentException("no unencrypted PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY block in " + file);
  }

  /** A key manager presenting the chain in {@code certFile} with the key in {@code keyFile}. */
  public static X509KeyManager keyManager(Path certFile, Path keyFile) {
    List<X509Certificate> chain = readCertificates(certFile);
    PrivateKey key = readPrivateKey(keyFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("moraine", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      f.init(store, NO_PASSWORD);
      for (KeyManager m : f.getKeyManagers()) {
        if (m instanceof X509KeyManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509KeyManager from " + f.getAlgorithm());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("key in " + keyFile + " does not fit certificate " + certFile + ": " + e.getMessage(), e);
    }
  }

  /** A key store holding the chain and key under alias {@code moraine}, password {@code password}. */
  public static KeyStore keyStore(Path certFile, Path keyFile, char[] password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("moraine", readPrivateKey(keyFile), password,
          readCertificates(certFile).toArray(X509Certificate[]::new));
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot build a key store from " + certFile + " and " + keyFile, e);
    }
  }

  /** A trust manager that trusts exactly the certificates in {@code caFile}. */
  public static X509TrustManager trustManager(Path caFile) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (X509Certificate c : readCertificates(caFile)) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(store);
      for (TrustManager m : f.getTrustManagers()) {
        if (m instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509TrustManager from " + f.getAlgorithm());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot build a trust store from " + caFile + ": " + e.getMessage(), e);
    }
  }

  /** A TLS context trusting {@code caFile}, presenting {@code certFile}/{@code keyFile} if given. */
  public static SSLContext context(Path caFile, Path certFile, Path keyFile) {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      KeyManager[] keys = certFile == null ? null : new KeyManager[] {keyManager(certFile, keyFile)};
      c.init(keys, new TrustManager[] {trustManager(caFile)}, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PEM text of certificates or keys. */
  public static String encode(Object... objects) {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      for (Object o : objects) {
        w.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return s.toString();
  }

  /** PKCS#8 ({@code PRIVATE KEY}) PEM text of a private key: the form every TLS stack reads. */
  public static String encodeKey(PrivateKey key) {
    try {
      return encode(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null));
    } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes {@code text} atomically; {@code secret} files are mode 0600 from the start. */
  public static void write(Path file, String text, boolean secret) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.deleteIfExists(tmp);
      if (secret) {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } else {
        Files.createFile(tmp);
      }
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
