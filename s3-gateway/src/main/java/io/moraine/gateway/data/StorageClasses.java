package io.moraine.gateway.data;

import io.moraine.erasure.ReedSolomon;
import io.moraine.placement.NodeInfo;
import io.moraine.placement.PlacementMap;
import io.moraine.placement.PlacementView;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns an S3 storage class into an erasure profile and failure-domain rule
 * (DESIGN.md, Storage classes). Each class has a configured profile for big clusters and a
 * small-cluster profile; which one applies is decided against the topology — the non-draining
 * members per AZ of the current placement map — when the gateway starts and whenever the map
 * changes (join, leave, drain; never liveness, so a node dying does not flip a class's
 * profile). A change of the choice is logged once, e.g.
 * {@code storage-class GLACIER profile=4+2 (small cluster: 8+4 needs 4 nodes per AZ in 3 AZs)}.
 *
 * <p>Fit rules: a spread profile k+m (at most m shards per AZ, distinct nodes preferred) fits
 * when the AZs can hold k+m homes, {@code sum over AZs of min(m, nodes)} >= k+m; a one-zone
 * profile (ONEZONE_IA) fits when some AZ has k+m nodes (one shard per node).
 *
 * <p>Thread-safe; the resolution is recomputed only when the map's epoch moves.
 */
public final class StorageClasses {
  private static final Logger log = LoggerFactory.getLogger(StorageClasses.class);

  /** How a class's shards are laid out over failure domains. */
  public enum Rule { SPREAD, ONE_ZONE }

  /** A class as configured: its profile, its small-cluster profile and its rule. */
  public record ClassSpec(String name, int k, int m, int smallK, int smallM, Rule rule) {
    public ClassSpec {
      checkShape(name + " profile", k, m);
      checkShape(name + " small-profile", smallK, smallM);
    }

    ErasureProfile profile() {
      return rule == Rule.ONE_ZONE ? ErasureProfile.oneZone(k, m) : ErasureProfile.spread(k, m);
    }

    ErasureProfile smallProfile() {
      return rule == Rule.ONE_ZONE ? ErasureProfile.oneZone(smallK, smallM) : ErasureProfile.spread(smallK, smallM);
    }
  }

  /** A class's profile under the current topology, and the line that announces it. */
  public record Resolved(String storageClass, ErasureProfile profile, boolean small, boolean fits, String line) {}

  /** Every class S3 offers on a general-purpose bucket, in the order of the S3 documentation. */
  public static final List<String> NAMES = List.of("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA",
      "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE");

  /** Config key prefix: {@code storage-class.CLASS.profile} and {@code storage-class.CLASS.small-profile}. */
  public static final String KEY_PREFIX = "storage-class.";

  private final Map<String, ClassSpec> specs;
  private volatile Resolution resolution;

  private record Resolution(long epoch, Map<String, Resolved> byClass) {}

  public StorageClasses(List<ClassSpec> specs) {
    Map<String, ClassSpec> m = new LinkedHashMap<>();
    for (ClassSpec s : specs) {
      m.put(s.name(), s);
    }
    if (!m.keySet().equals(new java.util.LinkedHashSet<>(NAMES)) || m.size() != NAMES.size()) {
      throw new IllegalArgumentException("storage classes must be exactly " + NAMES + ", got " + m.keySet());
    }
    this.specs = m;
  }

  /** The table of DESIGN.md, Storage classes. */
  public static StorageClasses defaults() {
    return new StorageClasses(defaultSpecs());
  }

  static List<ClassSpec> defaultSpecs() {
    return List.of(
        new ClassSpec("STANDARD", 4, 2, 4, 2, Rule.SPREAD),
        new ClassSpec("REDUCED_REDUNDANCY", 2, 1, 2, 1, Rule.SPREAD),
        new ClassSpec("STANDARD_IA", 4, 2, 4, 2, Rule.SPREAD),
        new ClassSpec("ONEZONE_IA", 4, 2, 1, 1, Rule.ONE_ZONE),
        new ClassSpec("INTELLIGENT_TIERING", 4, 2, 4, 2, Rule.SPREAD),
        new ClassSpec("GLACIER_IR", 4, 2, 4, 2, Rule.SPREAD),
        new ClassSpec("GLACIER", 8, 4, 4, 2, Rule.SPREAD),
        new ClassSpec("DEEP_ARCHIVE", 8, 4, 4, 2, Rule.SPREAD));
  }

  /** Every configuration key this type reads, {@code storage-class.CLASS.profile|small-profile}. */
  public static List<String> configKeys() {
    List<String> keys = new ArrayList<>();
    for (String c : NAMES) {
      keys.add(KEY_PREFIX + c + ".profile");
      keys.add(KEY_PREFIX + c + ".small-profile");
    }
    return keys;
  }

  /**
   * The defaults with the profiles {@code values} overrides ({@code storage-class.GLACIER.profile=8+4});
   * a malformed value is an error naming the key.
   */
  public static StorageClasses fromConfig(Map<String, String> values) {
    List<ClassSpec> out = new ArrayList<>();
    for (ClassSpec d : defaultSpecs()) {
      int[] full = parse(values, KEY_PREFIX + d.name() + ".profile", d.k(), d.m());
      int[] small = parse(values, KEY_PREFIX + d.name() + ".small-profile", d.smallK(), d.smallM());
      out.add(new ClassSpec(d.name(), full[0], full[1], small[0], small[1], d.rule()));
    }
    return new StorageClasses(out);
  }

