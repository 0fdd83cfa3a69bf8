package io.moraine.gateway.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.proto.meta.v1.NotificationConfig;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The NotificationConfiguration document (S3 API Reference, PutBucketNotificationConfiguration)
 * and S3's matching (User Guide, "Supported event types", "Configuring event notifications using
 * object key name filtering"): parse, validation, golden XML, wildcard expansion, filters.
 */
class NotificationRulesTest {
  static final String ARN = "arn:moraine:sqs:us-east-1:123456789012:hook";

  static NotificationConfig parse(String xml) {
    AtomicInteger n = new AtomicInteger();
    return NotificationRules.parseXml(xml.getBytes(StandardCharsets.UTF_8), () -> "gen-" + n.incrementAndGet());
  }

  static S3Error error(String xml) {
    try {
      parse(xml);
    } catch (S3Exception e) {
      return e.error();
    }
    throw new AssertionError("accepted: " + xml);
  }

  static String queue(String body) {
    return "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><QueueConfiguration><Queue>" + ARN
        + "</Queue>" + body + "</QueueConfiguration></NotificationConfiguration>";
  }

  @Test
  void goldenXmlInS3Order() {
    NotificationConfig c = parse("<NotificationConfiguration>"
        + "<QueueConfiguration><Id>q</Id><Queue>" + ARN + "</Queue><Event>s3:ObjectCreated:*</Event>"
        + "<Filter><S3Key><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule>"
        + "<FilterRule><Name>Prefix</Name><Value>a/</Value></FilterRule></S3Key></Filter></QueueConfiguration>"
        + "<TopicConfiguration><Topic>" + ARN + "</Topic><Event>s3:ObjectRemoved:*</Event></TopicConfiguration>"
        + "</NotificationConfiguration>");
    assertThat(new String(NotificationRules.renderXml(c), StandardCharsets.UTF_8)).isEqualTo(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + "<TopicConfiguration><Id>gen-1</Id><Topic>" + ARN + "</Topic><Event>s3:ObjectRemoved:*</Event></TopicConfiguration>"
            + "<QueueConfiguration><Id>q</Id><Queue>" + ARN + "</Queue><Event>s3:ObjectCreated:*</Event>"
            + "<Filter><S3Key><FilterRule><Name>Suffix</Name><Value>.jpg</Value></FilterRule>"
            + "<FilterRule><Name>Prefix</Name><Value>a/</Value></FilterRule></S3Key></Filter></QueueConfiguration>"
            + "</NotificationConfiguration>");
    assertThat(NotificationRules.decode(c.toByteArray())).isEqualTo(c);
  }

  @Test
  void wildcardsExpandToS3sEventTypes() {
    assertThat(NotificationRules.expand("s3:ObjectCreated:*")).containsExactly("s3:ObjectCreated:Put",
        "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload");
    assertThat(NotificationRules.expand("s3:ObjectRemoved:*")).containsExactly("s3:ObjectRemoved:Delete",
        "s3:ObjectRemoved:DeleteMarkerCreated");
    assertThat(NotificationRules.expand("s3:ObjectRestore:*")).containsExactly("s3:ObjectRestore:Post",
        "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete");
    assertThat(NotificationRules.expand("s3:LifecycleExpiration:*")).hasSize(2);
    assertThat(NotificationRules.expand("s3:ObjectTagging:*")).hasSize(2);
    assertThat(NotificationRules.expand("s3:Replication:*")).hasSize(4);
    assertThat(NotificationRules.expand("s3:LifecycleTransition")).containsExactly("s3:LifecycleTransition");
    assertThat(NotificationRules.expand("s3:ObjectAcl:Put")).containsExactly("s3:ObjectAcl:Put");
    assertThat(NotificationRules.expand("s3:ObjectCreated")).isEmpty();
    assertThat(NotificationRules.expand("s3:*")).isEmpty();
  }

  @Test
  void matchingByEventPrefixAndSuffix() {
    NotificationConfig c = parse(queue("<Id>jpg</Id><Event>s3:ObjectCreated:*</Event><Filter><S3Key>"
        + "<FilterRule><Name>prefix</Name><Value>img/</Value></FilterRule>"
        + "<FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter>"));
    assertThat(NotificationRules.matching(c, "s3:ObjectCreated:Copy", "img/a.jpg")).hasSize(1);
    assertThat(NotificationRules.matching(c, "s3:ObjectCreated:Put", "img/a.png")).isEmpty();
    assertThat(NotificationRules.matching(c, "s3:ObjectCreated:Put", "doc/a.jpg")).isEmpty();
    assertThat(NotificationRules.matching(c, "s3:ObjectRemoved:Delete", "img/a.jpg")).isEmpty();
  }

  @Test
  void malformedDocumentsAreMalformedXml() {
    assertThat(error("<NotificationConfiguration><QueueConfiguration>")).isInstanceOf(S3Error.MalformedXML.class);
    assertThat(error("<Other/>")).isInstanceOf(S3Error.MalformedXML.class);
    assertThat(error(queue("<Bogus/>"))).isInstanceOf(S3Error.MalformedXML.class);
    assertThat(error(queue(""))).isInstanceOf(S3Error.MalformedXML.class); // no Event
    assertThat(error("<NotificationConfiguration><QueueConfiguration><Event>s3:ObjectCreated:*</Event>"
        + "</QueueConfiguration></NotificationConfiguration>")).isInstanceOf(S3Error.MalformedXML.class); // no Queue
  }

  @Test
  void filterRulesAsS3ChecksThem() {
    assertThat(error(queue("<Event>s3:ObjectCreated:*</Event><Filter><S3Key>"
        + "<FilterRule><Name>prefix</Name><Value>a</Value></FilterRule>"
        + "<FilterRule><Name>Prefix</Name><Value>b</Value></FilterRule></S3Key></Filter>")))
        .isEqualTo(new S3Error.InvalidArgument("Cannot specify more than one prefix rule in a filter."));
    assertThat(error(queue("<Event>s3:ObjectCreated:*</Event><Filter><S3Key>"
        + "<FilterRule><Name>regex</Name><Value>a</Value></FilterRule></S3Key></Filter>")))
        .isEqualTo(new S3Error.InvalidArgument("filter rule name must be either prefix or suffix"));
    assertThat(error(queue("<Event>s3:ObjectCreated:Get</Event>")))
        .isEqualTo(new S3Error.InvalidArgument("The event is not supported for notifications"));
  }

  @Test
  void emptyDocumentIsEmptyConfiguration() {
    assertThat(parse("<NotificationConfiguration/>").getRulesCount()).isZero();
  }
}
