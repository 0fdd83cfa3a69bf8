package io.moraine.launcher.bench;

import java.util.Arrays;

/** A growable array of latency samples for one thread (no boxing; merged after the run). */
final class Samples {
  private long[] values = new long[1024];
  private int size;

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  int size() {
    return size;
  }

  static long[] merge(Iterable<Samples> all) {
    int n = 0;
    for (Samples s : all) {
      n += s.size;
    }
    long[] out = new long[n];
    int at = 0;
    for (Samples s : all) {
      System.arraycopy(s.values, 0, out, at, s.size);
      at += s.size;
    }
    return out;
  }
}
