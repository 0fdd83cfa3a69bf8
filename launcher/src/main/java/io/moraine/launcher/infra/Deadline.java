package io.moraine.launcher.infra;

import java.time.Duration;

/**
 * A deadline on the monotonic clock for the launcher's operational waits (a process to exit, a
 * port to open, peers to publish themselves). The one place in the launcher that reads the
 * clock directly; product code takes injected time sources instead.
 */
public final class Deadline {

  private final long deadlineNanos;

  private Deadline(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  public static Deadline after(Duration timeout) {
    return new Deadline(System.nanoTime() + timeout.toNanos());
  }

  public boolean expired() {
    return System.nanoTime() - deadlineNanos > 0;
  }
}
