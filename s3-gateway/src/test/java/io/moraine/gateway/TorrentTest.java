package io.moraine.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** GetObjectTorrent: a BEP 3 metainfo file with SHA-1 pieces and a BEP 19 web seed, for public objects only. */
class TorrentTest {
  static GatewayFixture fx;
  static S3Client s3;
  static final byte[] DATA = new byte[600_000];

  @BeforeAll
  static void start() throws Exception {
    byte[] root = new byte[32];
    new SplittableRandom(43).nextBytes(root);
    fx = GatewayFixture.start(100, 43, io.moraine.gateway.crypto.RootKey.of(root, new java.security.SecureRandom()));
    s3 = fx.client(GatewayFixture.AK, GatewayFixture.SK);
    new SplittableRandom(7).nextBytes(DATA);
    s3.createBucket(b -> b.bucket("seeds"));
    s3.putObject(b -> b.bucket("seeds").key("dir/big.bin").acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromBytes(DATA));
    s3.putObject(b -> b.bucket("seeds").key("private.bin"), RequestBody.fromBytes(DATA));
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    fx.close();
  }

  /** The value bytes that follow {@code key} ("4:name") in a bencoded dictionary: N:bytes or iNe. */
  static String after(byte[] t, String key) {
    String s = new String(t, StandardCharsets.ISO_8859_1);
    int at = s.indexOf(key.length() + ":" + key) + (key.length() + ":" + key).length();
    if (s.charAt(at) == 'i') {
      return s.substring(at + 1, s.indexOf('e', at));
    }
    int colon = s.indexOf(':', at);
    int len = Integer.parseInt(s.substring(at, colon));
    return s.substring(colon + 1, colon + 1 + len);
  }

  @Test
  void aPublicObjectGetsATorrentWithItsPiecesAndAWebSeed() throws Exception {
    byte[] t = s3.getObjectTorrentAsBytes(b -> b.bucket("seeds").key("dir/big.bin")).asByteArray();
    assertThat(after(t, "name")).isEqualTo("big.bin");
    assertThat(after(t, "length")).isEqualTo(Integer.toString(DATA.length));
    int piece = Integer.parseInt(after(t, "piece length"));
    assertThat(piece).isEqualTo(256 * 1024);
    byte[] pieces = after(t, "pieces").getBytes(StandardCharsets.ISO_8859_1);
    int n = (DATA.length + piece - 1) / piece;
    assertThat(pieces).hasSize(20 * n);
    for (int i = 0; i < n; i++) {
      byte[] expected = MessageDigest.getInstance("SHA-1").digest(
          Arrays.copyOfRange(DATA, i * piece, Math.min(DATA.length, (i + 1) * piece)));
      assertThat(Arrays.copyOfRange(pieces, 20 * i, 20 * i + 20)).as("piece " + i).isEqualTo(expected);
    }
    assertThat(new String(t, StandardCharsets.ISO_8859_1)).contains("8:url-listl").contains("/seeds/dir/big.bin");
  }

  /**
   * An encrypted object gets no torrent (S3 offered torrents only for unencrypted objects): its
   * stored bytes are sealed packages, and peers would have to be handed the plaintext's hashes.
   */
  @Test
  void encryptedObjectsGetNone() {
    s3.putObject(b -> b.bucket("seeds").key("sealed.bin").acl(ObjectCannedACL.PUBLIC_READ)
        .serverSideEncryption(software.amazon.awssdk.services.s3.model.ServerSideEncryption.AES256),
        RequestBody.fromBytes(DATA));
    assertThatThrownBy(() -> s3.getObjectTorrentAsBytes(b -> b.bucket("seeds").key("sealed.bin")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRequest");
        });
  }

  @Test
  void privateAndMissingObjectsGetNone() {
    assertThatThrownBy(() -> s3.getObjectTorrentAsBytes(b -> b.bucket("seeds").key("private.bin")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
    assertThatThrownBy(() -> s3.getObjectTorrentAsBytes(b -> b.bucket("seeds").key("nope.bin")))
        .isInstanceOfSatisfying(S3Exception.class, e -> {
          assertThat(e.statusCode()).isEqualTo(404);
          assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NoSuchKey");
        });
  }
}
