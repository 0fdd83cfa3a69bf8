package io.moraine.storage.client;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.moraine.proto.storage.v1.ShardServiceGrpc;
import io.moraine.proto.storage.v1.WriteHeader;
import io.moraine.proto.storage.v1.WriteShardRequest;
import io.moraine.proto.storage.v1.WriteShardResponse;
import io.moraine.proto.storage.v1.WriteTrailer;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * One WriteShard call: header, data messages of at most {@code writeChunkBytes}, trailer with the
 * payload's CRC32C. Client-side flow control: a data message is sent only when the call is ready
 * (the transport has room), so at most about one message is buffered per shard; write() blocks
 * meanwhile, at most {@code writeIdleTimeoutMillis}.
 */
final class GrpcShardWriter implements ShardClients.ShardWriter,
    ClientResponseObserver<WriteShardRequest, WriteShardResponse> {

  private final String nodeId;
  private final ShardId shard;
  private final long lengthBytes;
  private final GrpcShardClientsConfig config;
  private final CRC32C crc = new CRC32C();
  private final CompletableFuture<ShardClients.ShardAck> ack = new CompletableFuture<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readyOrFailed = lock.newCondition();
  private ClientCallStreamObserver<WriteShardRequest> requests;
  private volatile Throwable failure;
  private volatile WriteShardResponse response;
  private byte[] chunk;
  private int chunkFill;
  private long acceptedBytes; // handed to write(), sent or in chunk
  private CompletableFuture<ShardClients.ShardAck> finished;
  private boolean aborted;

  private GrpcShardWriter(String nodeId, ShardId shard, long lengthBytes, GrpcShardClientsConfig config) {
    this.nodeId = nodeId;
    this.shard = shard;
    this.lengthBytes = lengthBytes;
    this.config = config;
    this.chunk = new byte[nextChunkSize()];
  }

  static GrpcShardWriter open(ShardServiceGrpc.ShardServiceStub stub, String nodeId, ShardId shard, int placementGroup,
      long lengthBytes, GrpcShardClientsConfig config) throws IOException {
    GrpcShardWriter writer = new GrpcShardWriter(nodeId, shard, lengthBytes, config);
    stub.writeShard(writer); // runs beforeStart() synchronously
    writer.requests.onNext(WriteShardRequest.newBuilder().setHeader(WriteHeader.newBuilder()
        .setShard(GrpcShardClients.toWire(shard)).setPlacementGroup(placementGroup).setLength(lengthBytes)).build());
    try {
      // Surfaces "node unreachable" here, within the connect timeout, rather than at the first write.
      writer.awaitReady();
    } catch (IOException e) {
      writer.abort();
      throw e;
    }
    return writer;
  }

  private int nextChunkSize() {
    return (int) Math.max(1, Math.min(config.writeChunkBytes(), lengthBytes - acceptedBytes));
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<WriteShardRequest> requestStream) {
    this.requests = requestStream;
    requestStream.setOnReadyHandler(this::signal);
  }

  @Override
  public void onNext(WriteShardResponse value) {
    response = value;
  }

  @Override
  public void onError(Throwable t) {
    failure = t;
    signal();
    ack.completeExceptionally(GrpcShardClients.toIOException(nodeId, "write " + shard, t));
  }

  @Override
  public void onCompleted() {
    WriteShardResponse r = response;
    if (r == null || r.getLength() != lengthBytes || r.getCrc32C() != (int) crc.getValue()) {
      ack.completeExceptionally(new IOException("storage node " + nodeId + ": write " + shard
          + " acknowledged with a wrong or missing receipt: " + r));
      return;
    }
    ack.complete(new ShardClients.ShardAck(r.getNodeId(), r.getLength(), r.getCrc32C()));
  }

  private void signal() {
    lock.lock();
    try {
      readyOrFailed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void checkUsable() throws IOException {
    if (finished != null) {
      throw new IllegalStateException("write " + shard + " to " + nodeId + " already finished");
    }
    if (aborted) {
      // Also after a failed write() (which aborts): the caller learns the shard is not durable.
      throw new IOException("write " + shard + " to " + nodeId + " was aborted");
    }
    Throwable t = failure;
    if (t != null) {
      throw GrpcShardClients.toIOException(nodeId, "write " + shard, t);
    }
  }

  /** Blocks until the call can take a message, the call failed, or the idle timeout passed. */
  private void awaitReady() throws IOException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.writeIdleTimeoutMillis());
    lock.lock();
    try {
      while (!requests.isReady()) {
        Throwable t = failure;
        if (t != null) {
          throw GrpcShardClients.toIOException(nodeId, "write " + shard, t);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IOException("storage node " + nodeId + ": write " + shard + " stalled, no flow-control credit for "
              + config.writeIdleTimeoutMillis() + " ms");
        }
        readyOrFailed.awaitNanos(left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted writing " + shard + " to " + nodeId);
    } finally {
      lock.unlock();
    }
    Throwable t = failure;
    if (t != null) {
      throw GrpcShardClients.toIOException(nodeId, "write " + shard, t);
    }
  }

  @Override
  public void write(byte[] buffer, int offset, int length) throws IOException {
    java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
    checkUsable();
    if (acceptedBytes + length > lengthBytes) {
      abort();
      throw new IOException("write " + shard + " to " + nodeId + ": " + (acceptedBytes + length)
          + " bytes exceed the announced " + lengthBytes);
    }
    try {
      crc.update(buffer, offset, length);
      while (length > 0) {
        int n = Math.min(length, chunk.length - chunkFill);
        System.arraycopy(buffer, offset, chunk, chunkFill, n);
        chunkFill += n;
        offset += n;
        length -= n;
        acceptedBytes += n;
        if (chunkFill == chunk.length) {
          sendChunk();
        }
      }
    } catch (IOException | RuntimeException e) {
      abort();
      throw e;
    }
  }

  private void sendChunk() throws IOException {
    awaitReady();
    // The chunk array is handed over and never written again, so wrapping it without a copy is safe.
    requests.onNext(WriteShardRequest.newBuilder().setData(UnsafeByteOperations.unsafeWrap(chunk, 0, chunkFill)).build());
    chunk = new byte[nextChunkSize()];
    chunkFill = 0;
  }

  @Override
  public CompletableFuture<ShardClients.ShardAck> finish() {
    if (finished != null) {
      return finished;
    }
    try {
      checkUsable();
      if (acceptedBytes != lengthBytes) {
        throw new IOException("write " + shard + " to " + nodeId + ": finished after " + acceptedBytes
            + " of the announced " + lengthBytes + " bytes");
      }
      if (chunkFill > 0) {
        sendChunk();
      }
      requests.onNext(WriteShardRequest.newBuilder()
          .setTrailer(WriteTrailer.newBuilder().setCrc32C((int) crc.getValue())).build());
      requests.onCompleted();
    } catch (IOException | RuntimeException e) {
      abort();
      finished = CompletableFuture.failedFuture(e);
      return finished;
    }
    finished = ack.orTimeout(config.ackTimeoutMillis(), TimeUnit.MILLISECONDS).handle((a, t) -> {
      if (t == null) {
        return a;
      }
      Throwable cause = t instanceof java.util.concurrent.CompletionException ? t.getCause() : t;
      if (cause instanceof TimeoutException) {
        requests.cancel("no ack within " + config.ackTimeoutMillis() + " ms", null);
        throw new java.util.concurrent.CompletionException(new IOException("storage node " + nodeId + ": write "
            + shard + " not acknowledged within " + config.ackTimeoutMillis() + " ms"));
      }
      throw new java.util.concurrent.CompletionException(cause);
    });
    return finished;
  }

  @Override
  public void abort() {
    if (aborted || ack.isDone()) {
      return;
    }
    aborted = true;
    requests.cancel("shard write aborted by client", null);
    ack.completeExceptionally(new IOException("write " + shard + " to " + nodeId + " aborted"));
  }
}
