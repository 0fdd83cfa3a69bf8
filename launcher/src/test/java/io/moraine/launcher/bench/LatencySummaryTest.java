package io.moraine.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  @Test
  void nearestRankPercentiles() {
    long[] samples = new long[100];
    for (int i = 0; i < 100; i++) {
      samples[99 - i] = (i + 1) * 1_000_000L; // 1..100 ms, unsorted
    }
    LatencySummary s = LatencySummary.of(samples);
    assertThat(s.count()).isEqualTo(100);
    assertThat(s.p50Nanos()).isEqualTo(50_000_000L);
    assertThat(s.p99Nanos()).isEqualTo(99_000_000L);
    assertThat(s.maxNanos()).isEqualTo(100_000_000L);
    assertThat(s.meanNanos()).isEqualTo(50_500_000.0);
    assertThat(s.p50Millis()).isEqualTo(50.0);
    assertThat(samples[0]).as("input not sorted in place").isEqualTo(100_000_000L);
  }

  @Test
  void smallSampleSets() {
    assertThat(LatencySummary.of(new long[] {7}).p99Nanos()).isEqualTo(7);
    LatencySummary two = LatencySummary.of(new long[] {9, 3});
    assertThat(two.p50Nanos()).isEqualTo(3);
    assertThat(two.p99Nanos()).isEqualTo(9);
    assertThat(two.format()).contains("p50", "p99", "n=2");
    assertThatThrownBy(() -> LatencySummary.of(new long[0])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencySummary.percentile(new long[] {1}, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void samplesMergeAcrossThreadsAndGrow() {
    Samples a = new Samples();
    for (int i = 0; i < 5_000; i++) {
      a.add(i);
    }
    Samples b = new Samples();
    b.add(42);
    long[] all = Samples.merge(List.of(a, b));
    assertThat(all).hasSize(5_001);
    assertThat(all[4_999]).isEqualTo(4_999);
    assertThat(all[5_000]).isEqualTo(42);
  }
}
