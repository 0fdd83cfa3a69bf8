package io.moraine.gateway.notification;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.proto.meta.v1.KeyFilterRule;
import io.moraine.proto.meta.v1.NotificationConfig;
import io.moraine.proto.meta.v1.NotificationKind;
import io.moraine.proto.meta.v1.NotificationRule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import org.w3c.dom.Element;

/**
 * A bucket's notification configuration (S3 API Reference, PutBucketNotificationConfiguration;
 * User Guide, "Supported event types" and "Configuring event notifications using object key name
 * filtering"): the NotificationConfiguration document with S3's validation, the stored form
 * (events.proto NotificationConfig, kind "notification") and S3's matching of an event and a key
 * against it. Pure: no I/O; Ids for configurations without one come from the caller.
 */
public final class NotificationRules {
  private NotificationRules() {}

  public static final String KIND = "notification";
  static final int FORMAT_VERSION = 1;
  static final String OVERLAP = "Configurations overlap. Configurations on the same bucket cannot share a common event type.";
  static final String UNSUPPORTED_EVENT = "The event is not supported for notifications";

  /** Every concrete event type S3 documents ("Supported event types for SQS, SNS, and Lambda"). */
  static final List<String> EVENTS = List.of(
      "s3:ObjectCreated:Put", "s3:ObjectCreated:Post", "s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
      "s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated",
      "s3:ObjectRestore:Post", "s3:ObjectRestore:Completed", "s3:ObjectRestore:Delete",
      "s3:ReducedRedundancyLostObject",
      "s3:Replication:OperationFailedReplication", "s3:Replication:OperationMissedThreshold",
      "s3:Replication:OperationReplicatedAfterThreshold", "s3:Replication:OperationNotTracked",
      "s3:LifecycleExpiration:Delete", "s3:LifecycleExpiration:DeleteMarkerCreated",
      "s3:LifecycleTransition", "s3:IntelligentTiering",
      "s3:ObjectTagging:Put", "s3:ObjectTagging:Delete",
      "s3:ObjectAcl:Put");

  /** The concrete event types {@code configured} stands for ({@code s3:ObjectCreated:*} → its four); empty when unknown. */
  static Set<String> expand(String configured) {
    Set<String> out = new LinkedHashSet<>();
    if (configured.matches("s3:[A-Za-z]+:\\*")) {
      String family = configured.substring(0, configured.length() - 1);
      EVENTS.stream().filter(e -> e.startsWith(family)).forEach(out::add);
    } else if (EVENTS.contains(configured)) {
      out.add(configured);
    }
    return out;
  }

  public static NotificationConfig decode(byte[] body) {
    try {
      NotificationConfig c = NotificationConfig.parseFrom(body);
      if (c.getFormatVersion() != FORMAT_VERSION) {
        throw new IllegalStateException("notification format version " + c.getFormatVersion() + " is not known here");
      }
      return c;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored notification configuration", e);
    }
  }

  /** Parses and validates the document (destinations are checked by the caller); {@code newId} names rules without an Id. */
  public static NotificationConfig parseXml(byte[] body, Supplier<String> newId) {
    Element root = S3XmlRequests.parse(body, "NotificationConfiguration");
    NotificationConfig.Builder config = NotificationConfig.newBuilder().setFormatVersion(FORMAT_VERSION);
    List<NotificationRule> topics = new ArrayList<>();
    List<NotificationRule> queues = new ArrayList<>();
    List<NotificationRule> functions = new ArrayList<>();
    for (Element e : S3XmlRequests.children(root)) {
      switch (S3XmlRequests.localName(e)) {
        case "TopicConfiguration" -> topics.add(rule(e, NotificationKind.TOPIC, "Topic", newId));
        case "QueueConfiguration" -> queues.add(rule(e, NotificationKind.QUEUE, "Queue", newId));
        case "CloudFunctionConfiguration" -> functions.add(rule(e, NotificationKind.CLOUD_FUNCTION, "CloudFunction", newId));
        case "EventBridgeConfiguration" -> config.setEventBridge(true);
        default -> throw malformed();
      }
    }
    config.addAllRules(topics).addAllRules(queues).addAllRules(functions);
    checkOverlaps(config.getRulesList());
    Set<String> ids = new java.util.HashSet<>();
    for (NotificationRule r : config.getRulesList()) {
      if (!ids.add(r.getId())) {
        throw new S3Exception(new S3Error.InvalidArgument("Configuration id " + r.getId() + " is not unique"));
      }
    }
    return config.build();
  }

  private static NotificationRule rule(Element e, NotificationKind kind, String arnElement, Supplier<String> newId) {
    NotificationRule.Builder r = NotificationRule.newBuilder().setKind(kind);
    for (Element c : S3XmlRequests.children(e)) {
      String name = S3XmlRequests.localName(c);
      String text = c.getTextContent().strip();
      if (name.equals(arnElement)) {
        if (!r.getArn().isEmpty()) {
          throw malformed();
        }
        r.setArn(text);
        continue;
      }
      switch (name) {
        case "Id" -> r.setId(text);
        case "Event" -> {
          if (expand(text).isEmpty()) {
            throw new S3Exception(new S3Error.InvalidArgument(UNSUPPORTED_EVENT));
          }
          r.addEvents(text);
        }
        case "Filter" -> filter(c, r);
        default -> throw malformed();
      }
    }
    if (r.getArn().isEmpty() || r.getEventsCount() == 0) {
      throw malformed();
    }
    if (r.getId().isEmpty()) {
      r.setId(newId.get());
    }
    return r.build();
  }

