package io.moraine.metadata.tls;

import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * Mutual TLS of the metadata tier's Ratis gRPC (docs/tls.md, internal TLS): every peer serves its
 * certificate and requires a client certificate signed by the cluster CA; peers talking to each
 * other, clients (gateways, repair, admin) and the admin API present theirs and check the peer's
 * against the same CA, host name included (certificates need the peer's advertised host as a SAN).
 *
 * @param keyManager this process's certificate chain and key
 * @param trustManager the cluster CA
 */
public record RaftTls(X509KeyManager keyManager, X509TrustManager trustManager) {

  public RaftTls {
    if (keyManager == null || trustManager == null) {
      throw new IllegalArgumentException("mutual TLS needs both a key manager and a trust manager");
    }
  }

  /**
   * Ratis parameters for a server or client builder: mutual TLS for the server, admin and client
   * services when {@code tlsOrNull} is given; null (Ratis's plaintext) otherwise.
   */
  public static Parameters parameters(RaftTls tlsOrNull) {
    if (tlsOrNull == null) {
      return null;
    }
    GrpcTlsConfig conf = new GrpcTlsConfig(tlsOrNull.keyManager(), tlsOrNull.trustManager(), true);
    Parameters p = new Parameters();
    GrpcConfigKeys.TLS.setConf(p, conf);
    GrpcConfigKeys.Server.setTlsConf(p, conf);
    GrpcConfigKeys.Admin.setTlsConf(p, conf);
    GrpcConfigKeys.Client.setTlsConf(p, conf);
    return p;
  }
}
