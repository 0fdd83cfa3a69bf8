package io.moraine.gateway.data;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.metadata.api.ObjectVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An object's bytes as an InputStream (for CopyObject): a virtual thread reads the source through
 * {@link ObjectData#read} into a bounded pipe. Fault model: a source read failure surfaces in the
 * consumer as 503 ServiceUnavailable (nothing is committed); closing the stream early stops the
 * producer.
 */
public final class ObjectPipe extends InputStream {
  private static final int PIPE_BYTES = 1024 * 1024;

  private final PipedInputStream in;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /** The whole object (plaintext, decrypted when it is encrypted) of {@code bucket}. */
  public ObjectPipe(ObjectData data, String bucket, ObjectVersion v, ExecutorService threads) throws IOException {
    this(data, bucket, v, 0, v.size(), threads);
  }

  /** The plaintext bytes [offset, offset + length) of the object (UploadPartCopy with a source range). */
  public ObjectPipe(ObjectData data, String bucket, ObjectVersion v, long offset, long length, ExecutorService threads)
      throws IOException {
    this(data, bucket, v, java.util.Optional.empty(), offset, length, threads);
  }

  /** The plaintext bytes [offset, offset + length) of an object, SSE-C with {@code customer}'s key. */
  public ObjectPipe(ObjectData data, String bucket, ObjectVersion v,
      java.util.Optional<io.moraine.gateway.crypto.CustomerKey> customer, long offset, long length,
      ExecutorService threads) throws IOException {
    this.in = new PipedInputStream(PIPE_BYTES);
    PipedOutputStream out = new PipedOutputStream(in);
    threads.execute(() -> {
      try {
        data.readObject(bucket, v, customer, offset, length, out);
      } catch (Throwable t) {
        failure.set(t); // before the close below, so the consumer sees it at EOF
      } finally {
        try {
          out.close();
        } catch (IOException e) {
          failure.compareAndSet(null, e);
        }
      }
    });
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      int n = in.read(b, off, len);
      if (n < 0) {
        checkProducer();
      }
      return n;
    } catch (IOException e) {
      checkProducer();
      throw e;
    }
  }

  private void checkProducer() {
    Throwable t = failure.get();
    if (t != null) {
      throw new S3Exception(new S3Error.ServiceUnavailable("Reading the copy source failed: " + t.getMessage()));
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
