package io.moraine.gateway.fakes;

import io.moraine.gateway.GatewayConfig;
import io.moraine.gateway.S3Gateway;
import java.time.InstantSource;
import java.util.SplittableRandom;

/**
 * Manual checks with other clients (aws cli, curl): a gateway over the in-memory fakes on the
 * port given as the first argument, serving until stdin reaches EOF. Not part of the suite.
 */
public final class FakeClusterMain {
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    InstantSource clock = InstantSource.system();
    try (S3Gateway gateway = new S3Gateway(
        GatewayConfig.defaults("gateway-1", "127.0.0.1", port, "moraineadmin", "moraineadmin"),
        InMemoryMetadata.create(clock), new InMemoryShards(), new FixedPlacement(), clock, new SplittableRandom())) {
      gateway.start();
      System.out.println("ready port=" + gateway.port());
      while (System.in.read() >= 0) {
        // serve until stdin closes
      }
    }
  }
}
