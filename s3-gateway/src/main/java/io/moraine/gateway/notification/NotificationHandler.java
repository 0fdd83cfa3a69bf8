package io.moraine.gateway.notification;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.moraine.gateway.Ids;
import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.Subresource;
import io.moraine.gateway.http.SubresourceHandler;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.meta.v1.NotificationConfig;
import io.moraine.proto.meta.v1.NotificationRule;
import io.moraine.proto.meta.v1.NotifyTargetQuery;
import io.moraine.proto.meta.v1.NotifyTargetRecord;
import java.io.IOException;
import java.time.InstantSource;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ?notification}: Put/GetBucketNotificationConfiguration. A PUT is validated (events,
 * filters, overlaps, then every destination ARN against the registered targets), a test event
 * ({@code s3:TestEvent}) is sent to each distinct destination, and only when all of them took it
 * is the configuration stored, as S3 validates SQS/SNS/Lambda destinations before it answers.
 * An empty configuration removes the stored one; a GET of a bucket without one answers an empty
 * NotificationConfiguration (S3 does not 404 here).
 */
public final class NotificationHandler implements SubresourceHandler {
  private static final Logger log = LoggerFactory.getLogger(NotificationHandler.class);
  private static final int MAX_BODY_BYTES = 256 * 1024;
  static final String UNABLE_TO_VALIDATE = "Unable to validate the following destination configurations";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** S3's event times: always three fraction digits, UTC ("2014-10-13T15:57:02.089Z"). */
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(java.time.ZoneOffset.UTC);

  private final MetadataClient metadata;
  private final Access access;
  private final Ids ids;
  private final InstantSource clock;
  private final String region;
  private final Destinations destinations;

  public NotificationHandler(MetadataClient metadata, Access access, Ids ids, InstantSource clock, String region,
      Destinations destinations) {
    this.metadata = metadata;
    this.access = access;
    this.ids = ids;
    this.clock = clock;
    this.region = region;
    this.destinations = destinations;
  }

  @Override
  public Subresource subresource() {
    return Subresource.NOTIFICATION;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetBucketNotification, bucket);
        NotificationConfig config = b.config(NotificationRules.KIND, NotificationRules::decode)
            .orElse(NotificationConfig.newBuilder().setFormatVersion(NotificationRules.FORMAT_VERSION).build());
        out.xml(200, NotificationRules.renderXml(config));
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketNotification, bucket);
        NotificationConfig config = NotificationRules.parseXml(Bodies.readSmall(r, MAX_BODY_BYTES), ids::lifecycleRuleId);
        if (config.getRulesCount() == 0 && !config.getEventBridge()) {
          if (b.configs().get(NotificationRules.KIND).isPresent()) {
            metadata.deleteBucketConfig(bucket, NotificationRules.KIND, b.generation());
          }
          out.empty(200);
          return;
        }
        Map<String, NotifyTargetRecord> targets = resolve(config);
        sendTestEvents(r, bucket, targets);
        metadata.putBucketConfig(bucket, NotificationRules.KIND, config.toByteArray(), b.generation());
        out.empty(200);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }

  /** Each distinct ARN's target; S3's error naming every ARN that is not a registered target of this region. */
  private Map<String, NotifyTargetRecord> resolve(NotificationConfig config) {
    Map<String, NotifyTargetRecord> targets = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (NotificationRule rule : config.getRulesList()) {
      String arn = rule.getArn();
      if (targets.containsKey(arn) || unknown.contains(arn)) {
        continue;
      }
      NotifyTargetRecord t = lookup(arn);
      if (t == null) {
        unknown.add(arn);
      } else {
        targets.put(arn, t);
      }
    }
    if (!unknown.isEmpty()) {
      throw new S3Exception(new S3Error.InvalidArgument(UNABLE_TO_VALIDATE + ": " + String.join(", ", unknown)));
    }
    return targets;
  }

  private NotifyTargetRecord lookup(String arn) {
    String[] parts = arn.split(":", -1);
    if (parts.length != 6 || !parts[0].equals("arn") || !parts[1].equals("moraine") || !parts[2].equals("sqs")
        || !parts[3].equals(region) || parts[5].isEmpty()) {
      return null;
    }
    var reply = metadata.notifyTargetQuery(NotifyTargetQuery.newBuilder().setGet(parts[5]).build());
    return reply.getTargetsList().stream().filter(t -> t.getArn().equals(arn)).findFirst().orElse(null);
  }

  private void sendTestEvents(S3Request r, String bucket, Map<String, NotifyTargetRecord> targets) {
    byte[] message = testEvent(bucket, r.requestId(), ids.hostId(), clock);
    List<String> failed = new ArrayList<>();
    for (NotifyTargetRecord t : targets.values()) {
      try {
        destinations.send(t, bucket, message);
      } catch (IOException e) {
        log.info("test event to {} not delivered: {}", t.getArn(), e.toString());
        failed.add(t.getArn());
      }
    }
    if (!failed.isEmpty()) {
      throw new S3Exception(new S3Error.InvalidArgument(UNABLE_TO_VALIDATE + ": " + String.join(", ", failed)));
    }
  }

  /** S3's test message (User Guide, "Event message structure": the s3:TestEvent shape). */
  static byte[] testEvent(String bucket, String requestId, String hostId, InstantSource clock) {
    ObjectNode n = JSON.createObjectNode();
    n.put("Service", "Amazon S3");
    n.put("Event", "s3:TestEvent");
    n.put("Time", TIME.format(clock.instant()));
    n.put("Bucket", bucket);
    n.put("RequestId", requestId);
    n.put("HostId", hostId);
    try {
      return JSON.writeValueAsBytes(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
