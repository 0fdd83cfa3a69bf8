package io.moraine.gateway.tiering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TieringProgressTest {
  @Test
  void passesAddUpAndTheRecordRoundTrips() {
    TieringProgress p = TieringProgress.empty()
        .plus("gateway-1", new TieringWorker.Pass(10, 3, 1, 0, 0, 2, 1))
        .plus("gateway-2", new TieringWorker.Pass(7, 0, 2, 1, 1, 0, 0));
    assertThat(p).isEqualTo(new TieringProgress("gateway-2", 2, 17, 3, 3, 1, 1, 1, 0));
    assertThat(p.moved()).isEqualTo(8);
    assertThat(TieringProgress.decode(p.encode())).isEqualTo(p);
    assertThat(TieringProgress.decode("format=1\n".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(TieringProgress.empty());
  }

  @Test
  void anotherFormatIsRefused() {
    assertThatThrownBy(() -> TieringProgress.decode("format=2\npasses=1\n".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("format");
  }
}
