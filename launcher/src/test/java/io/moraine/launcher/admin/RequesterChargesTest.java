package io.moraine.launcher.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** `admin usage --requester-pays` sums the gateways' Requester Pays counters per payer and bucket. */
class RequesterChargesTest {
  private static String scrape(String node, int requests, int in, int out) {
    return "# TYPE moraine_s3_requester_paid_requests_total counter\n"
        + "moraine_s3_requester_paid_requests_total{node_id=\"" + node + "\",payer=\"reader\",bucket=\"paid\"} " + requests + ".0\n"
        + "moraine_s3_requester_paid_requests_total{node_id=\"" + node + "\",payer=\"alice\",bucket=\"paid\"} 1.0\n"
        + "# TYPE moraine_s3_requester_paid_bytes_total counter\n"
        + "moraine_s3_requester_paid_bytes_total{node_id=\"" + node + "\",payer=\"reader\",bucket=\"paid\",direction=\"in\"} " + in + ".0\n"
        + "moraine_s3_requester_paid_bytes_total{node_id=\"" + node + "\",payer=\"reader\",bucket=\"paid\",direction=\"out\"} " + out + ".0\n"
        + "moraine_s3_requester_paid_requests_total{node_id=\"" + node + "\",payer=\"reader\",bucket=\"other\"} 4.0\n"
        + "moraine_s3_requests_total{node_id=\"" + node + "\",operation=\"GetObject\",status_class=\"2xx\"} 99.0\n";
  }

  @Test
  void chargesAreSummedOverGatewaysPerPayerAndBucket() {
    List<String> scrapes = List.of(scrape("gateway-1", 2, 10, 300), scrape("gateway-2", 3, 0, 1_000_000_000));
    assertThat(InventoryCommands.charges(scrapes, null).stream().map(Line::text)).containsExactly(
        "payer alice bucket paid requests 2 bytes_in 0 bytes_out 0",
        "payer reader bucket other requests 8 bytes_in 0 bytes_out 0",
        "payer reader bucket paid requests 5 bytes_in 10 bytes_out 1000000300");
    assertThat(InventoryCommands.charges(scrapes, "other").stream().map(Line::text)).containsExactly(
        "payer reader bucket other requests 8 bytes_in 0 bytes_out 0");
    assertThat(Output.json(InventoryCommands.charges(scrapes, "other").get(0))).isEqualTo(
        "{\"type\":\"requester-charge\",\"payer\":\"reader\",\"bucket\":\"other\",\"requests\":8,\"bytes_in\":0,\"bytes_out\":0}");
  }
}
