package io.moraine.storage.client;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.moraine.proto.storage.v1.ReadShardRequest;
import io.moraine.proto.storage.v1.ReadShardResponse;
import io.moraine.proto.storage.v1.ShardServiceGrpc;
import io.moraine.storage.api.ShardId;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A shard range as an InputStream fed by one ReadShard call. Messages are requested one at a time
 * beyond a prefetch of {@value #PREFETCH_MESSAGES}, so the queue holds at most that many (bounded
 * memory however large the shard). Each message must arrive within the idle timeout, or the call is
 * cancelled and read() throws — a hung node fails the read instead of stalling it.
 */
final class GrpcShardInputStream extends InputStream
    implements ClientResponseObserver<ReadShardRequest, ReadShardResponse> {
  static final int PREFETCH_MESSAGES = 2;
  private static final Object END = new Object();

  private record Failure(Throwable cause) {}

  private final String nodeId;
  private final ShardId shard;
  private final long lengthBytes;
  private final long idleTimeoutNanos;
  private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private ClientCallStreamObserver<ReadShardRequest> call;
  private ByteString current = ByteString.EMPTY;
  private int currentPosition;
  private long receivedBytes;
  private boolean done;
  private boolean closed;
  private IOException failure; // sticky: a failed stream never turns into a clean end of file

  private GrpcShardInputStream(String nodeId, ShardId shard, long lengthBytes, Duration idleTimeout) {
    this.nodeId = nodeId;
    this.shard = shard;
    this.lengthBytes = lengthBytes;
    this.idleTimeoutNanos = idleTimeout.toNanos();
  }

  static GrpcShardInputStream open(ShardServiceGrpc.ShardServiceStub stub, String nodeId, ShardId shard, long offset,
      long lengthBytes, Duration idleTimeout) {
    GrpcShardInputStream in = new GrpcShardInputStream(nodeId, shard, lengthBytes, idleTimeout);
    stub.readShard(ReadShardRequest.newBuilder().setShard(GrpcShardClients.toWire(shard)).setOffset(offset)
        .setLength(lengthBytes).build(), in);
    return in;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ReadShardRequest> requestStream) {
    this.call = requestStream;
    requestStream.disableAutoRequestWithInitial(PREFETCH_MESSAGES);
  }

  @Override
  public void onNext(ReadShardResponse value) {
    inbox.add(value.getData());
  }

  @Override
  public void onError(Throwable t) {
    inbox.add(new Failure(t));
  }

  @Override
  public void onCompleted() {
    inbox.add(END);
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("shard stream closed");
    }
    if (len == 0) {
      return 0;
    }
    while (currentPosition == current.size()) {
      if (failure != null) {
        throw failure;
      }
      if (done) {
        return -1;
      }
      try {
        next();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
    int n = Math.min(len, current.size() - currentPosition);
    current.copyTo(b, currentPosition, off, n);
    currentPosition += n;
    return n;
  }

  /** Takes the next message (or end, or failure) from the inbox. */
  private void next() throws IOException {
    Object item;
    try {
      item = inbox.poll(idleTimeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel("reader interrupted");
      throw new InterruptedIOException("interrupted reading " + shard + " from " + nodeId);
    }
    if (item == null) {
      cancel("idle timeout");
      throw new IOException("storage node " + nodeId + ": read " + shard + " timed out, no data for "
          + TimeUnit.NANOSECONDS.toMillis(idleTimeoutNanos) + " ms");
    }
    if (item == END) {
      done = true;
      if (receivedBytes != lengthBytes) {
        throw new IOException("storage node " + nodeId + ": read " + shard + " ended after " + receivedBytes + " of "
            + lengthBytes + " bytes");
      }
      return;
    }
    if (item instanceof Failure f) {
      done = true;
      throw GrpcShardClients.toIOException(nodeId, "read " + shard, f.cause());
    }
    ByteString data = (ByteString) item;
    receivedBytes += data.size();
    if (receivedBytes > lengthBytes) {
      cancel("too many bytes");
      throw new IOException("storage node " + nodeId + ": read " + shard + " sent " + receivedBytes
          + " bytes, more than the " + lengthBytes + " asked for");
    }
    current = data;
    currentPosition = 0;
    call.request(1);
  }

  @Override
  public int available() {
    return current.size() - currentPosition;
  }

  private void cancel(String why) {
    if (!done) {
      done = true;
      call.cancel(why, null);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    cancel("reader closed");
    closed = true;
  }
}
