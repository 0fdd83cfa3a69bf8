package io.moraine.storage.tls;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.moraine.tls.Pem;
import io.moraine.tls.TlsFiles;

/**
 * Credentials of the shard service's gRPC (docs/tls.md, internal TLS): with internal TLS on, the
 * storage node presents its certificate and requires a client certificate signed by the cluster
 * CA; gateways and repair present theirs and check the node's against the same CA (host name
 * included). Without it, plaintext.
 */
public final class GrpcTls {
  private GrpcTls() {}

  /** Server side: mutual TLS when {@code filesOrNull} is given, else plaintext. */
  public static ServerCredentials server(TlsFiles filesOrNull) {
    if (filesOrNull == null) {
      return InsecureServerCredentials.create();
    }
    return TlsServerCredentials.newBuilder()
        .keyManager(Pem.keyManager(filesOrNull.certFile(), filesOrNull.keyFile()))
        .trustManager(Pem.trustManager(filesOrNull.caFile()))
        .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
        .build();
  }

  /** Client side: mutual TLS when {@code filesOrNull} is given, else plaintext. */
  public static ChannelCredentials channel(TlsFiles filesOrNull) {
    if (filesOrNull == null) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder()
        .trustManager(Pem.trustManager(filesOrNull.caFile()));
    if (filesOrNull.certFile() != null) {
      b.keyManager(Pem.keyManager(filesOrNull.certFile(), filesOrNull.keyFile()));
    }
    return b.build();
  }
}
