package io.moraine.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64NvmeTest {
  @Test
  void checkValueAndSlicingMatchesBytewise() {
    Crc64Nvme c = new Crc64Nvme();
    byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
    c.update(check, 0, check.length);
    assertThat(c.getValue()).isEqualTo(0xAE8B14860A799888L);
    byte[] data = new byte[10_007];
    new Random(5).nextBytes(data);
    Crc64Nvme fast = new Crc64Nvme();
    fast.update(data, 0, 5000);
    fast.update(data, 5000, data.length - 5000);
    Crc64Nvme slow = new Crc64Nvme();
    for (byte b : data) {
      slow.update(b);
    }
    assertThat(fast.getValue()).isEqualTo(slow.getValue());
  }
}
