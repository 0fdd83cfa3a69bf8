package io.moraine.storage.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.moraine.proto.storage.v1.ShardServiceGrpc;
import io.moraine.proto.storage.v1.WriteShardRequest;
import io.moraine.proto.storage.v1.WriteShardResponse;
import io.moraine.storage.api.ShardClients;
import io.moraine.storage.api.ShardId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A node whose disk stopped: it takes the header and then never asks for more. The writer must
 * block (not buffer the shard in memory) and fail after its idle timeout.
 */
@Timeout(60)
class ClientFlowControlTest {

  @Test
  void writerBlocksOnAStalledNodeAndFailsAfterTheIdleTimeout() throws Exception {
    AtomicInteger received = new AtomicInteger();
    ShardServiceGrpc.ShardServiceImplBase stalled = new ShardServiceGrpc.ShardServiceImplBase() {
      @Override
      public StreamObserver<WriteShardRequest> writeShard(StreamObserver<WriteShardResponse> responseObserver) {
        ((ServerCallStreamObserver<WriteShardResponse>) responseObserver).disableAutoRequest();
        ((ServerCallStreamObserver<WriteShardResponse>) responseObserver).request(1);
        return new StreamObserver<>() {
          @Override
          public void onNext(WriteShardRequest value) {
            received.incrementAndGet();
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        };
      }
    };
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(stalled).build().start();
    try (GrpcShardClients clients = new GrpcShardClients(
        id -> Optional.of(new InetSocketAddress("127.0.0.1", server.getPort())),
        new GrpcShardClientsConfig(1_000, 1_500, 5_000, 1_000, 256 * 1024, 20_000))) {
      long shardBytes = 256L * 1024 * 1024;
      ShardClients.ShardWriter writer = clients.openWrite("n", new ShardId("stuck", 0), 0, shardBytes);
      byte[] piece = new byte[1024 * 1024];
      long accepted = 0;
      long t0 = System.nanoTime();
      try {
        while (accepted < shardBytes) {
          writer.write(piece, 0, piece.length);
          accepted += piece.length;
        }
      } catch (IOException expected) {
        assertThat(expected).hasMessageContaining("stalled");
      }
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.printf("stalled node: writer accepted %d KiB before failing after %d ms%n", accepted / 1024,
          elapsedMillis);
      // HTTP/2 windows and socket buffers hold a few MiB at most; nothing near the shard's 256 MiB.
      assertThat(accepted).isLessThan(32L * 1024 * 1024);
      assertThat(received.get()).isEqualTo(1);
      assertThatThrownBy(() -> writer.finish().get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
