package io.moraine.gateway.http;

import io.moraine.gateway.bucket.BucketApi;
import io.moraine.gateway.cors.Cors;
import io.moraine.gateway.list.ListApi;
import io.moraine.gateway.multipart.MultipartApi;
import io.moraine.gateway.object.ObjectApi;
import io.moraine.gateway.publicaccess.AccountPublicAccessBlockApi;
import io.moraine.gateway.version.VersioningApi;
import io.moraine.gateway.website.WebsiteEndpoint;
import java.util.List;

/**
 * Everything {@link S3Handler} dispatches to, assembled once in the gateway's composition root:
 * the core S3 APIs, the sub-resource handlers, the other AWS services on the listener, the
 * response decorators, and the CORS preflight and website endpoints.
 */
public record Apis(BucketApi buckets, ObjectApi objects, ListApi lists, MultipartApi multipart,
    VersioningApi versioning, SubresourceHandlers subresources, List<ServiceApi> services,
    AccountPublicAccessBlockApi accountPublicAccessBlock, Cors cors, List<ResponseDecorator> decorators,
    WebsiteEndpoint website, io.moraine.gateway.accelerate.AccelerateEndpoint accelerate,
    io.moraine.gateway.post.PostObjectApi postObject) {

  public Apis {
    services = List.copyOf(services);
    decorators = List.copyOf(decorators);
  }
}
