package io.moraine.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.gateway.auth.AwsUris;
import io.moraine.gateway.auth.SignedRequest;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing of sub-resource requests (S3 API reference: each ?sub-resource is its own operation). */
class RouterTest {

  static S3Operation route(String method, String bucket, String key, String query) {
    String path = "/" + (bucket == null ? "" : bucket + (key == null ? "" : "/" + key));
    SignedRequest signed = new SignedRequest(method, path, path, AwsUris.parseQuery(query), Map.of());
    return Router.route(new S3Request(signed, bucket, key, InputStream.nullInputStream(), "r1"));
  }

  @Test
  void everySubresourceRoutesToItsHandlerOnTheLevelsS3DefinesItOn() {
    for (Subresource s : Subresource.values()) {
      for (String method : new String[] {"GET", "PUT", "DELETE", "POST"}) {
        S3Operation onBucket = route(method, "b", null, s.query());
        S3Operation onObject = route(method, "b", "k", s.query() + "&versionId=v");
        assertThat(onBucket).isEqualTo(s.onBucket() ? new S3Operation.BucketSubresource("b", s, method)
            : new S3Operation.Unsupported("?" + s.query()));
        assertThat(onObject).isEqualTo(s.onObject() ? new S3Operation.ObjectSubresource("b", "k", s, method)
            : new S3Operation.Unsupported("?" + s.query()));
      }
    }
  }

  @Test
  void aSubresourceWithAValueOrIdStillRoutesToIt() {
    assertThat(route("GET", "b", null, "inventory&id=report1"))
        .isEqualTo(new S3Operation.BucketSubresource("b", Subresource.INVENTORY, "GET"));
    assertThat(route("GET", "b", null, "list-type=2&prefix=acl")).isEqualTo(new S3Operation.ListObjectsV2("b"));
    assertThat(route("GET", "b", "k", "")).isEqualTo(new S3Operation.GetObject("b", "k"));
  }
}
