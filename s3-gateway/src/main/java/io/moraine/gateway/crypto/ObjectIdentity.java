package io.moraine.gateway.crypto;

/**
 * What a package is bound to (its AAD): the bucket, the key, and the write's instance id — a
 * random id chosen when the object (or the multipart upload) was encrypted, since the S3 version
 * id is assigned only by the commit that follows.
 */
public record ObjectIdentity(String bucket, String key, String instanceId) {
  public ObjectIdentity {
    if (bucket == null || key == null || instanceId == null) {
      throw new IllegalArgumentException("object identity needs bucket, key and instance id: "
          + bucket + ", " + key + ", " + instanceId);
    }
  }
}
