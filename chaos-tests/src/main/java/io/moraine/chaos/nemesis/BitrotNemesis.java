package io.moraine.chaos.nemesis;

import static io.moraine.chaos.nemesis.NemesisContext.pickN;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bitrot: flips bytes inside the block data of shard files
 * ({@code <disk>/moraine-shards/v1/<pg>/<dataId>.<index>.shard}, BlockFrame: a 24-byte header,
 * then blocks each followed by its CRC32C) on up to m = 2 storage nodes (beyond the budget: three,
 * one per AZ). Reads must detect the damage by checksum and reconstruct from other shards. The
 * damage persists after the window, so it keeps counting against the budget.
 */
public final class BitrotNemesis implements Nemesis {

  private static final Logger log = LoggerFactory.getLogger(BitrotNemesis.class);
  static final int HEADER_BYTES = 24;
  private final int filesPerNode;

  public BitrotNemesis(int filesPerNode) {
    this.filesPerNode = filesPerNode;
  }

  @Override
  public String name() {
    return "bitrot";
  }

  @Override
  public Optional<Fault> plan(NemesisContext ctx, RandomGenerator rnd, boolean exceedBudget) throws IOException {
    if (ctx.cluster().runtime().dataDir(ctx.ids("storage").get(0)) == null) {
      return Optional.empty(); // this runtime keeps node data out of the harness's reach
    }
    List<String> targets = exceedBudget ? pickN(rnd, ctx.ids("storage"), 3) : pickN(rnd, ctx.ids("storage"), 1 + rnd.nextInt(2));
    long flipSeed = rnd.nextLong();
    List<String> flipped = new ArrayList<>();
    Fault.Action inject = () -> {
      RandomGenerator r = java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(flipSeed);
      for (String node : targets) {
        Path dir = ctx.cluster().runtime().dataDir(node);
        List<Path> shards = shardFiles(dir);
        for (Path f : pickN(r, shards, filesPerNode)) {
          flipped.add(node + ":" + flip(f, r));
        }
      }
      log.info("bitrot: {}", flipped);
    };
    return Optional.of(new Fault(name(), "flip bytes in " + filesPerNode + " shard files on " + String.join(",", targets),
        targets, Impact.of(targets, true), inject, () -> { }));
  }

  static List<Path> shardFiles(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dataDir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".shard") && p.toString().contains("moraine-shards"))
          .sorted().toList();
    }
  }

  /** Flips one byte after the header; returns "file@offset". */
  static String flip(Path file, RandomGenerator r) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long len = raf.length();
      if (len <= HEADER_BYTES) {
        return file.getFileName() + "@none(empty)";
      }
      long off = HEADER_BYTES + r.nextLong(len - HEADER_BYTES);
      raf.seek(off);
      int b = raf.read();
      raf.seek(off);
      raf.write(b ^ (1 + r.nextInt(255)));
      raf.getFD().sync();
      return file.getFileName() + "@" + off;
    }
  }
}
