package io.moraine.launcher.role;

import io.moraine.tls.Pem;
import io.moraine.tls.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;
import org.apache.zookeeper.client.ZKClientConfig;

/**
 * ZooKeeper over mutual TLS (docs/tls.md, internal TLS). ZooKeeper reads PEM key stores as one
 * file holding the private key and the certificate chain, so the process's key and chain are
 * written together into a 0600 temporary file (deleted at exit); the CA file is its trust store.
 * Hostname verification: clients check the server's certificate against the host they dial;
 * the server checks client certificates against the CA only (as the shard and Ratis services do),
 * not against the client's source address.
 */
public final class ZkTls {
  private ZkTls() {}

  /** A Curator client's ZooKeeper settings: TLS (Netty socket) with this process's certificate. */
  public static ZKClientConfig clientConfig(TlsFiles files) {
    ZKClientConfig c = new ZKClientConfig();
    c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
    c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, org.apache.zookeeper.ClientCnxnSocketNetty.class.getName());
    c.setProperty("zookeeper.ssl.keyStore.location", keyStorePem(files).toString());
    c.setProperty("zookeeper.ssl.keyStore.type", "PEM");
    c.setProperty("zookeeper.ssl.trustStore.location", files.caFile().toAbsolutePath().toString());
    c.setProperty("zookeeper.ssl.trustStore.type", "PEM");
    c.setProperty("zookeeper.ssl.hostnameVerification", "true");
    return c;
  }

  /**
   * The server's settings: the client port is TLS only ({@code secureClientPort}, Netty), client
   * certificates required; an ensemble's quorum and election traffic is TLS too ({@code sslQuorum}).
   * ZooKeeper turns {@code ssl.*} keys into JVM-wide system properties, so one JVM runs at most
   * one TLS ZooKeeper server configuration (plaintext servers and clients beside it are unaffected).
   */
  static void serverProperties(Properties p, TlsFiles files, String host, int port) {
    String keyStore = keyStorePem(files).toString();
    String trustStore = files.caFile().toAbsolutePath().toString();
    p.setProperty("secureClientPort", Integer.toString(port));
    p.setProperty("secureClientPortAddress", host);
    p.setProperty("serverCnxnFactory", "org.apache.zookeeper.server.NettyServerCnxnFactory");
    for (String prefix : List.of("ssl.", "ssl.quorum.")) {
      p.setProperty(prefix + "keyStore.location", keyStore);
      p.setProperty(prefix + "keyStore.type", "PEM");
      p.setProperty(prefix + "trustStore.location", trustStore);
      p.setProperty(prefix + "trustStore.type", "PEM");
      p.setProperty(prefix + "clientAuth", "need");
      p.setProperty(prefix + "hostnameVerification", "true");
      p.setProperty(prefix + "clientHostnameVerification", "false");
    }
    p.setProperty("sslQuorum", "true");
    p.setProperty("portUnification", "false");
  }

  /** The private key (PKCS#8) and the certificate chain in one PEM file, as ZooKeeper's PEM key store wants. */
  static Path keyStorePem(TlsFiles files) {
    List<X509Certificate> chain = Pem.readCertificates(files.certFile());
    String text = Pem.encodeKey(Pem.readPrivateKey(files.keyFile())) + Pem.encode(chain.toArray());
    try {
      Path file = Files.createTempFile("moraine-zk-keystore-", ".pem",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      file.toFile().deleteOnExit();
      Files.writeString(file, text, java.nio.charset.StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ZooKeeper's key store file", e);
    }
  }
}
