package io.moraine.metadata.core;

import io.moraine.metadata.store.RocksStateStore;
import io.moraine.proto.meta.v1.MetaBatch;
import io.moraine.proto.meta.v1.MetaRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * List-page latency in a 1,000,000-object bucket at the core over RocksDB (no Raft round trip),
 * and the size and time of a checkpoint snapshot of it. A benchmark, not a timed test:
 * {@code mvn -o test -pl metadata-raft -Dmoraine.long=true -Dtest=ListingBench} (-Dbench.objects=N).
 */
@Tag("long")
class ListingBench {
  @TempDir Path dir;

  @Test
  void listPagesInAMillionObjectBucket() throws Exception {
    int objects = Integer.getInteger("bench.objects", 1_000_000);
    try (RocksStateStore store = RocksStateStore.open(dir.resolve("db"))) {
      CoreHarness h = new CoreHarness(store);
      h.ok(CoreHarness.createBucket("o", "big"));
      long t0 = System.nanoTime();
      for (int i = 0; i < objects; i += 1000) {
        MetaBatch.Builder b = MetaBatch.newBuilder();
        for (int j = i; j < Math.min(objects, i + 1000); j++) {
          b.addRequests(CoreHarness.put("big", String.format("dir%03d/file%07d", j % 1000, j), "d" + j).setFormatVersion(1));
        }
        h.ok(MetaRequest.newBuilder().setBatch(b));
      }
      System.out.printf("BENCH load %d objects in %.1f s%n", objects, (System.nanoTime() - t0) / 1e9);
      SplittableRandom r = new SplittableRandom(1);
      for (String delimiter : new String[] {"", "/"}) {
        long[] nanos = new long[300];
        for (int i = 0; i < nanos.length; i++) {
          String after = delimiter.isEmpty() ? String.format("dir%03d/file%07d", r.nextInt(1000), r.nextInt(objects)) : "";
          long s = System.nanoTime();
          var page = h.listPage("big", "", delimiter, after, 1000);
          nanos[i] = System.nanoTime() - s;
          if (page.getContentsCount() + page.getCommonPrefixesCount() == 0) {
            throw new AssertionError("empty page after " + after);
          }
        }
        Arrays.sort(nanos);
        System.out.printf("BENCH list page maxKeys=1000 delimiter='%s' p50 %.2f ms p99 %.2f ms%n", delimiter,
            nanos[nanos.length / 2] / 1e6, nanos[nanos.length * 99 / 100] / 1e6);
      }
      long s = System.nanoTime();
      Path snap = dir.resolve("checkpoint");
      store.checkpoint(snap);
      long bytes;
      try (Stream<Path> files = Files.walk(snap)) {
        bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      System.out.printf("BENCH checkpoint of %d objects: %.1f MiB in %.2f s%n", objects, bytes / 1048576.0, (System.nanoTime() - s) / 1e9);
    }
  }
}
