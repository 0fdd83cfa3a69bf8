package io.moraine.repair;

import java.time.InstantSource;

/**
 * Keeps a scrub pass at {@code bytesPerSecond}: after each read it sleeps until the bytes read so
 * far are due, so a scrub never competes with client reads at full disk speed.
 */
final class ScrubPacer {
  private final InstantSource clock;
  private final long bytesPerSecond;
  private final long startMillis;
  private long bytes;

  ScrubPacer(InstantSource clock, long bytesPerSecond) {
    this.clock = clock;
    this.bytesPerSecond = bytesPerSecond;
    this.startMillis = clock.millis();
  }

  /** Synchronized: the rate is for the whole pass, across the objects scrubbed in parallel. */
  synchronized void consumed(long n) throws InterruptedException {
    bytes += n;
    long dueMillis = startMillis + bytes * 1000 / bytesPerSecond;
    long wait = dueMillis - clock.millis();
    if (wait > 0) {
      Thread.sleep(Math.min(wait, 1_000));
    }
  }
}
