package io.moraine.launcher.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** `admin top` turns two scrapes of the gateways' counters into requests/s by operation. */
class TopTest {
  private static String scrape(int put2xx, int put5xx, int get4xx, int inFlight) {
    return "# TYPE moraine_s3_requests_total counter\n"
        + "moraine_s3_requests_total{node_id=\"gateway-1\",operation=\"PutObject\",status_class=\"2xx\"} " + put2xx + ".0\n"
        + "moraine_s3_requests_total{node_id=\"gateway-1\",operation=\"PutObject\",status_class=\"5xx\"} " + put5xx + ".0\n"
        + "moraine_s3_requests_total{node_id=\"gateway-1\",operation=\"GetObject\",status_class=\"4xx\"} " + get4xx + ".0\n"
        + "moraine_s3_requests_in_flight{node_id=\"gateway-1\"} " + inFlight + ".0\n";
  }

  @Test
  void ratesAreDeltasOverTheIntervalSummedOverGateways() {
    Top.Sample before = Top.parse(0, List.of(scrape(10, 0, 0, 0), scrape(0, 0, 0, 0)));
    Top.Sample after = Top.parse(2_000_000_000L, List.of(scrape(30, 2, 4, 3), scrape(8, 0, 0, 1)));
    assertThat(Top.lines(before, after, 2.0, 2).stream().map(Line::text)).containsExactly(
        "PutObject rps 15.0 4xx 0.0 5xx 1.0",
        "GetObject rps 2.0 4xx 2.0 5xx 0.0",
        "total rps 17.0 in_flight 4 gateways 2");
  }
}
