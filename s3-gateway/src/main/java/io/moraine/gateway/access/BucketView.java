package io.moraine.gateway.access;

import io.moraine.metadata.api.Bucket;
import io.moraine.metadata.api.Subresources;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A bucket with its sub-resources as one request sees them, read at one generation. Decoded
 * configurations are memoized per view, and views are cached per generation ({@link Access}),
 * so a bucket policy is parsed once per change, not once per request.
 */
public final class BucketView {
  private final Bucket bucket;
  private final Subresources configs;
  private final ConcurrentHashMap<String, Optional<?>> decoded = new ConcurrentHashMap<>();

  public BucketView(Bucket bucket, Subresources configs) {
    this.bucket = bucket;
    this.configs = configs;
  }

  public Bucket bucket() {
    return bucket;
  }

  public String name() {
    return bucket.name();
  }

  public String ownerAccountId() {
    return bucket.ownerAccountId();
  }

  public long generation() {
    return bucket.generation();
  }

  public Subresources configs() {
    return configs;
  }

  /** The bucket policy, when it has one (parsed once per generation). */
  public Optional<AccessConfigs.BucketPolicy> policy() {
    return config(AccessConfigs.POLICY, body -> AccessConfigs.decodePolicy(body, name()));
  }

  /** The bucket's own Block Public Access settings (not its account's). */
  public AccessConfigs.PublicAccessBlock publicAccessBlock() {
    return config(AccessConfigs.PUBLIC_ACCESS_BLOCK, AccessConfigs::decodePublicAccessBlock)
        .orElse(AccessConfigs.PublicAccessBlock.NONE);
  }

  /** Whether requesters, not the owner, pay for requests to this bucket. */
  public boolean requesterPays() {
    return config(AccessConfigs.REQUEST_PAYMENT, AccessConfigs::decodeRequesterPays).orElse(false);
  }

  public AccessConfigs.Ownership ownership() {
    return config(AccessConfigs.OWNERSHIP, AccessConfigs::decodeOwnership).orElse(AccessConfigs.Ownership.ObjectWriter);
  }

  /** The stored bucket ACL; empty for a bucket that never had one set (then: owner FULL_CONTROL). */
  public Optional<io.moraine.proto.config.v1.AccessControlList> storedAcl() {
    return config(Acls.KIND, Acls::decode);
  }

  /**
   * The sub-resource {@code kind} decoded by {@code decoder} (each feature owns its format), or
   * empty when the bucket has none. The decoder must be pure: its result is shared by every
   * request that sees this generation.
   */
  @SuppressWarnings("unchecked")
  public <T> Optional<T> config(String kind, Function<byte[], T> decoder) {
    return (Optional<T>) decoded.computeIfAbsent(kind, k -> configs.get(k).map(decoder));
  }
}
