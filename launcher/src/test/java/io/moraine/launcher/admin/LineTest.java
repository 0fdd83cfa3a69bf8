package io.moraine.launcher.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.repair.RepairProgress;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Every admin line's text (DESIGN.md Contracts fix several byte for byte) and its --json object,
 * from the same record.
 */
class LineTest {
  @Test
  void statusLinesKeepTheirContractText() {
    assertThat(new Line.Group("g1", "meta-2", List.of("meta-1", "meta-2", "meta-3")).text())
        .isEqualTo("group g1 leader meta-2 peers meta-1,meta-2,meta-3");
    assertThat(new Line.Node("storage-az1-1", "az1", "up", 10, 20).text())
        .isEqualTo("node storage-az1-1 az az1 state up used 10 total 20");
    assertThat(new Line.Redundancy(0).text()).isEqualTo("redundancy: full");
    assertThat(new Line.Redundancy(7).text()).isEqualTo("redundancy: degraded (7 shards missing)");
    assertThat(new Line.Drain("storage-az2-1", 3).text()).isEqualTo("drain storage-az2-1 shards-left 3");
    assertThat(new Line.Credentials("MKAB", "s+/x").text()).isEqualTo("access_key=MKAB secret_key=s+/x");
    assertThat(new Line.AccountCreated("123456789012", "abc", "AKIAX", "SK").text())
        .isEqualTo("account_id=123456789012 canonical_id=abc access_key=AKIAX secret_key=SK");
    assertThat(new Line.ScrubRequested(4).text()).isEqualTo("scrub requested (request 4)");
    assertThat(new Line.Restore("gateway-1", 2, 1, 6, 5, 1_800_000).text())
        .isEqualTo("restore leader gateway-1 pending 2 restored 1 completed 6 expired 5 bytes 1800000");
    assertThat(Line.SseRewrap.of(io.moraine.gateway.crypto.RewrapProgress.empty()).text())
        .isEqualTo("sse-rewrap leader none master none state none passes 0 seen 0 rewrapped 0 raced 0");
    assertThat(new Line.DrainSet("n", true).text()).isEqualTo("node n draining");
    assertThat(new Line.DrainSet("n", false).text()).isEqualTo("node n no longer draining");
    assertThat(new Line.LogLevelSet("gateway-1", "ROOT", "DEBUG").text()).isEqualTo("gateway-1 ROOT DEBUG");
    assertThat(new Line.NotifyTargetAdded("arn:moraine:sqs:us-east-1:123456789012:hook").text())
        .isEqualTo("arn=arn:moraine:sqs:us-east-1:123456789012:hook");
    assertThat(new Line.NotifyTarget("hook", "arn:moraine:sqs:us-east-1:123456789012:hook", "webhook",
        "http://127.0.0.1:8080/e").text())
        .isEqualTo("name=hook arn=arn:moraine:sqs:us-east-1:123456789012:hook type=webhook destination=http://127.0.0.1:8080/e");
  }

  @Test
  void repairLinesAreExactlyWhatRepairProgressPrints() {
    TreeMap<String, Long> down = new TreeMap<>();
    RepairProgress empty = RepairProgress.empty();
    assertThat(Line.of(empty).stream().map(Line::text).toList()).isEqualTo(empty.statusLines());
    down.put("storage-az1-2", 5L);
    down.put("storage-az3-1", 9L);
    RepairProgress busy = new RepairProgress("meta-2", 3, 11, 4096, 2, 6, 1, 0, 1_000, 1_750, 1_600, 900, "b", "k",
        2, 40, 1, 2, 5, 1_800, down, 2_000).withGcRound(8, 3, 300);
    assertThat(Line.of(busy).stream().map(Line::text).toList()).isEqualTo(busy.statusLines());
    assertThat(Output.json(Line.of(busy).get(0))).isEqualTo("{\"type\":\"repair\",\"leader\":\"meta-2\",\"passes\":3,"
        + "\"rebuilt-shards\":11,\"rebuilt-bytes\":4096,\"moved\":2,\"missing\":6,\"misplaced\":1,\"unrecoverable\":0,"
        + "\"last-pass-ms\":750,\"last-pass-rebuild-ms\":1600,\"rebuild-ms\":900,"
        + "\"down-nodes\":[\"storage-az1-2\",\"storage-az3-1\"]}");
  }

