package io.moraine.gateway.restore;

import io.moraine.metadata.api.DayScale;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * How long a restore takes, per archive class and tier, in real time (scaled by {@code dayScale}
 * like every day of the cluster: with a 1-second day, 5 hours are about 0.2 s). A tier missing
 * here is refused as S3 refuses it (Expedited from DEEP_ARCHIVE).
 *
 * @param dayScale the cluster's day ({@code time.day.seconds}): restore delays and the copy's
 *     Days run on it; a wrong value makes restores and expiries fast or slow by the same factor
 * @param delays {@code CLASS/Tier} → real-time delay; the defaults are the upper bounds S3
 *     documents (GLACIER 1-5 min, 3-5 h, 5-12 h; DEEP_ARCHIVE 12 h, 48 h)
 */
public record RestoreConfig(DayScale dayScale, Map<String, Duration> delays) {
  public static final String EXPEDITED = "Expedited";
  public static final String STANDARD = "Standard";
  public static final String BULK = "Bulk";

  public RestoreConfig {
    delays = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(delays));
    for (Map.Entry<String, Duration> e : delays.entrySet()) {
      if (e.getValue().isNegative()) {
        throw new IllegalArgumentException("restore delay " + e.getKey() + " is negative: " + e.getValue());
      }
    }
  }

  /** The defaults S3 documents, on {@code dayScale}. */
  public static RestoreConfig defaults(DayScale dayScale) {
    return new RestoreConfig(dayScale, defaultDelays());
  }

  public static Map<String, Duration> defaultDelays() {
    Map<String, Duration> d = new TreeMap<>();
    d.put(key("GLACIER", EXPEDITED), Duration.ofMinutes(5));
    d.put(key("GLACIER", STANDARD), Duration.ofHours(5));
    d.put(key("GLACIER", BULK), Duration.ofHours(12));
    d.put(key("DEEP_ARCHIVE", STANDARD), Duration.ofHours(12));
    d.put(key("DEEP_ARCHIVE", BULK), Duration.ofHours(48));
    return d;
  }

  public static String key(String storageClass, String tier) {
    return storageClass + "/" + tier;
  }

  /** The scaled delay of a tier, or -1 when the class does not offer it. */
  public long delayMillis(String storageClass, String tier) {
    Duration real = delays.get(key(storageClass, tier));
    return real == null ? -1 : dayScale.scale(real).toMillis();
  }
}
