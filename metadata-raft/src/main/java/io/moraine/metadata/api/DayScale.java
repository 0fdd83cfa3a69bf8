package io.moraine.metadata.api;

import java.time.Duration;

/**
 * The length of a "day" (DESIGN.md, Contracts: {@code time.day.seconds}, default 86400): every day
 * of lifecycle rules, restore delays and expiries, Intelligent-Tiering and KMS rotation runs on it,
 * and hours and minutes scale with it. A test cluster with a 1-second day sees a 30-day transition
 * after 30 seconds and a 3-5 hour Standard restore after 0.125-0.21 seconds.
 *
 * <p>Day boundaries are multiples of the day length since the epoch, so with the real day they fall
 * on midnight UTC as S3's do (S3 rounds a rule's "N days after creation" up to the next midnight UTC).
 */
public record DayScale(long daySeconds) {

  public static final long DEFAULT_DAY_SECONDS = 86_400;
  private static final DayScale REAL = new DayScale(DEFAULT_DAY_SECONDS);

  public DayScale {
    if (daySeconds < 1) {
      throw new IllegalArgumentException("time.day.seconds must be >= 1, got " + daySeconds);
    }
  }

  /** The real day. */
  public static DayScale real() {
    return REAL;
  }

  public long dayMillis() {
    return daySeconds * 1000;
  }

  /** {@code days} scaled days in milliseconds. */
  public long daysMillis(long days) {
    return Math.multiplyExact(days, dayMillis());
  }

  /**
   * A real-world duration (a restore's "3-5 hours") on this clock: its fraction of a real day times
   * the scaled day, never less than one millisecond for a positive duration.
   */
  public Duration scale(Duration real) {
    if (real.isZero() || real.isNegative()) {
      return real;
    }
    long millis = (long) Math.floor((double) real.toMillis() * daySeconds / DEFAULT_DAY_SECONDS);
    return Duration.ofMillis(Math.max(1, millis));
  }

  /** Whole scaled days from {@code fromMillis} to {@code toMillis} (0 when to is not after from). */
  public long daysBetween(long fromMillis, long toMillis) {
    return toMillis <= fromMillis ? 0 : (toMillis - fromMillis) / dayMillis();
  }

  /** The first day boundary at or after {@code millis}. */
  public long dayBoundaryAtOrAfter(long millis) {
    long day = dayMillis();
    return Math.floorDiv(millis + day - 1, day) * day;
  }

  /**
   * S3's "N days after {@code startMillis}": the start plus N days, rounded up to the next day
   * boundary (lifecycle Days, restore expiry).
   */
  public long daysAfter(long startMillis, long days) {
    return dayBoundaryAtOrAfter(Math.addExact(startMillis, daysMillis(days)));
  }
}
