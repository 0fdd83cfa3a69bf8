package io.moraine.gateway.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The RestoreRequest body as the S3 API reference (RestoreObject, "Request Syntax") defines it. */
class RestoreRequestXmlTest {
  private static final String NS = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

  private static RestoreRequestXml.Request parse(String xml) {
    return RestoreRequestXml.parse(xml.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "<RestoreRequest" + NS + "><Days>2</Days><GlacierJobParameters><Tier>Bulk</Tier></GlacierJobParameters></RestoreRequest>|2|Bulk",
      "<RestoreRequest><Days>7</Days></RestoreRequest>|7|Standard",
      "<RestoreRequest><Days> 1 </Days><Tier>Expedited</Tier></RestoreRequest>|1|Expedited",
      "<RestoreRequest><Description>x</Description><Days>3</Days></RestoreRequest>|3|Standard",
      // No Days: an Intelligent-Tiering archive-tier restore; RestoreHandler refuses it (MalformedXML) for GLACIER / DEEP_ARCHIVE.
      "<RestoreRequest></RestoreRequest>|0|Standard"})
  void accepted(String xml, int days, String tier) {
    assertThat(parse(xml)).isEqualTo(new RestoreRequestXml.Request(days, tier));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "<RestoreRequest><Days>x</Days></RestoreRequest>",
      "<RestoreRequest><Days>1</Days><GlacierJobParameters><Tier>Fast</Tier></GlacierJobParameters></RestoreRequest>",
      "<RestoreRequest><Days>1</Days><Unknown/></RestoreRequest>",
      "<Restore><Days>1</Days></Restore>",
      "<RestoreRequest><Days>1</Days>",
      ""})
  void malformed(String xml) {
    assertThatThrownBy(() -> parse(xml)).isInstanceOfSatisfying(S3Exception.class,
        e -> assertThat(e.error()).isInstanceOf(S3Error.MalformedXML.class));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "<RestoreRequest><Type>SELECT</Type><Tier>Standard</Tier></RestoreRequest>",
      "<RestoreRequest><Days>1</Days><OutputLocation/></RestoreRequest>"})
  void selectIsNotImplemented(String xml) {
    assertThatThrownBy(() -> parse(xml)).isInstanceOfSatisfying(S3Exception.class,
        e -> assertThat(e.error()).isInstanceOf(S3Error.NotImplemented.class));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1"})
  void nonPositiveDaysAreInvalidArgument(String days) {
    assertThatThrownBy(() -> parse("<RestoreRequest><Days>" + days + "</Days></RestoreRequest>"))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.error()).isInstanceOf(S3Error.InvalidArgument.class));
  }
}
