package io.moraine.metadata.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The overlay behaves exactly like the base with its writes applied (checked against a TreeMap). */
class OverlayStoreTest {
  @Test
  void overlayMatchesAReferenceMap() {
    long seed = System.nanoTime();
    SplittableRandom r = new SplittableRandom(seed);
    for (int round = 0; round < 200; round++) {
      MemoryStateStore base = new MemoryStateStore();
      TreeMap<byte[], byte[]> reference = new TreeMap<>(Arrays::compareUnsigned);
      StoreBatch initial = new StoreBatch();
      for (int i = 0; i < 30; i++) {
        byte[] k = key(r);
        byte[] v = {(byte) r.nextInt(256)};
        initial.put(k, v);
        reference.put(k, v);
      }
      base.commit(initial, AppliedPosition.NONE);
      reference.put(AppliedPosition.KEY, base.get(AppliedPosition.KEY));
      OverlayStore overlay = new OverlayStore(base);
      for (int b = 0; b < 3; b++) {
        StoreBatch batch = new StoreBatch();
        for (int i = 0; i < 10; i++) {
          byte[] k = key(r);
          if (r.nextBoolean()) {
            byte[] v = {(byte) r.nextInt(256)};
            batch.put(k, v);
            reference.put(k, v);
          } else {
            batch.delete(k);
            reference.remove(k);
          }
        }
        overlay.commit(batch, AppliedPosition.NONE);
      }
      String context = "seed " + seed + " round " + round;
      for (int probe = 0; probe < 20; probe++) {
        byte[] from = key(r);
        assertThat(scan(overlay, from)).as(context).isEqualTo(scanRef(reference, from));
        assertThat(overlay.get(from)).as(context).isEqualTo(reference.get(from));
      }
      base.commit(overlay.pending(), AppliedPosition.NONE);
      assertThat(scan(base, new byte[0])).as(context).isEqualTo(scanRef(reference, new byte[0]));
    }
  }

  static byte[] key(SplittableRandom r) {
    byte[] k = new byte[1 + r.nextInt(2)];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) ('a' + r.nextInt(6));
    }
    return k;
  }

  static List<String> scan(StateStore s, byte[] from) {
    List<String> out = new ArrayList<>();
    try (StateStore.Cursor c = s.cursor()) {
      for (c.seek(from); c.valid(); c.next()) {
        out.add(Arrays.toString(c.key()) + "=" + Arrays.toString(c.value()));
      }
    }
    return out;
  }

  static List<String> scanRef(TreeMap<byte[], byte[]> m, byte[] from) {
    List<String> out = new ArrayList<>();
    m.tailMap(from, true).forEach((k, v) -> out.add(Arrays.toString(k) + "=" + Arrays.toString(v)));
    return out;
  }
}
