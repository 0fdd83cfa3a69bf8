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
      // Corrupt the same objects on every target node, so that one stripe loses up to as many
      // shards as there are targets (m within the budget, m + 1 beyond it).
      java.util.Map<String, java.util.Map<String, Path>> byData = new java.util.TreeMap<>();
      for (String node : targets) {
        for (Path f : shardFiles(ctx.cluster().runtime().dataDir(node))) {
          byData.computeIfAbsent(dataId(f), k -> new java.util.TreeMap<>()).put(node, f);
        }
      }
      // Prefer the newest objects: they are the current versions that clients still read.
      List<String> shared = byData.entrySet().stream().filter(e -> e.getValue().size() == targets.size())
          .sorted(java.util.Comparator.comparingLong((java.util.Map.Entry<String, java.util.Map<String, Path>> e) ->
              newest(e.getValue().values())).reversed())
          .map(java.util.Map.Entry::getKey).limit(2L * filesPerNode).toList();
      List<String> chosen = pickN(r, shared.isEmpty() ? List.copyOf(byData.keySet()) : shared, filesPerNode);
      for (String data : chosen) {
        for (java.util.Map.Entry<String, Path> e : byData.get(data).entrySet()) {
          flipped.add(e.getKey() + ":" + flip(e.getValue(), r));
        }
      }
      log.info("bitrot: {}", flipped);
    };
    return Optional.of(new Fault(name(), "flip bytes in the shards of " + filesPerNode + " objects on " + String.join(",", targets),
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

  private static long newest(java.util.Collection<Path> files) {
    long t = 0;
    for (Path f : files) {
      try {
        t = Math.max(t, Files.getLastModifiedTime(f).toMillis());
      } catch (IOException e) {
        // Deleted meanwhile (garbage collection): it simply does not count as new.
        log.debug("shard {} vanished", f, e);
      }
    }
    return t;
  }

  /** {@code <dataId>.<index>.shard} → dataId. */
  static String dataId(Path shard) {
    String name = shard.getFileName().toString();
    int dot = name.indexOf('.');
    return dot < 0 ? name : name.substring(0, dot);
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