  private static void filter(Element filter, NotificationRule.Builder r) {
    for (Element key : S3XmlRequests.children(filter)) {
      if (!S3XmlRequests.localName(key).equals("S3Key")) {
        throw malformed();
      }
      for (Element fr : S3XmlRequests.children(key)) {
        if (!S3XmlRequests.localName(fr).equals("FilterRule")) {
          throw malformed();
        }
        String name = null;
        String value = null;
        for (Element f : S3XmlRequests.children(fr)) {
          switch (S3XmlRequests.localName(f)) {
            case "Name" -> name = f.getTextContent().strip();
            case "Value" -> value = f.getTextContent();
            default -> throw malformed();
          }
        }
        if (name == null || value == null) {
          throw malformed();
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.equals("prefix") && !lower.equals("suffix")) {
          throw new S3Exception(new S3Error.InvalidArgument("filter rule name must be either prefix or suffix"));
        }
        if (r.getFilterRulesList().stream().anyMatch(x -> x.getName().equals(lower))) {
          throw new S3Exception(new S3Error.InvalidArgument("Cannot specify more than one " + lower + " rule in a filter."));
        }
        if (value.length() > 1024) {
          throw new S3Exception(new S3Error.InvalidArgument("The " + lower + " value is longer than 1024 characters"));
        }
        r.addFilterRules(KeyFilterRule.newBuilder().setName(lower).setValue(value));
      }
    }
  }

  static String prefix(NotificationRule r) {
    return r.getFilterRulesList().stream().filter(f -> f.getName().equals("prefix")).map(KeyFilterRule::getValue)
        .findFirst().orElse("");
  }

  static String suffix(NotificationRule r) {
    return r.getFilterRulesList().stream().filter(f -> f.getName().equals("suffix")).map(KeyFilterRule::getValue)
        .findFirst().orElse("");
  }

  /**
   * S3 refuses two configurations that could both match one object for one event type: their
   * event types intersect (wildcards expanded), and their prefixes overlap (one starts the other)
   * and their suffixes overlap (one ends the other). An absent filter matches every key.
   */
  static void checkOverlaps(List<NotificationRule> rules) {
    for (int i = 0; i < rules.size(); i++) {
      for (int j = i + 1; j < rules.size(); j++) {
        NotificationRule a = rules.get(i);
        NotificationRule b = rules.get(j);
        String pa = prefix(a);
        String pb = prefix(b);
        String sa = suffix(a);
        String sb = suffix(b);
        boolean keysOverlap = (pa.startsWith(pb) || pb.startsWith(pa)) && (sa.endsWith(sb) || sb.endsWith(sa));
        if (keysOverlap && intersects(a, b)) {
          throw new S3Exception(new S3Error.InvalidArgument(OVERLAP));
        }
      }
    }
  }

  private static boolean intersects(NotificationRule a, NotificationRule b) {
    Set<String> ea = new LinkedHashSet<>();
    a.getEventsList().forEach(e -> ea.addAll(expand(e)));
    for (String e : b.getEventsList()) {
      for (String x : expand(e)) {
        if (ea.contains(x)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The rules that fire for event type {@code event} (e.g. {@code s3:ObjectCreated:Put}) on {@code key}. */
  public static List<NotificationRule> matching(NotificationConfig c, String event, String key) {
    List<NotificationRule> out = new ArrayList<>();
    for (NotificationRule r : c.getRulesList()) {
      if (key.startsWith(prefix(r)) && key.endsWith(suffix(r))
          && r.getEventsList().stream().anyMatch(e -> expand(e).contains(event))) {
        out.add(r);
      }
    }
    return out;
  }

  public static byte[] renderXml(NotificationConfig c) {
    XmlWriter w = new XmlWriter().startRoot("NotificationConfiguration");
    for (NotificationRule r : c.getRulesList()) {
      String element = switch (r.getKind()) {
        case TOPIC -> "Topic";
        case QUEUE -> "Queue";
        case CLOUD_FUNCTION -> "CloudFunction";
        case NOTIFICATION_KIND_UNSPECIFIED, UNRECOGNIZED ->
            throw new IllegalStateException("stored notification rule " + r.getId() + " has no kind");
      };
      w.start(element + "Configuration");
      w.element("Id", r.getId());
      w.element(element, r.getArn());
      r.getEventsList().forEach(e -> w.element("Event", e));
      if (r.getFilterRulesCount() > 0) {
        w.start("Filter").start("S3Key");
        for (KeyFilterRule f : r.getFilterRulesList()) {
          // AWS answers the names capitalized whatever the request said (aws/aws-sdk#389).
          String name = f.getName().equals("prefix") ? "Prefix" : "Suffix";
          w.start("FilterRule").element("Name", name).element("Value", f.getValue()).end("FilterRule");
        }
        w.end("S3Key").end("Filter");
      }
      w.end(element + "Configuration");
    }
    if (c.getEventBridge()) {
      w.start("EventBridgeConfiguration").end("EventBridgeConfiguration");
    }
    return w.end("NotificationConfiguration").toBytes();
  }

  private static S3Exception malformed() {
    return new S3Exception(new S3Error.MalformedXML(null));
  }
}