  @Test
  void newLinesHaveTheirDocumentedText() {
    assertThat(new Line.NodeDetail(new Line.Node("storage-az1-1", "az1", "down", 0, 100), "127.0.0.1:4100", 12).text())
        .isEqualTo("node storage-az1-1 az az1 state down used 0 total 100 addr 127.0.0.1:4100 shards 12");
    assertThat(new Line.Usage("photos", "GLACIER", 2, 10, 81930).text())
        .isEqualTo("bucket photos class GLACIER objects 2 bytes 10 billable 81930");
    assertThat(new Line.UsageRecount("photos", List.of()).text()).isEqualTo("recount bucket photos corrected none");
    assertThat(new Line.UsageRecount("photos", List.of("GLACIER", "STANDARD")).text())
        .isEqualTo("recount bucket photos corrected GLACIER,STANDARD");
    assertThat(new Line.BucketRow("photos", "shop", "2026-12-07T05:00:00Z", "enabled", 3, 30).text())
        .isEqualTo("bucket photos owner shop created 2026-12-07T05:00:00Z versioning enabled objects 3 bytes 30");
    assertThat(new Line.BucketClass("STANDARD", 2, 20).text()).isEqualTo("class=STANDARD objects=2 bytes=20");
    assertThat(new Line.BucketSubresource("cors").text()).isEqualTo("subresource=cors");
  }

  @Test
  void objectInfoLinesNameTheProfileZoneAndEveryShardsNodeAndAz() {
    io.moraine.metadata.api.Segment oz = new io.moraine.metadata.api.Segment("d1", 300_000, 1, 1, 262_144, 7, 3,
        java.util.List.of("storage-az2-1", "storage-az2-2"), java.util.List.of(false, true), "az2", 2);
    io.moraine.metadata.api.ObjectVersion v = new io.moraine.metadata.api.ObjectVersion("k", "null", 300_000, "e", 0,
        "ONEZONE_IA", new java.util.TreeMap<>(), 0, new io.moraine.metadata.api.DataLayout.Segments(java.util.List.of(oz)));
    assertThat(ObjectCommands.lines("b", v, java.util.Map.of("storage-az2-1", "az2")).stream().map(Line::text))
        .containsExactly("bucket=b key=k version_id=null class=ONEZONE_IA size=300000 layout=segments segments=1",
            "segment=0 data_id=d1 profile=1+1 zone=az2 max_per_az=2 size=300000",
            "shard=0.0 node=storage-az2-1 az=az2 misplaced=false",
            "shard=0.1 node=storage-az2-2 az=- misplaced=true");
  }

  @Test
  void jsonCarriesTheTypeThenTheTextFieldsWithNumbersAsNumbers() {
    assertThat(Output.json(new Line.Usage("photos", "STANDARD_IA", 1, 5, 131072)))
        .isEqualTo("{\"type\":\"usage\",\"bucket\":\"photos\",\"class\":\"STANDARD_IA\",\"objects\":1,\"bytes\":5,"
            + "\"billable\":131072}");
    assertThat(Output.json(new Line.Group("g2", "none", List.of("meta-1"))))
        .isEqualTo("{\"type\":\"group\",\"group\":\"g2\",\"leader\":\"none\",\"peers\":[\"meta-1\"]}");
    assertThat(Output.json(new Line.Redundancy(7)))
        .isEqualTo("{\"type\":\"redundancy\",\"redundancy\":\"degraded\",\"missing\":7}");
    assertThat(Output.json(new Line.TopTotal(Line.oneDecimal(17.25), 4, 2)))
        .isEqualTo("{\"type\":\"top-total\",\"rps\":17.3,\"in_flight\":4,\"gateways\":2}");
    assertThat(new Line.TopTotal(Line.oneDecimal(17.25), 4, 2).text()).isEqualTo("total rps 17.3 in_flight 4 gateways 2");
    assertThat(Output.json(new Line.Credentials("AK", "a\"b"))).isEqualTo("{\"type\":\"credentials\",\"access_key\":\"AK\","
        + "\"secret_key\":\"a\\\"b\"}");
  }

  @Test
  void oneDecimalRoundsAsPercentFormatDoes() {
    for (double v : new double[] {0, 0.05, 0.15, 1.25, 2.35, 17.45, 1e6 / 3, 0.04999}) {
      assertThat(Line.oneDecimal(v).toPlainString()).isEqualTo(String.format(java.util.Locale.ROOT, "%.1f", v));
    }
  }
}
