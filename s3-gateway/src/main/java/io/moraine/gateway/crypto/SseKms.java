package io.moraine.gateway.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.moraine.gateway.auth.Identity;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.kms.CiphertextBlob;
import io.moraine.gateway.kms.Kms;
import io.moraine.gateway.kms.KmsException;
import io.moraine.proto.meta.v1.EncryptionRecord;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.InstantSource;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * SSE-KMS (EncryptionRecord mode 2) through the built-in {@link Kms}, as S3 uses AWS KMS.
 *
 * <p>Without a bucket key, each object's data key comes from one GenerateDataKey (the caller needs
 * kms:GenerateDataKey) with the context {@code {"aws:s3:arn": "arn:aws:s3:::BUCKET/KEY"}} plus the
 * request's {@code x-amz-server-side-encryption-context}; the record keeps the blob, and each read
 * is one Decrypt (kms:Decrypt; a disabled key refuses). With an S3 Bucket Key, one GenerateDataKey
 * under the context {@code {"aws:s3:arn": "arn:aws:s3:::BUCKET"}} makes a bucket-level key that
 * this gateway keeps for {@link #BUCKET_KEY_MILLIS} per (bucket, KMS key, caller, context); each
 * object gets a random data key wrapped by it ({@code "sse-kms-bucket:INSTANCE_ID"}), so a PUT calls
 * the KMS once per interval, and every use is still written to the audit log.
 *
 * <p>Reads: the request-level check ({@link #open(S3Request, EncryptionRecord)}) decrypts through
 * the KMS and keeps the object's data key for {@link #READ_MILLIS}, so the data path that follows
 * on other threads finds it by the record's instance id ({@link #opened}); nothing reaches it without
 * that check first.
 */
public final class SseKms {
  public static final String AWS_KMS = "aws:kms";
  public static final String KEY_ID_HEADER = "x-amz-server-side-encryption-aws-kms-key-id";
  public static final String CONTEXT_HEADER = "x-amz-server-side-encryption-context";
  public static final String BUCKET_KEY_HEADER = "x-amz-server-side-encryption-bucket-key-enabled";
  /** How long a bucket-level key is reused (real time; AWS: "a time-limited bucket-level key"). */
  public static final long BUCKET_KEY_MILLIS = 5 * 60_000;
  static final long READ_MILLIS = 10 * 60_000;
  private static final int MAX_CACHED = 10_000;
  private static final String ARN_KEY = "aws:s3:arn";
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Cached(Kms.DataKey key, long expiresMillis) {}

  private record Opened(byte[] dataKey, long expiresMillis) {}

  private final Kms kms;
  private final RandomGenerator random;
  private final InstantSource clock;
  private final ConcurrentHashMap<String, Cached> bucketKeys = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Opened> opened = new ConcurrentHashMap<>();

  public SseKms(Kms kms, RandomGenerator random, InstantSource clock) {
    this.kms = kms;
    this.random = random;
    this.clock = clock;
  }

  /** A fresh SSE-KMS encryption for a write to {@code r.bucket()/r.key()} under {@code keyId} (empty: alias/aws/s3). */
  public Sse.Sealed seal(S3Request r, String keyId, boolean bucketKey) {
    Identity caller = caller(r);
    Map<String, String> context = requestContext(r);
    byte[] nonceBase = new byte[PackageFormat.NONCE_BYTES];
    random.nextBytes(nonceBase);
    byte[] instance = new byte[16];
    random.nextBytes(instance);
    String instanceId = HexFormat.of().formatHex(instance);
    String objectArn = "arn:aws:s3:::" + r.bucket() + "/" + r.key();
    EncryptionRecord.Builder record = EncryptionRecord.newBuilder().setFormatVersion(PackageFormat.FORMAT_VERSION)
        .setMode(Sse.MODE_SSE_KMS).setNonceBase(ByteString.copyFrom(nonceBase)).setInstanceId(instanceId);
    byte[] dataKey;
    try {
      if (bucketKey) {
        String bucketArn = "arn:aws:s3:::" + r.bucket();
        context.put(ARN_KEY, bucketArn);
        Kms.DataKey bk = bucketKey(caller, keyId, context, bucketArn, objectArn);
        dataKey = new byte[PackageFormat.KEY_BYTES];
        random.nextBytes(dataKey);
        record.setWrappedDataKey(ByteString.copyFrom(KeyWrap.wrap(bk.plaintext(), dataKey, purpose(instanceId), random)))
            .setKmsKeyArn(bk.keyArn()).setKmsCiphertextBlob(ByteString.copyFrom(bk.ciphertextBlob()))
            .setBucketKeyEnabled(true);
      } else {
        context.put(ARN_KEY, objectArn);
        Kms.DataKey dk = kms.generateDataKey(caller, keyId, context, objectArn);
        dataKey = dk.plaintext();
        record.setKmsKeyArn(dk.keyArn()).setKmsCiphertextBlob(ByteString.copyFrom(dk.ciphertextBlob()));
      }
    } catch (KmsException e) {
      throw map(e);
    }
    record.setKmsEncryptionContext(CiphertextBlob.canonical(context));
    return new Sse.Sealed(record.build(), dataKey);
  }

  private Kms.DataKey bucketKey(Identity caller, String keyId, Map<String, String> context, String bucketArn,
      String objectArn) throws KmsException {
    String cacheKey = bucketArn + "\0" + keyId + "\0" + caller.caller().arn() + "\0" + CiphertextBlob.canonical(context);
    long now = clock.millis();
    Cached c = bucketKeys.get(cacheKey);
    if (c != null && c.expiresMillis() > now) {
      kms.recordCachedUse(caller, c.key().keyArn(), "GenerateDataKey", objectArn);
      return c.key();
    }
    Kms.DataKey fresh = kms.generateDataKey(caller, keyId, context, objectArn);
    if (bucketKeys.size() >= MAX_CACHED) {
      bucketKeys.values().removeIf(x -> x.expiresMillis() <= now);
    }
    bucketKeys.put(cacheKey, new Cached(fresh, now + BUCKET_KEY_MILLIS));
    return fresh;
  }

  /** The request-level read check: kms:Decrypt for the caller, the key enabled; the data key. */
  public Sse.Sealed open(S3Request r, EncryptionRecord record) {
    Identity caller = caller(r);
    Map<String, String> context = parse(record.getKmsEncryptionContext());
    String resource = context.getOrDefault(ARN_KEY, "-");
    byte[] plain;
    try {
      plain = kms.decrypt(caller, record.getKmsCiphertextBlob().toByteArray(), context, resource);
    } catch (KmsException e) {
      throw map(e);
    }
    byte[] dataKey = plain;
    if (record.getBucketKeyEnabled()) {
      try {
        dataKey = KeyWrap.unwrap(plain, record.getWrappedDataKey().toByteArray(), purpose(record.getInstanceId()));
      } catch (GeneralSecurityException e) {
        throw new TamperedPackageException("the data key of instance " + record.getInstanceId()
            + " does not unwrap with its bucket key");
      }
    }
    long now = clock.millis();
    if (opened.size() >= MAX_CACHED) {
      opened.values().removeIf(x -> x.expiresMillis() <= now);
    }
    opened.put(record.getInstanceId(), new Opened(dataKey, now + READ_MILLIS));
    return new Sse.Sealed(record, dataKey);
  }

  /** The data key a request-level check opened for this record (the data path after {@link #open}). */
  Sse.Sealed opened(EncryptionRecord record) {
    Opened o = opened.get(record.getInstanceId());
    if (o == null || o.expiresMillis() <= clock.millis()) {
      throw new IllegalStateException("SSE-KMS instance " + record.getInstanceId()
          + " read without the request-level Decrypt check (Sse.open with the request)");
    }
    return new Sse.Sealed(record, o.dataKey());
  }

  /** The full ARN of a key as a request names it (checking it exists), for a bucket default. */
  public String resolveArn(S3Request r, String keyId) {
    try {
      return kms.resolveArn(caller(r), keyId);
    } catch (KmsException e) {
      throw map(e);
    }
  }

  static String purpose(String instanceId) {
    return "sse-kms-bucket:" + instanceId;
  }

  private static Identity caller(S3Request r) {
    Identity id = r.principal() == null ? null : r.principal().identity();
    if (id == null) {
      throw new S3Exception(new S3Error.AccessDenied(null));
    }
    return id;
  }

  /** The request's x-amz-server-side-encryption-context: base64 of a JSON object of strings. */
  private static Map<String, String> requestContext(S3Request r) {
    Map<String, String> out = new LinkedHashMap<>();
    var header = r.header(CONTEXT_HEADER);
    if (header.isEmpty()) {
      return out;
    }
    try {
      out.putAll(parse(new String(Base64.getDecoder().decode(header.get().strip()), StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      throw new S3Exception(new S3Error.InvalidArgument("The header 'x-amz-server-side-encryption-context' shall be "
          + "Base64-encoded UTF-8 string holding JSON which represents a string-string map"));
    }
    if (out.containsKey(ARN_KEY)) {
      throw new S3Exception(new S3Error.InvalidArgument("Encryption context keys cannot start with 'aws:'"));
    }
    return out;
  }

  private static Map<String, String> parse(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    if (json.isEmpty()) {
      return out;
    }
    try {
      JsonNode n = JSON.readTree(json);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException("not an object");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual()) {
          throw new IllegalArgumentException("not a string");
        }
        out.put(e.getKey(), e.getValue().asText());
      }
      return out;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }

  /** The header S3 echoes: the context the caller gave, without the aws:s3:arn S3 adds. */
  static String echoedContext(EncryptionRecord record) {
    Map<String, String> ctx = parse(record.getKmsEncryptionContext());
    ctx.remove(ARN_KEY);
    return ctx.isEmpty() ? null
        : Base64.getEncoder().encodeToString(CiphertextBlob.canonical(ctx).getBytes(StandardCharsets.UTF_8));
  }

  /** A KMS refusal as S3 reports it: AccessDenied 403, else KMS.TYPE with KMS's status. */
  public static S3Exception map(KmsException e) {
    if (e.code() == KmsException.Code.ACCESS_DENIED) {
      return new S3Exception(new S3Error.AccessDenied(e.getMessage()));
    }
    return new S3Exception(new S3Error.KmsFailure("KMS." + e.code().type(), e.code().status(), e.getMessage()));
  }
}
