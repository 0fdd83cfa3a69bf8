package io.moraine.launcher.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * S3's minimum billable sizes (Amazon S3 pricing, "Storage pricing" footnotes; storage class guide):
 * 128 KiB minimum for STANDARD_IA, ONEZONE_IA and GLACIER_IR; 40 KiB (32 KiB index + 8 KiB
 * metadata) added per GLACIER and DEEP_ARCHIVE object; the bytes themselves for every other class.
 */
class BillingTest {
  @ParameterizedTest(name = "{0} {1} bytes bill as {2}")
  @CsvSource({
      "STANDARD, 0, 0",
      "STANDARD, 1, 1",
      ", 5, 5",
      "REDUCED_REDUNDANCY, 100, 100",
      "INTELLIGENT_TIERING, 1000, 1000",
      "STANDARD_IA, 0, 131072",
      "STANDARD_IA, 1, 131072",
      "STANDARD_IA, 131072, 131072",
      "STANDARD_IA, 131073, 131073",
      "ONEZONE_IA, 4096, 131072",
      "GLACIER_IR, 200000, 200000",
      "GLACIER_IR, 10, 131072",
      "GLACIER, 0, 40960",
      "GLACIER, 1000, 41960",
      "DEEP_ARCHIVE, 1048576, 1089536",
      "deep_archive, 1, 40961",
  })
  void billableBytesApplyTheClassMinimum(String storageClass, long size, long billable) {
    assertThat(Billing.billableBytes(storageClass, size)).isEqualTo(billable);
  }

  @Test
  void aNegativeSizeIsABug() {
    assertThatThrownBy(() -> Billing.billableBytes("STANDARD", -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
