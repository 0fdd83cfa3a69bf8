package io.moraine.chaos.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** The latency nemesis's proxy, on loopback: bytes arrive intact, each direction delayed. */
class DelayProxyTest {

  @Test
  void delaysBothDirectionsAndKeepsTheBytes() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 8, java.net.InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> {
        try (Socket s = echo.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
          in.transferTo(out);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      try (DelayProxy proxy = new DelayProxy("127.0.0.1", new InetSocketAddress("127.0.0.1", echo.getLocalPort()), 100,
          System::nanoTime);
          Socket client = new Socket("127.0.0.1", proxy.port())) {
        byte[] msg = "hello through the slow proxy".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        client.getOutputStream().write(msg);
        byte[] back = client.getInputStream().readNBytes(msg.length);
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(back).isEqualTo(msg);
        assertThat(millis).isGreaterThanOrEqualTo(200).isLessThan(2_000);
      }
    }
  }
}
