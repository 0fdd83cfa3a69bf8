package io.moraine.chaos.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy owned by the harness that delays every chunk of bytes, in both directions, by a
 * fixed latency — the user-space replacement for tc netem, which this kernel lacks. Each
 * direction has a reader that timestamps chunks and a writer that releases each chunk
 * {@code delayMillis} after it arrived, so latency is added without cutting throughput to one
 * chunk per delay. Listens on the bridge address; nodes reach it through a DNAT rule.
 *
 * <p>Fault model: when either side closes or fails, both sockets of that connection are closed
 * (the peers see a reset, as after a real network fault); {@link #close} closes every connection.
 */
public final class DelayProxy implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DelayProxy.class);

  private final ServerSocket server;
  private final InetSocketAddress target;
  private final long delayNanos;
  private final LongSupplier nanoTime;
  private final List<Socket> sockets = new ArrayList<>();
  private volatile boolean closed;

  public DelayProxy(String listenAddress, InetSocketAddress target, long delayMillis, LongSupplier nanoTime)
      throws IOException {
    this.server = new ServerSocket(0, 128, InetAddress.getByName(listenAddress));
    this.target = target;
    this.delayNanos = delayMillis * 1_000_000L;
    this.nanoTime = nanoTime;
    Thread.ofVirtual().name("delay-proxy-" + port()).start(this::acceptLoop);
  }

  public int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket in = server.accept();
        // Connect on a thread of its own: a slow target must not hold up other accepts.
        Thread.ofVirtual().start(() -> connect(in));
      } catch (IOException e) {
        if (!closed) {
          log.debug("delay proxy to {}: accept failed", target, e);
        }
      }
    }
  }

  private void connect(Socket in) {
    Socket out = new Socket();
    try {
      out.connect(target, 3000);
      in.setTcpNoDelay(true);
      out.setTcpNoDelay(true);
    } catch (IOException e) {
      // The target is down or cut off: the client sees its connection closed, as it would directly.
      closeQuietly(in);
      closeQuietly(out);
      return;
    }
    synchronized (sockets) {
      sockets.add(in);
      sockets.add(out);
    }
    pipe(in, out);
    pipe(out, in);
  }

  private record Chunk(long releaseNanos, byte[] bytes) {}

  private void pipe(Socket from, Socket to) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Chunk eof = new Chunk(0, new byte[0]);
    Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[64 * 1024];
      try (InputStream in = from.getInputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          queue.add(new Chunk(nanoTime.getAsLong() + delayNanos, Arrays.copyOf(buf, n)));
        }
      } catch (IOException e) {
        // The connection ended or was reset; the writer closes both sides.
      } finally {
        queue.add(eof);
      }
    });
    Thread.ofVirtual().start(() -> {
      try (OutputStream out = to.getOutputStream()) {
        while (true) {
          Chunk c = queue.take();
          if (c == eof) {
            break;
          }
          long wait = c.releaseNanos() - nanoTime.getAsLong();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          out.write(c.bytes());
          out.flush();
        }
      } catch (IOException | InterruptedException e) {
        // Peer gone: fall through and close both sides.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    });
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Closing an already broken socket: nothing left to release.
      log.trace("close", e);
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    synchronized (sockets) {
      sockets.forEach(DelayProxy::closeQuietly);
      sockets.clear();
    }
  }
}