  private static int[] parse(Map<String, String> values, String key, int k, int m) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      return new int[] {k, m};
    }
    String[] parts = v.strip().split("\\+");
    try {
      if (parts.length != 2) {
        throw new NumberFormatException();
      }
      int pk = Integer.parseInt(parts[0].strip());
      int pm = Integer.parseInt(parts[1].strip());
      checkShape(key, pk, pm);
      return new int[] {pk, pm};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("configuration key '" + key + "' must be K+M (e.g. 8+4), got '" + v + "'");
    }
  }

  private static void checkShape(String what, int k, int m) {
    if (k < 1 || m < 1 || k + m > ReedSolomon.MAX_TOTAL_SHARDS) {
      throw new IllegalArgumentException(what + ": k >= 1, m >= 1 and k+m <= " + ReedSolomon.MAX_TOTAL_SHARDS
          + " required, got " + k + "+" + m);
    }
  }

  /** Whether S3 accepts this class on a general-purpose bucket. */
  public static boolean known(String storageClass) {
    return NAMES.contains(storageClass);
  }

  public ClassSpec spec(String storageClass) {
    ClassSpec s = specs.get(storageClass);
    if (s == null) {
      throw new IllegalArgumentException("unknown storage class " + storageClass);
    }
    return s;
  }

  /**
   * The profile to write {@code storageClass} with under {@code view}'s current map (checking the
   * topology again if the map changed since the last check); the configured profile while no map
   * is known. A one-zone class whose profile no AZ can take right now (the one AZ big enough has
   * a node down) is written with its small profile, so ONEZONE_IA writes go on in the other AZs.
   */
  public ErasureProfile profile(String storageClass, PlacementView view) {
    Optional<PlacementMap> map = view.current();
    if (map.isEmpty()) {
      return spec(storageClass).profile();
    }
    ErasureProfile p = check(map.get()).get(storageClass).profile();
    if (p.oneZone()) {
      ErasureProfile small = spec(storageClass).smallProfile();
      if (!small.equals(p) && view.chooseZone(p.totalShards(), storageClass).isEmpty()) {
        return small;
      }
    }
    return p;
  }

  /**
   * Resolves every class against {@code map} (cached by epoch) and logs each class whose choice
   * changed since the previous map, once.
   */
  public Map<String, Resolved> check(PlacementMap map) {
    Resolution r = resolution;
    if (r != null && r.epoch() == map.epoch()) {
      return r.byClass();
    }
    synchronized (this) {
      r = resolution;
      if (r != null && r.epoch() == map.epoch()) {
        return r.byClass();
      }
      Map<String, Resolved> next = resolve(map);
      for (Resolved now : next.values()) {
        Resolved before = r == null ? null : r.byClass().get(now.storageClass());
        boolean changed = before == null ? now.small() || !now.fits()
            : !before.line().equals(now.line());
        if (changed) {
          if (now.fits()) {
            log.info(now.line());
          } else {
            log.warn(now.line());
          }
        }
      }
      resolution = new Resolution(map.epoch(), next);
      return next;
    }
  }

  /** The current resolution's announcement lines, one per class (for status pages and tests). */
  public List<String> lines(PlacementMap map) {
    return check(map).values().stream().map(Resolved::line).toList();
  }

  /** Pure: every class against the non-draining members per AZ of {@code map}. */
  public Map<String, Resolved> resolve(PlacementMap map) {
    Map<String, Integer> perAz = new TreeMap<>();
    for (NodeInfo n : map.nodes()) {
      if (n.state() != NodeInfo.NodeState.DRAINING) {
        perAz.merge(n.az(), 1, Integer::sum);
      }
    }
    Map<String, Resolved> out = new LinkedHashMap<>();
    for (ClassSpec s : specs.values()) {
      out.put(s.name(), resolve(s, perAz));
    }
    return out;
  }

  static Resolved resolve(ClassSpec s, Map<String, Integer> nodesPerAz) {
    ErasureProfile full = s.profile();
    ErasureProfile small = s.smallProfile();
    String zone = s.rule() == Rule.ONE_ZONE ? " one-zone" : "";
    if (fits(full, nodesPerAz)) {
      return new Resolved(s.name(), full, false, true, "storage-class " + s.name() + " profile=" + full.label() + zone);
    }
    String need = s.rule() == Rule.ONE_ZONE
        ? full.label() + " needs " + full.totalShards() + " nodes in one AZ"
        : full.label() + " needs " + full.maxShardsPerAz() + " nodes per AZ in "
            + ceilDiv(full.totalShards(), full.maxShardsPerAz()) + " AZs";
    if (fits(small, nodesPerAz)) {
      return new Resolved(s.name(), small, true, true,
          "storage-class " + s.name() + " profile=" + small.label() + zone + " (small cluster: " + need + ")");
    }
    return new Resolved(s.name(), small, true, false, "storage-class " + s.name() + " profile=" + small.label() + zone
        + " (cluster too small even for it: " + need + "; writes of this class fail until storage nodes join)");
  }

  /** Whether {@code p}'s homes exist over AZs of these sizes (one shard per node). */
  static boolean fits(ErasureProfile p, Map<String, Integer> nodesPerAz) {
    if (p.oneZone()) {
      return nodesPerAz.values().stream().anyMatch(n -> n >= p.totalShards());
    }
    long homes = nodesPerAz.values().stream().mapToLong(n -> Math.min(n, p.maxShardsPerAz())).sum();
    return homes >= p.totalShards();
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
