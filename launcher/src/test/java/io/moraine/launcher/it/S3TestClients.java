package io.moraine.launcher.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Helpers the end-to-end suites share: SDK clients, free ports, seeded payloads and digests. */
public final class S3TestClients {

  private S3TestClients() {}

  public static S3Client client(int port, String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + port))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofSeconds(120)).maxConnections(16))
        .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofMinutes(5)).build())
        .build();
  }

  public static S3Client rootClient(int port) {
    return client(port, "moraineadmin", "moraineadmin");
  }

  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A deterministic pseudo-random payload of {@code size} bytes, streamed (never all in memory). */
  public static InputStream payload(long seed, long size) {
    // Resettable (mark/reset replays from the seed), so the SDK can retry a PUT with it.
    return new InputStream() {
      private SplittableRandom random = new SplittableRandom(seed);
      private long left = size;
      private long word;
      private int wordBytes;
      private long markedLeft = size;

      @Override
      public boolean markSupported() {
        return true;
      }

      @Override
      public synchronized void mark(int readLimit) {
        markedLeft = left;
      }

      @Override
      public synchronized void reset() {
        random = new SplittableRandom(seed);
        left = size;
        wordBytes = 0;
        while (left > markedLeft) {
          read();
        }
      }

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        if (wordBytes == 0) {
          word = random.nextLong();
          wordBytes = 8;
        }
        left--;
        wordBytes--;
        int b = (int) (word & 0xff);
        word >>>= 8;
        return b;
      }

      @Override
      public int read(byte[] buf, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        int i = 0;
        while (i < n && wordBytes > 0) {
          buf[off + i++] = (byte) read();
        }
        // Whole words at a time: the same byte sequence as read(), much faster for GiB payloads.
        while (n - i >= 8) {
          long w = random.nextLong();
          for (int b = 0; b < 8; b++) {
            buf[off + i++] = (byte) w;
            w >>>= 8;
          }
          left -= 8;
        }
        while (i < n) {
          buf[off + i++] = (byte) read();
        }
        return n;
      }
    };
  }

  public static String sha256(InputStream in) throws IOException {
    try (in) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String payloadSha256(long seed, long size) throws IOException {
    return sha256(payload(seed, size));
  }
}
