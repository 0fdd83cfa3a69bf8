package io.moraine.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class S3BenchTest {

  @Test
  void durationsAndSizesParseAsDocumented() {
    assertThat(S3Bench.parseDurationNanos("30s")).isEqualTo(30_000_000_000L);
    assertThat(S3Bench.parseDurationNanos("2m")).isEqualTo(120_000_000_000L);
    assertThat(S3Bench.parseDurationNanos("500ms")).isEqualTo(500_000_000L);
    assertThat(S3Bench.parseDurationNanos("7")).isEqualTo(7_000_000_000L);
    assertThat(S3Bench.parseSize("4096")).isEqualTo(4096);
    assertThat(S3Bench.parseSize("4KiB")).isEqualTo(4096);
    assertThat(S3Bench.parseSize("1g")).isEqualTo(1L << 30);
    assertThat(S3Bench.parseSize("8MiB")).isEqualTo(8L << 20);
    assertThatThrownBy(() -> S3Bench.parseSize("4 kilo")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> S3Bench.parseDurationNanos("soon")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theLastLineIsTheContractLine() {
    S3Bench.Result r = new S3Bench.Result(S3Bench.Op.PUT, 4096, 64, 35_000, 35_000L * 4096, 2, 10_000_000_000L,
        LatencySummary.of(new long[] {1_000_000, 2_000_000, 30_000_000}));
    assertThat(r.line()).isEqualTo(
        "bench op=put size=4096 concurrency=64 ops_per_s=3500.0 mib_per_s=13.67 p50_ms=2.00 p99_ms=30.00 errors=2");
    assertThat(r.line()).matches("bench op=(put|get|mixed|list|multipart) size=\\d+ concurrency=\\d+ ops_per_s=[\\d.]+ "
        + "mib_per_s=[\\d.]+ p50_ms=[\\d.]+ p99_ms=[\\d.]+ errors=\\d+");
  }

  @Test
  void presignedIsRefusedWhereItMeansNothing() {
    assertThatThrownBy(() -> new S3Bench.Options(S3Bench.Op.LIST, 0, 1, 1, 0, true, false))
        .hasMessageContaining("--presigned");
    assertThatThrownBy(() -> new S3Bench.Options(S3Bench.Op.PUT, 4096, 0, 1, 0, false, false))
        .hasMessageContaining("--concurrency");
  }
}
