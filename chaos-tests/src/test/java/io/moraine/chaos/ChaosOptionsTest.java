package io.moraine.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.chaos.check.MultipartChecker;
import io.moraine.chaos.workload.MultipartBody;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ChaosOptionsTest {

  @Test
  void parsesDurations() {
    assertThat(ChaosOptions.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(ChaosOptions.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(ChaosOptions.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(ChaosOptions.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(ChaosOptions.parseDuration("PT2M")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> ChaosOptions.parseDuration("soon")).hasMessageContaining("bad duration 'soon'");
  }

  @Test
  void helpListsTheUnsafeModes() {
    String usage = new CommandLine(new ChaosCommand()).getUsageMessage();
    for (String mode : UnsafeMode.names()) {
      assertThat(usage).contains(mode);
    }
    assertThat(usage).contains("--time", "--nemesis", "--seed", "--unsafe", "--exceed-budget");
    assertThatThrownBy(() -> UnsafeMode.parse("yolo")).hasMessageContaining("ack-before-commit");
  }

  @Test
  void multipartBodiesDecodeWholeAndFlagTornOnes() {
    byte[] p1 = MultipartBody.part("u1", 1, 2, 4096);
    byte[] p2 = MultipartBody.part("u1", 2, 2, 300);
    byte[] whole = new byte[p1.length + p2.length];
    System.arraycopy(p1, 0, whole, 0, p1.length);
    System.arraycopy(p2, 0, whole, p1.length, p2.length);
    assertThat(MultipartBody.decode(whole)).isEqualTo("mp:u1");
    assertThat(MultipartBody.decode(p1)).startsWith(MultipartChecker.TORN_PREFIX).contains("1 of 2 parts");
    byte[] flipped = whole.clone();
    flipped[1000] ^= 1;
    assertThat(MultipartBody.decode(flipped)).startsWith(MultipartChecker.TORN_PREFIX).contains("wrong bytes");
    byte[] mixed = whole.clone();
    byte[] other = MultipartBody.part("u2", 2, 2, 300);
    System.arraycopy(other, 0, mixed, p1.length, other.length);
    assertThat(MultipartBody.decode(mixed)).contains("mixed");
  }
}
