package io.moraine.gateway.access;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.gateway.access.policy.MalformedPolicyException;
import io.moraine.gateway.access.policy.PolicyDocument;
import io.moraine.gateway.access.policy.PolicyParser;
import io.moraine.proto.config.v1.BucketPolicyConfig;
import io.moraine.proto.config.v1.ObjectOwnership;
import io.moraine.proto.config.v1.OwnershipControlsConfig;
import io.moraine.proto.config.v1.PublicAccessBlockConfig;

/**
 * The stored forms (moraine.config.v1, format version 1) of the bucket policy, Block Public
 * Access and Object Ownership sub-resources, and their decoded values.
 */
public final class AccessConfigs {
  private AccessConfigs() {}

  public static final String POLICY = "policy";
  public static final String PUBLIC_ACCESS_BLOCK = "publicAccessBlock";
  public static final String OWNERSHIP = "ownershipControls";
  public static final String REQUEST_PAYMENT = "requestPayment";
  private static final int FORMAT_VERSION = 1;

  /** A stored bucket policy: the document as sent, and parsed. */
  public record BucketPolicy(String json, PolicyDocument document, boolean isPublic) {}

  public static byte[] encodePolicy(String json) {
    return BucketPolicyConfig.newBuilder().setFormatVersion(FORMAT_VERSION).setJson(json).build().toByteArray();
  }

  public static BucketPolicy decodePolicy(byte[] body, String bucket) {
    try {
      BucketPolicyConfig c = BucketPolicyConfig.parseFrom(body);
      check(c.getFormatVersion(), "bucket policy");
      PolicyDocument doc = PolicyParser.parse(c.getJson(), PolicyParser.Kind.BUCKET, bucket);
      return new BucketPolicy(c.getJson(), doc, io.moraine.gateway.access.policy.PublicPolicy.isPublic(doc));
    } catch (InvalidProtocolBufferException | MalformedPolicyException e) {
      throw new IllegalStateException("corrupt stored bucket policy of " + bucket, e);
    }
  }

  /** Block Public Access settings; {@link #NONE} blocks nothing. */
  public record PublicAccessBlock(boolean blockPublicAcls, boolean ignorePublicAcls, boolean blockPublicPolicy,
      boolean restrictPublicBuckets) {
    public static final PublicAccessBlock NONE = new PublicAccessBlock(false, false, false, false);

    /** The effective settings of a bucket: each one on if on at the bucket or the owner's account. */
    public PublicAccessBlock or(PublicAccessBlock o) {
      return new PublicAccessBlock(blockPublicAcls || o.blockPublicAcls, ignorePublicAcls || o.ignorePublicAcls,
          blockPublicPolicy || o.blockPublicPolicy, restrictPublicBuckets || o.restrictPublicBuckets);
    }
  }

  public static byte[] encodePublicAccessBlock(PublicAccessBlock p) {
    return PublicAccessBlockConfig.newBuilder().setFormatVersion(FORMAT_VERSION)
        .setBlockPublicAcls(p.blockPublicAcls()).setIgnorePublicAcls(p.ignorePublicAcls())
        .setBlockPublicPolicy(p.blockPublicPolicy()).setRestrictPublicBuckets(p.restrictPublicBuckets())
        .build().toByteArray();
  }

  public static PublicAccessBlock decodePublicAccessBlock(byte[] body) {
    try {
      PublicAccessBlockConfig c = PublicAccessBlockConfig.parseFrom(body);
      check(c.getFormatVersion(), "public access block");
      return new PublicAccessBlock(c.getBlockPublicAcls(), c.getIgnorePublicAcls(), c.getBlockPublicPolicy(),
          c.getRestrictPublicBuckets());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored public access block", e);
    }
  }

  /** S3 Object Ownership; a bucket without the setting is {@code ObjectWriter}. */
  public enum Ownership { ObjectWriter, BucketOwnerPreferred, BucketOwnerEnforced }

  public static byte[] encodeOwnership(Ownership o) {
    ObjectOwnership p = switch (o) {
      case ObjectWriter -> ObjectOwnership.OBJECT_WRITER;
      case BucketOwnerPreferred -> ObjectOwnership.BUCKET_OWNER_PREFERRED;
      case BucketOwnerEnforced -> ObjectOwnership.BUCKET_OWNER_ENFORCED;
    };
    return OwnershipControlsConfig.newBuilder().setFormatVersion(FORMAT_VERSION).setObjectOwnership(p).build()
        .toByteArray();
  }

  public static Ownership decodeOwnership(byte[] body) {
    try {
      OwnershipControlsConfig c = OwnershipControlsConfig.parseFrom(body);
      check(c.getFormatVersion(), "ownership controls");
      return switch (c.getObjectOwnership()) {
        case BUCKET_OWNER_PREFERRED -> Ownership.BucketOwnerPreferred;
        case BUCKET_OWNER_ENFORCED -> Ownership.BucketOwnerEnforced;
        default -> Ownership.ObjectWriter;
      };
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored ownership controls", e);
    }
  }

  public static byte[] encodeRequesterPays(boolean requesterPays) {
    return io.moraine.proto.config.v1.RequestPaymentConfig.newBuilder().setFormatVersion(FORMAT_VERSION)
        .setRequesterPays(requesterPays).build().toByteArray();
  }

  public static boolean decodeRequesterPays(byte[] body) {
    try {
      var c = io.moraine.proto.config.v1.RequestPaymentConfig.parseFrom(body);
      check(c.getFormatVersion(), "request payment");
      return c.getRequesterPays();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored request payment configuration", e);
    }
  }

  private static void check(int version, String what) {
    if (version != FORMAT_VERSION) {
      throw new IllegalStateException(what + " format version " + version + " is not known here");
    }
  }
}
