package io.moraine.storage.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.moraine.proto.storage.v1.DeleteShardRequest;
import io.moraine.proto.storage.v1.DeleteShardResponse;
import io.moraine.proto.storage.v1.DiskInfo;
import io.moraine.proto.storage.v1.HealthRequest;
import io.moraine.proto.storage.v1.HealthResponse;
import io.moraine.proto.storage.v1.ListShardsRequest;
import io.moraine.proto.storage.v1.ListShardsResponse;
import io.moraine.proto.storage.v1.ReadShardRequest;
import io.moraine.proto.storage.v1.ReadShardResponse;
import io.moraine.proto.storage.v1.ShardInfo;
import io.moraine.proto.storage.v1.ShardServiceGrpc;
import io.moraine.proto.storage.v1.VerifyShardsRequest;
import io.moraine.proto.storage.v1.VerifyShardsResponse;
import io.moraine.proto.storage.v1.WriteHeader;
import io.moraine.proto.storage.v1.WriteShardRequest;
import io.moraine.proto.storage.v1.WriteShardResponse;
import io.moraine.storage.api.CorruptShardException;
import io.moraine.storage.api.ShardId;
import io.moraine.storage.api.ShardNotFoundException;
import io.moraine.storage.store.DiskUsage;
import io.moraine.storage.store.InsufficientCapacityException;
import io.moraine.storage.store.RejectedWriteException;
import io.moraine.storage.store.ShardStore;
import io.moraine.storage.store.StoredShard;
import java.io.IOException;
import java.io.OutputStream;
import java.time.InstantSource;
import java.util.List;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage node's gRPC face (moraine.storage.v1.ShardService) over its {@link ShardStore}.
 *
 * <p>Threading: the server runs every call's callbacks on an executor of virtual threads, one
 * call's callbacks serialized and in order (gRPC guarantees that per call), so handlers do blocking
 * file I/O inline. Flow control is manual in both directions: WriteShard requests the next message
 * only after the previous one reached the disk (a slow disk back-pressures the client through
 * HTTP/2 windows instead of filling memory); ReadShard sends only while the transport is ready.
 *
 * <p>Fault model: a client may vanish mid-write (the call is cancelled: the temporary file is
 * deleted, nothing published) or mid-read (the reader is closed). A shard is acknowledged only after
 * the store has fsynced and published it.
 */
