package io.moraine.gateway.tiering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.error.S3Errors;
import io.moraine.gateway.error.S3Exception;
import io.moraine.proto.config.v1.IntelligentTieringConfiguration;
import io.moraine.proto.config.v1.TieringFilterForm;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The IntelligentTieringConfiguration document's validation, table-driven. Sources: S3 API
 * Reference, PutBucketIntelligentTieringConfiguration (InvalidArgument, TooManyConfigurations: "You
 * can have up to 1,000 S3 Intelligent-Tiering configurations per bucket"), Tiering ("The minimum
 * number of days specified for Archive Access tier must be at least 90 days and Deep Archive Access
 * tier must be at least 180 days. The maximum can be up to 2 years (730 days)";
 * AccessTier ARCHIVE_ACCESS | DEEP_ARCHIVE_ACCESS), IntelligentTieringConfiguration (Id, Status
 * Enabled | Disabled and Tierings required), IntelligentTieringFilter / AndOperator.
 */
class TieringRulesTest {
  static byte[] doc(String inner) {
    return ("<IntelligentTieringConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" + inner
        + "</IntelligentTieringConfiguration>").getBytes(StandardCharsets.UTF_8);
  }

  static String tiering(String tier, String days) {
    return "<Tiering><AccessTier>" + tier + "</AccessTier><Days>" + days + "</Days></Tiering>";
  }

