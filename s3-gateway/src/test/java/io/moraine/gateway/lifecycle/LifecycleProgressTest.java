package io.moraine.gateway.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The engine's durable progress record: format 1, escaped cursor, unknown formats refused. */
class LifecycleProgressTest {
  @Test
  void roundTripsWithAnAwkwardCursor() {
    LifecycleProgress.Counts c = new LifecycleProgress.Counts();
    c.evaluated = 10;
    c.expired = 2;
    c.aborted = 1;
    c.transitioned = 3;
    LifecycleProgress p = LifecycleProgress.empty().plus(c).withCursor("gateway-2", "bucket\0", "a=b\nc%d é")
        .passDone(4, 99).withCursor("gateway-2", "b2", "k=1");
    LifecycleProgress back = LifecycleProgress.decode(p.encode());
    assertThat(back).isEqualTo(p);
    assertThat(back.passes()).isEqualTo(1);
    assertThat(back.backlog()).isEqualTo(4);
  }

  @Test
  void unknownFormatRefused() {
    assertThatThrownBy(() -> LifecycleProgress.decode("format=2\n".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalStateException.class);
  }
}