public final class ShardServiceImpl extends ShardServiceGrpc.ShardServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(ShardServiceImpl.class);
  private static final int LIST_BATCH = 1000;

  private final String nodeId;
  private final String az;
  private final ShardStore store;
  private final int readChunkBytes;
  private final InstantSource clock;
  private final Object verifyPace = new Object();
  private long verifyDueMillis;

  /** Verify rate when a VerifyShards request names none (0). */
  public static final long DEFAULT_VERIFY_BYTES_PER_SECOND = 32L << 20;

  /**
   * @param readChunkBytes payload bytes per ReadShardResponse; at most 1 MiB (the wire rule).
   * @param clock paces VerifyShards (node-side scrub rate).
   */
  public ShardServiceImpl(String nodeId, String az, ShardStore store, int readChunkBytes, InstantSource clock) {
    if (readChunkBytes <= 0 || readChunkBytes > 1024 * 1024) {
      throw new IllegalArgumentException("readChunkBytes must be in (0, 1 MiB], got " + readChunkBytes);
    }
    this.nodeId = nodeId;
    this.az = az;
    this.store = store;
    this.readChunkBytes = readChunkBytes;
    this.clock = clock;
  }

  @Override
  public StreamObserver<WriteShardRequest> writeShard(StreamObserver<WriteShardResponse> responseObserver) {
    ServerCallStreamObserver<WriteShardResponse> call = (ServerCallStreamObserver<WriteShardResponse>) responseObserver;
    call.disableAutoRequest();
    WriteHandler handler = new WriteHandler(call);
    call.setOnCancelHandler(handler::cancelled);
    call.request(1);
    return handler;
  }

  /** One WriteShard stream: header, data..., trailer, half-close → commit and answer. */
  private final class WriteHandler implements StreamObserver<WriteShardRequest> {
    private final ServerCallStreamObserver<WriteShardResponse> call;
    private ShardStore.PendingShard pending;
    private boolean trailerSeen;
    private int trailerCrc32c;
    private boolean finished;
    private final OutputStream sink = new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        pending.write(b, off, len);
      }
    };

    WriteHandler(ServerCallStreamObserver<WriteShardResponse> call) {
      this.call = call;
    }

    @Override
    public void onNext(WriteShardRequest request) {
      if (finished) {
        return;
      }
      try {
        switch (request.getKindCase()) {
          case HEADER -> onHeader(request.getHeader());
          case DATA -> onData(request.getData());
          case TRAILER -> onTrailer(request.getTrailer().getCrc32C());
          case KIND_NOT_SET -> throw new RejectedWriteException("empty WriteShardRequest");
        }
        call.request(1);
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    private void onHeader(WriteHeader header) throws IOException {
      if (pending != null) {
        throw new RejectedWriteException("second header in one WriteShard stream for " + pending.id());
      }
      ShardId id = new ShardId(header.getShard().getDataId(), header.getShard().getShardIndex());
      pending = store.beginWrite(id, header.getPlacementGroup(), header.getLength());
    }

    private void onData(ByteString data) throws IOException {
      if (pending == null) {
        throw new RejectedWriteException("data before header");
      }
      if (trailerSeen) {
        throw new RejectedWriteException("data after trailer for " + pending.id());
      }
      data.writeTo(sink);
    }

    private void onTrailer(int crc32c) throws IOException {
      if (pending == null) {
        throw new RejectedWriteException("trailer before header");
      }
      if (trailerSeen) {
        throw new RejectedWriteException("second trailer for " + pending.id());
      }
      trailerSeen = true;
      trailerCrc32c = crc32c;
    }

    @Override
    public void onError(Throwable t) {
      // Client cancelled or the connection broke; the onCancel handler discards the shard.
      cancelled();
    }

    @Override
    public void onCompleted() {
      if (finished) {
        return;
      }
      try {
        if (pending == null || !trailerSeen) {
          throw new RejectedWriteException("WriteShard stream ended without " + (pending == null ? "header" : "trailer"));
        }
        StoredShard stored = pending.commit(trailerCrc32c);
        finished = true;
        call.onNext(WriteShardResponse.newBuilder()
            .setLength(stored.payloadLengthBytes()).setCrc32C(trailerCrc32c).setNodeId(nodeId).build());
        call.onCompleted();
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    void cancelled() {
      if (finished) {
        return;
      }
      finished = true;
      abortQuietly("client cancelled");
    }

    private void fail(Throwable e) {
      finished = true;
      abortQuietly(e.getMessage());
      Status status = statusOf(e);
      if (status.getCode() == Status.Code.INTERNAL || status.getCode() == Status.Code.UNAVAILABLE) {
        log.error("WriteShard failed{}", pending == null ? "" : " for " + pending.id(), e);
      }
      try {
        call.onError(status.asRuntimeException());
      } catch (IllegalStateException alreadyClosed) {
        log.debug("WriteShard call already closed", alreadyClosed);
      }
    }

    private void abortQuietly(String why) {
      if (pending == null) {
        return;
      }
      try {
        pending.abort();
      } catch (IOException e) {
        // Not a durability path: the temporary file was never acknowledged and start-up deletes it.
        log.warn("could not delete temporary file of aborted shard {} ({}): {}", pending.id(), why, e.toString());
      }
    }
  }

  @Override
  public void readShard(ReadShardRequest request, StreamObserver<ReadShardResponse> responseObserver) {
    ServerCallStreamObserver<ReadShardResponse> call = (ServerCallStreamObserver<ReadShardResponse>) responseObserver;
    ShardId id = new ShardId(request.getShard().getDataId(), request.getShard().getShardIndex());
    ShardStore.ShardReader reader;
    long end;
    try {
      reader = store.openRead(id);
      long length = reader.payloadLengthBytes();
      long offset = request.getOffset();
      end = request.getLength() == 0 ? length : offset + request.getLength();
      if (offset < 0 || offset > length || end > length || end < offset) {
        reader.close();
        throw Status.OUT_OF_RANGE.withDescription("range [" + offset + ", " + end + ") outside shard " + id
            + " of " + length + " bytes").asRuntimeException();
      }
      ReadPump pump = new ReadPump(call, id, reader, offset, end);
      call.setOnCancelHandler(pump::close);
      call.setOnReadyHandler(pump::drain);
      pump.drain();
    } catch (IOException | RuntimeException e) {
      call.onError(statusOf(e).asRuntimeException());
    }
  }

  /** Sends a shard range while the transport is ready; resumed by onReady. Callbacks are serialized. */
  private final class ReadPump {
    private final ServerCallStreamObserver<ReadShardResponse> call;
    private final ShardId id;
    private final ShardStore.ShardReader reader;
    private final long end;
    private long position;
    private boolean closed;

    ReadPump(ServerCallStreamObserver<ReadShardResponse> call, ShardId id, ShardStore.ShardReader reader, long offset,
        long end) {
      this.call = call;
      this.id = id;
      this.reader = reader;
      this.position = offset;
      this.end = end;
    }

    void drain() {
      try {
        while (!closed && position < end && call.isReady()) {
          int n = (int) Math.min(readChunkBytes, end - position);
          byte[] chunk = new byte[n];
          reader.read(position, chunk, 0, n);
          position += n;
          // The array is never touched again, so no copy is needed.
          call.onNext(ReadShardResponse.newBuilder().setData(UnsafeByteOperations.unsafeWrap(chunk)).build());
        }
        if (!closed && position >= end) {
          close();
          call.onCompleted();
        }
      } catch (IOException | RuntimeException e) {
        if (closed) {
          return; // cancelled meanwhile; nobody listens
        }
        close();
        Status status = statusOf(e);
        if (status.getCode() == Status.Code.DATA_LOSS) {
          log.warn("ReadShard {}: {}", id, e.getMessage());
        }
        call.onError(status.asRuntimeException());
      }
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        reader.close();
      } catch (IOException e) {
        log.warn("closing reader of shard {}: {}", id, e.toString());
      }
    }
  }

  @Override
  public void deleteShard(DeleteShardRequest request, StreamObserver<DeleteShardResponse> responseObserver) {
    try {
      boolean existed = store.delete(new ShardId(request.getShard().getDataId(), request.getShard().getShardIndex()));
      responseObserver.onNext(DeleteShardResponse.newBuilder().setExisted(existed).build());
      responseObserver.onCompleted();
    } catch (IOException | RuntimeException e) {
      responseObserver.onError(statusOf(e).asRuntimeException());
    }
  }

  @Override
  public void listShards(ListShardsRequest request, StreamObserver<ListShardsResponse> responseObserver) {
    try {
      List<StoredShard> shards = store.list(request.getHasPlacementGroup()
          ? OptionalInt.of(request.getPlacementGroup()) : OptionalInt.empty());
      ListShardsResponse.Builder batch = ListShardsResponse.newBuilder();
      for (StoredShard s : shards) {
        batch.addShards(ShardInfo.newBuilder()
            .setShard(io.moraine.proto.storage.v1.ShardId.newBuilder()
                .setDataId(s.shard().dataId()).setShardIndex(s.shard().index()))
            .setPlacementGroup(s.placementGroupDir())
            .setLength(Math.max(0, s.payloadLengthBytes()))
            .setPublishedMillis(store.publishedMillis(s)));
        if (batch.getShardsCount() == LIST_BATCH) {
          responseObserver.onNext(batch.build());
          batch = ListShardsResponse.newBuilder();
        }
      }
      if (batch.getShardsCount() > 0 || shards.isEmpty()) {
        responseObserver.onNext(batch.build());
      }
      responseObserver.onCompleted();
    } catch (RuntimeException e) {
      responseObserver.onError(statusOf(e).asRuntimeException());
    }
  }

  /**
   * Verifies the named shards on this node's disks, one after another, without sending their
   * bytes. Paced node-wide (all concurrent calls share one schedule) at the request's rate or
   * {@link #DEFAULT_VERIFY_BYTES_PER_SECOND}: after each shard the call sleeps until its bytes are
   * due, so scrubbing never runs the disks at full speed against client reads.
   */
  @Override
  public void verifyShards(VerifyShardsRequest request, StreamObserver<VerifyShardsResponse> responseObserver) {
    long rate = request.getBytesPerSecond() > 0 ? request.getBytesPerSecond() : DEFAULT_VERIFY_BYTES_PER_SECOND;
    VerifyShardsResponse.Builder out = VerifyShardsResponse.newBuilder();
    long verified = 0;
    try {
      for (io.moraine.proto.storage.v1.ShardId wire : request.getShardsList()) {
        ShardId id = new ShardId(wire.getDataId(), wire.getShardIndex());
        long length = 0;
        try (ShardStore.ShardReader reader = store.openRead(id)) {
          length = reader.payloadLengthBytes();
          reader.verifyAll();
          out.addIntact(wire);
        } catch (ShardNotFoundException e) {
          out.addMissing(wire);
        } catch (CorruptShardException e) {
          log.warn("verify: {}", e.getMessage());
          out.addCorrupt(wire);
        } catch (IOException e) {
          // A short or malformed file fails here too: the shard cannot be served, so it is bad.
          log.warn("verify: shard {} unreadable: {}", id, e.toString());
          out.addCorrupt(wire);
        }
        verified += length;
        pace(length, rate);
      }
      responseObserver.onNext(out.setVerifiedBytes(verified).build());
      responseObserver.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      responseObserver.onError(Status.CANCELLED.withDescription("verify interrupted").asRuntimeException());
    } catch (RuntimeException e) {
      responseObserver.onError(statusOf(e).asRuntimeException());
    }
  }

  private void pace(long bytes, long bytesPerSecond) throws InterruptedException {
    long wait;
    synchronized (verifyPace) {
      long now = clock.millis();
      verifyDueMillis = Math.max(verifyDueMillis, now) + bytes * 1000 / bytesPerSecond;
      wait = verifyDueMillis - now;
    }
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  @Override
  public void health(HealthRequest request, StreamObserver<HealthResponse> responseObserver) {
    HealthResponse.Builder health = HealthResponse.newBuilder().setNodeId(nodeId).setAz(az)
        .setShardCount(store.shardCount());
    for (DiskUsage disk : store.disks()) {
      health.addDisks(DiskInfo.newBuilder().setPath(disk.path().toString())
          .setUsedBytes(disk.usedBytes()).setTotalBytes(disk.totalBytes()));
    }
    responseObserver.onNext(health.build());
    responseObserver.onCompleted();
  }

  /** One mapping from store failures to wire status codes (clients map them back, see GrpcShardClients). */
  static Status statusOf(Throwable e) {
    if (e instanceof StatusRuntimeException sre) {
      return sre.getStatus();
    }
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    return switch (e) {
      case ShardNotFoundException x -> Status.NOT_FOUND.withDescription(message);
      case CorruptShardException x -> Status.DATA_LOSS.withDescription(message);
      case InsufficientCapacityException x -> Status.RESOURCE_EXHAUSTED.withDescription(message);
      case RejectedWriteException x -> Status.INVALID_ARGUMENT.withDescription(message);
      case IllegalArgumentException x -> Status.INVALID_ARGUMENT.withDescription(message);
      case IOException x -> Status.UNAVAILABLE.withDescription("storage I/O error: " + message).withCause(e);
      default -> Status.INTERNAL.withDescription(message).withCause(e);
    };
  }
}
