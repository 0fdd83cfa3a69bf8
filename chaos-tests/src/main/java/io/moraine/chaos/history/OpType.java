package io.moraine.chaos.history;

/** What a client operation asked of the store. */
public enum OpType {
  /** GET of one key. */
  READ,
  /** PUT of one key with a unique value. */
  WRITE,
  /** DELETE of one key (the register becomes empty). */
  DELETE,
  /** ListObjectsV2 of a prefix (the op's key). */
  LIST,
  /** CompleteMultipartUpload: the key's register becomes the whole assembled object. */
  MULTIPART_COMPLETE
}