  static String code(byte[] body, String id) {
    try {
      TieringRules.parseXml(body, id);
      return "OK";
    } catch (S3Exception e) {
      return S3Errors.describe(e.error()).code();
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      archive at 90 (minimum)                     | <Id>a</Id><Status>Enabled</Status>ARCHIVE_ACCESS:90                         | OK
      archive at 730 (maximum)                    | <Id>a</Id><Status>Enabled</Status>ARCHIVE_ACCESS:730                        | OK
      archive at 89                               | <Id>a</Id><Status>Enabled</Status>ARCHIVE_ACCESS:89                         | InvalidArgument
      archive at 731                              | <Id>a</Id><Status>Enabled</Status>ARCHIVE_ACCESS:731                        | InvalidArgument
      deep at 180 (minimum)                       | <Id>a</Id><Status>Disabled</Status>DEEP_ARCHIVE_ACCESS:180                  | OK
      deep at 179                                 | <Id>a</Id><Status>Enabled</Status>DEEP_ARCHIVE_ACCESS:179                   | InvalidArgument
      deep at 731                                 | <Id>a</Id><Status>Enabled</Status>DEEP_ARCHIVE_ACCESS:731                   | InvalidArgument
      both, deep later                            | <Id>a</Id><Status>Enabled</Status>ARCHIVE_ACCESS:90 DEEP_ARCHIVE_ACCESS:180 | OK
      both, deep not later                        | <Id>a</Id><Status>Enabled</Status>ARCHIVE_ACCESS:300 DEEP_ARCHIVE_ACCESS:200 | InvalidArgument
      a tier twice                                | <Id>a</Id><Status>Enabled</Status>ARCHIVE_ACCESS:90 ARCHIVE_ACCESS:120      | InvalidArgument
      unknown access tier                         | <Id>a</Id><Status>Enabled</Status>INFREQUENT:90                             | MalformedXML
      days not a number                           | <Id>a</Id><Status>Enabled</Status>ARCHIVE_ACCESS:ninety                     | MalformedXML
      no tiering                                  | <Id>a</Id><Status>Enabled</Status>                                          | MalformedXML
      no status                                   | <Id>a</Id>ARCHIVE_ACCESS:90                                                 | MalformedXML
      bad status                                  | <Id>a</Id><Status>On</Status>ARCHIVE_ACCESS:90                              | MalformedXML
      no id                                       | <Status>Enabled</Status>ARCHIVE_ACCESS:90                                   | MalformedXML
      id differs from the query's                 | <Id>b</Id><Status>Enabled</Status>ARCHIVE_ACCESS:90                         | InvalidArgument
      unknown element                             | <Id>a</Id><Status>Enabled</Status><Foo/>ARCHIVE_ACCESS:90                   | MalformedXML
      prefix filter                               | <Id>a</Id><Filter><Prefix>p/</Prefix></Filter><Status>Enabled</Status>ARCHIVE_ACCESS:90 | OK
      empty filter                                | <Id>a</Id><Filter/><Status>Enabled</Status>ARCHIVE_ACCESS:90                | OK
      two predicates outside And                  | <Id>a</Id><Filter><Prefix>p</Prefix><Prefix>q</Prefix></Filter><Status>Enabled</Status>ARCHIVE_ACCESS:90 | MalformedXML
      And with one predicate                      | <Id>a</Id><Filter><And><Prefix>p</Prefix></And></Filter><Status>Enabled</Status>ARCHIVE_ACCESS:90 | MalformedXML
      And with duplicate tag keys                 | <Id>a</Id><Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></And></Filter><Status>Enabled</Status>ARCHIVE_ACCESS:90 | InvalidArgument
      tag without value                           | <Id>a</Id><Filter><Tag><Key>k</Key></Tag></Filter><Status>Enabled</Status>ARCHIVE_ACCESS:90 | MalformedXML
      not XML                                     | <<<                                                                         | MalformedXML
      """)
  void validation(String name, String inner, String expected) {
    StringBuilder b = new StringBuilder();
    for (String part : inner.split(" (?=[A-Z_]+:)|(?<=>)(?=[A-Z_]+:)")) {
      if (part.matches("[A-Z_]+:\\S+")) {
        String[] tv = part.split(":");
        b.append(tiering(tv[0], tv[1]));
      } else {
        b.append(part);
      }
    }
    byte[] body = inner.equals("<<<") ? "<<<".getBytes(StandardCharsets.UTF_8) : doc(b.toString());
    assertThat(code(body, "a")).as(name).isEqualTo(expected);
  }

  @Test
  void idParameter() {
    assertThat(TieringRules.checkId(Optional.of("my.config-1_x"))).isEqualTo("my.config-1_x");
    assertThatThrownBy(() -> TieringRules.checkId(Optional.empty())).isInstanceOf(S3Exception.class);
    assertThatThrownBy(() -> TieringRules.checkId(Optional.of("a".repeat(65)))).isInstanceOf(S3Exception.class);
    assertThatThrownBy(() -> TieringRules.checkId(Optional.of("has space"))).isInstanceOf(S3Exception.class);
  }

  @Test
  void atMostAThousandConfigurationsPerBucketAndAPutReplacesItsId() {
    var all = TieringRules.put(Optional.empty(), config("c0000"));
    for (int i = 1; i < TieringRules.MAX_CONFIGURATIONS; i++) {
      all = TieringRules.put(Optional.of(all), config(String.format("c%04d", i)));
    }
    assertThat(all.getConfigurationsCount()).isEqualTo(1000);
    var full = all;
    assertThatThrownBy(() -> TieringRules.put(Optional.of(full), config("z")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(S3Errors.describe(e.error()).code())
            .isEqualTo("TooManyConfigurations"));
    assertThat(TieringRules.put(Optional.of(full), config("c0500")).getConfigurationsCount()).isEqualTo(1000);
    assertThat(TieringRules.remove(full, "c0500").getConfigurationsCount()).isEqualTo(999);
  }

  @Test
  void renderedXmlParsesBackToTheSameConfiguration() {
    byte[] body = doc("<Id>a</Id><Filter><And><Prefix>logs/</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And>"
        + "</Filter><Status>Enabled</Status>" + tiering("ARCHIVE_ACCESS", "90") + tiering("DEEP_ARCHIVE_ACCESS", "180"));
    IntelligentTieringConfiguration c = TieringRules.parseXml(body, "a");
    assertThat(c.getFilter().getForm()).isEqualTo(TieringFilterForm.TIERING_FILTER_AND);
    assertThat(new String(TieringRules.renderXml(c), StandardCharsets.UTF_8)).isEqualTo(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<IntelligentTieringConfiguration "
            + "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Id>a</Id><Filter><And><Prefix>logs/</Prefix><Tag>"
            + "<Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Enabled</Status><Tiering><Days>90</Days>"
            + "<AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering><Tiering><Days>180</Days><AccessTier>"
            + "DEEP_ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>");
    assertThat(TieringRules.parseXml(TieringRules.renderXml(c), "a")).isEqualTo(c);
  }

  static IntelligentTieringConfiguration config(String id) {
    return TieringRules.parseXml(doc("<Id>" + id + "</Id><Status>Enabled</Status>" + tiering("ARCHIVE_ACCESS", "90")), id);
  }
}
