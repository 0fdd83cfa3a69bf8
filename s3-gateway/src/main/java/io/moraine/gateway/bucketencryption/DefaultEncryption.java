package io.moraine.gateway.bucketencryption;

import com.google.protobuf.InvalidProtocolBufferException;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.crypto.Sse;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.proto.config.v1.BucketEncryptionConfig;
import java.util.List;
import java.util.Optional;
import org.w3c.dom.Element;

/**
 * A bucket's default encryption (PutBucketEncryption's ServerSideEncryptionConfiguration), stored as
 * moraine.config.v1.BucketEncryptionConfig format 1 under kind {@value #KIND}. Writes that name no
 * {@code x-amz-server-side-encryption} are encrypted as it says ({@link #appliesTo}).
 *
 * <p>Unlike AWS S3 since January 2023, a bucket without a configuration stores plaintext (as MinIO
 * and Ceph RGW do): encryption costs CPU on every byte, so it is the operator's or the bucket owner's
 * choice. GetBucketEncryption then answers 404 ServerSideEncryptionConfigurationNotFoundError, as S3
 * did before.
 */
public final class DefaultEncryption {
  public static final String KIND = "encryption";
  private static final int FORMAT_VERSION = 1;
  private static final List<String> ALGORITHMS = List.of(Sse.AES256, "aws:kms", "aws:kms:dsse");

  private DefaultEncryption() {}

  /** Whether a write to {@code bucket} that asked for nothing is to be encrypted with SSE-S3. */
  public static boolean appliesTo(BucketView bucket) {
    return bucket.config(KIND, DefaultEncryption::decode).map(c -> c.getSseAlgorithm().equals(Sse.AES256)).orElse(false);
  }

  /** The bucket's default encryption, if it has one. */
  public static java.util.Optional<BucketEncryptionConfig> of(BucketView bucket) {
    return bucket.config(KIND, DefaultEncryption::decode);
  }

  static BucketEncryptionConfig decode(byte[] body) {
    try {
      BucketEncryptionConfig c = BucketEncryptionConfig.parseFrom(body);
      if (c.getFormatVersion() != FORMAT_VERSION) {
        throw new IllegalStateException("bucket encryption format version " + c.getFormatVersion() + " is not known here");
      }
      return c;
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("corrupt stored bucket encryption configuration", e);
    }
  }

  /**
   * The request body of PutBucketEncryption. S3's rules: exactly one Rule; SSEAlgorithm one of
   * AES256, aws:kms, aws:kms:dsse (else MalformedXML, as S3 answers an unknown enum value);
   * KMSMasterKeyID only with aws:kms (InvalidArgument). SSE-KMS is refused with 501 until the
   * built-in KMS exists, rather than stored and then failing every write.
   */
  static BucketEncryptionConfig parse(byte[] xml) {
    Element root = S3XmlRequests.parse(xml, "ServerSideEncryptionConfiguration");
    List<Element> rules = S3XmlRequests.children(root);
    if (rules.size() != 1 || !S3XmlRequests.localName(rules.get(0)).equals("Rule")) {
      throw new S3Exception(new S3Error.MalformedXML(null));
    }
    String algorithm = null;
    String keyId = null;
    Optional<Boolean> bucketKey = Optional.empty();
    for (Element c : S3XmlRequests.children(rules.get(0))) {
      switch (S3XmlRequests.localName(c)) {
        case "ApplyServerSideEncryptionByDefault" -> {
          if (algorithm != null) {
            throw new S3Exception(new S3Error.MalformedXML(null));
          }
          for (Element d : S3XmlRequests.children(c)) {
            switch (S3XmlRequests.localName(d)) {
              case "SSEAlgorithm" -> algorithm = d.getTextContent().strip();
              case "KMSMasterKeyID" -> keyId = d.getTextContent().strip();
              default -> throw new S3Exception(new S3Error.MalformedXML(null));
            }
          }
          if (algorithm == null) {
            throw new S3Exception(new S3Error.MalformedXML(null));
          }
        }
        case "BucketKeyEnabled" -> {
          String v = c.getTextContent().strip();
          if (!v.equals("true") && !v.equals("false")) {
            throw new S3Exception(new S3Error.MalformedXML(null));
          }
          bucketKey = Optional.of(v.equals("true"));
        }
        default -> throw new S3Exception(new S3Error.MalformedXML(null));
      }
    }
    if (algorithm == null || !ALGORITHMS.contains(algorithm)) {
      throw new S3Exception(new S3Error.MalformedXML(null));
    }
    if (keyId != null && algorithm.equals(Sse.AES256)) {
      throw new S3Exception(new S3Error.InvalidArgument(
          "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse"));
    }
    if (algorithm.equals("aws:kms:dsse")) {
      throw new S3Exception(new S3Error.NotImplemented("DSSE-KMS is not implemented"));
    }
    return BucketEncryptionConfig.newBuilder().setFormatVersion(FORMAT_VERSION).setSseAlgorithm(algorithm)
        .setKmsMasterKeyId(keyId == null ? "" : keyId).setBucketKeyEnabled(bucketKey.orElse(false)).build();
  }

  static byte[] render(BucketEncryptionConfig c) {
    XmlWriter w = new XmlWriter().startRoot("ServerSideEncryptionConfiguration").start("Rule")
        .start("ApplyServerSideEncryptionByDefault").element("SSEAlgorithm", c.getSseAlgorithm());
    if (!c.getKmsMasterKeyId().isEmpty()) {
      w.element("KMSMasterKeyID", c.getKmsMasterKeyId());
    }
    return w.end("ApplyServerSideEncryptionByDefault").element("BucketKeyEnabled", Boolean.toString(c.getBucketKeyEnabled()))
        .end("Rule").end("ServerSideEncryptionConfiguration").toBytes();
  }
}
