package io.moraine.gateway.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.moraine.gateway.error.S3Exception;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact response documents, element order as in the S3 API reference examples. */
class S3XmlGoldenTest {
  static final String DECL = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  static final String NS = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
  static final long T = 1_255_369_830_000L; // 2009-10-12T17:50:30Z

  static String s(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void error() {
    assertThat(s(S3Xml.render(new S3Xml.ErrorDoc("NoSuchKey", "The resource you requested does not exist",
        "/mybucket/myfoto.jpg", "4442587FB7D0A2F9")))).isEqualTo(DECL
        + "<Error><Code>NoSuchKey</Code><Message>The resource you requested does not exist</Message>"
        + "<Resource>/mybucket/myfoto.jpg</Resource><RequestId>4442587FB7D0A2F9</RequestId></Error>");
  }

  @Test
  void listBuckets() {
    assertThat(s(S3Xml.render(new S3Xml.ListAllMyBucketsResult(new S3Xml.Owner("abc123", "root"),
        List.of(new S3Xml.BucketEntry("quotes", T), new S3Xml.BucketEntry("samples", T + 1)))))).isEqualTo(DECL
        + "<ListAllMyBucketsResult " + NS + "><Owner><ID>abc123</ID><DisplayName>root</DisplayName></Owner>"
        + "<Buckets><Bucket><Name>quotes</Name><CreationDate>2009-10-12T17:50:30.000Z</CreationDate></Bucket>"
        + "<Bucket><Name>samples</Name><CreationDate>2009-10-12T17:50:30.001Z</CreationDate></Bucket></Buckets>"
        + "</ListAllMyBucketsResult>");
  }

  @Test
  void listObjectsV2WithPrefixesAndToken() {
    String xml = s(S3Xml.render(new S3Xml.ListBucketResultV2("bucket", "", "/", 2, null, 2, true, null, "dG9rZW4",
        null, List.of(new S3Xml.Contents("a&b.txt", T, "\"599bab3ed2c697f1d26842727561fd94\"", 142863, "STANDARD", null)),
        List.of("photos/"))));
    assertThat(xml).isEqualTo(DECL + "<ListBucketResult " + NS + "><Name>bucket</Name><Prefix></Prefix>"
        + "<Delimiter>/</Delimiter><MaxKeys>2</MaxKeys><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>"
        + "<NextContinuationToken>dG9rZW4</NextContinuationToken>"
        + "<Contents><Key>a&amp;b.txt</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>"
        + "<ETag>&quot;599bab3ed2c697f1d26842727561fd94&quot;</ETag><Size>142863</Size>"
        + "<StorageClass>STANDARD</StorageClass></Contents>"
        + "<CommonPrefixes><Prefix>photos/</Prefix></CommonPrefixes></ListBucketResult>");
  }

  @Test
  void listObjectsV1WithOwner() {
    String xml = s(S3Xml.render(new S3Xml.ListBucketResultV1("bucket", "", "", null, 1000, null, null, false,
        List.of(new S3Xml.Contents("k", T, "\"e\"", 1, "STANDARD", new S3Xml.Owner("id", "name"))), List.of())));
    assertThat(xml).isEqualTo(DECL + "<ListBucketResult " + NS + "><Name>bucket</Name><Prefix></Prefix>"
        + "<Marker></Marker><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>"
        + "<Contents><Key>k</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>&quot;e&quot;</ETag>"
        + "<Size>1</Size><Owner><ID>id</ID><DisplayName>name</DisplayName></Owner><StorageClass>STANDARD</StorageClass>"
        + "</Contents></ListBucketResult>");
  }

  @Test
  void multipartDocuments() {
    assertThat(s(S3Xml.render(new S3Xml.InitiateMultipartUploadResult("example-bucket", "example-object", "VXBsb2FkIElE"))))
        .isEqualTo(DECL + "<InitiateMultipartUploadResult " + NS + "><Bucket>example-bucket</Bucket>"
            + "<Key>example-object</Key><UploadId>VXBsb2FkIElE</UploadId></InitiateMultipartUploadResult>");
    assertThat(s(S3Xml.render(new S3Xml.CompleteMultipartUploadResult("http://h/b/k", "b", "k", "\"3858f62230ac3c915f300c664312c11f-9\""))))
        .isEqualTo(DECL + "<CompleteMultipartUploadResult " + NS + "><Location>http://h/b/k</Location>"
            + "<Bucket>b</Bucket><Key>k</Key><ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>"
            + "</CompleteMultipartUploadResult>");
  }

  @Test
  void location() {
    assertThat(s(S3Xml.renderLocation(""))).isEqualTo(DECL + "<LocationConstraint " + NS + "/>");
    assertThat(s(S3Xml.renderLocation("eu-west-1"))).isEqualTo(DECL + "<LocationConstraint " + NS + ">eu-west-1</LocationConstraint>");
  }

  @Test
  void deleteResult() {
    assertThat(s(S3Xml.render(new S3Xml.DeleteResult(List.of(new S3Xml.Deleted("a")),
        List.of(new S3Xml.DeleteError("b", "AccessDenied", "Access Denied")))))).isEqualTo(DECL
        + "<DeleteResult " + NS + "><Deleted><Key>a</Key></Deleted>"
        + "<Error><Key>b</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>");
  }

  @Test
  void requestsParseAndRejectMalformedXml() {
    byte[] delete = ("<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Quiet>true</Quiet>"
        + "<Object><Key>a b</Key></Object><Object><Key>c</Key><VersionId>null</VersionId></Object></Delete>")
        .getBytes(StandardCharsets.UTF_8);
    var parsed = S3XmlRequests.parseDelete(delete);
    assertThat(parsed.quiet()).isTrue();
    assertThat(parsed.objects()).extracting(S3XmlRequests.ObjectIdentifier::key).containsExactly("a b", "c");
    assertThat(S3XmlRequests.parseCompleteMultipartUpload(("<CompleteMultipartUpload><Part><ETag>\"x\"</ETag>"
        + "<PartNumber>1</PartNumber></Part></CompleteMultipartUpload>").getBytes(StandardCharsets.UTF_8)))
        .containsExactly(new S3XmlRequests.CompletePart(1, "\"x\""));
    assertThat(S3XmlRequests.parseCompleteMultipartUpload(("<CompleteMultipartUpload><Part><ETag>e</ETag>"
        + "<ChecksumCRC32C>AAAAAA==</ChecksumCRC32C><ChecksumCRC64NVME>BBBBBBBBBBB=</ChecksumCRC64NVME>"
        + "<PartNumber>2</PartNumber></Part></CompleteMultipartUpload>").getBytes(StandardCharsets.UTF_8)).get(0).checksums())
        .containsExactly(java.util.Map.entry("x-amz-checksum-crc32c", "AAAAAA=="),
            java.util.Map.entry("x-amz-checksum-crc64nvme", "BBBBBBBBBBB="));
    assertThat(S3XmlRequests.parseCreateBucketConfiguration(("<CreateBucketConfiguration><LocationConstraint>"
        + "us-east-1</LocationConstraint></CreateBucketConfiguration>").getBytes(StandardCharsets.UTF_8))).contains("us-east-1");
    for (String bad : List.of("<Delete>", "<Other/>", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><Delete>&e;</Delete>",
        "<Delete></Delete>")) {
      assertThatThrownBy(() -> S3XmlRequests.parseDelete(bad.getBytes(StandardCharsets.UTF_8)))
          .as(bad).isInstanceOf(S3Exception.class);
    }
  }
}
