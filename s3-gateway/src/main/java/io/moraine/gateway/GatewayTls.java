package io.moraine.gateway;

import java.nio.file.Path;

/**
 * HTTPS of one gateway (docs/tls.md).
 *
 * @param certFile PEM certificate chain, leaf first
 * @param keyFile PEM private key of the leaf (PKCS#8, PKCS#1 or SEC1, unencrypted)
 * @param httpsPort port of the HTTPS listener; {@link #SAME_PORT} serves HTTPS on the gateway
 *     port instead of HTTP; 0 binds an ephemeral port
 * @param httpEnabled whether plain HTTP is also served on the gateway port (only with a separate
 *     {@code httpsPort}); false leaves HTTPS the only way in
 */
public record GatewayTls(Path certFile, Path keyFile, int httpsPort, boolean httpEnabled) {
  /** {@link #httpsPort} value meaning "HTTPS on the gateway port, no HTTP". */
  public static final int SAME_PORT = -1;

  /** HTTPS on the gateway port, no plain HTTP. */
  public static GatewayTls onGatewayPort(Path certFile, Path keyFile) {
    return new GatewayTls(certFile, keyFile, SAME_PORT, false);
  }

  GatewayTls validate() {
    if (certFile == null || keyFile == null) {
      throw new IllegalArgumentException("GatewayConfig: TLS needs both a certificate file and a key file");
    }
    if (httpsPort < SAME_PORT || httpsPort > 65535) {
      throw new IllegalArgumentException("GatewayConfig: https port must be 0..65535, got " + httpsPort);
    }
    if (httpsPort == SAME_PORT && httpEnabled) {
      throw new IllegalArgumentException("GatewayConfig: HTTP and HTTPS cannot share the gateway port; set an https port");
    }
    return this;
  }

  /** Whether the gateway port serves plain HTTP. */
  boolean servesHttp() {
    return httpsPort != SAME_PORT && httpEnabled;
  }
}
