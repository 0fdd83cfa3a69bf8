package io.moraine.gateway;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.http.ServiceApi;
import io.moraine.gateway.http.SubresourceHandlers;
import io.moraine.metadata.api.MetadataClient;
import java.time.InstantSource;
import java.util.List;

/**
 * The sub-resource handlers and other service APIs of the gateway, one line per feature: the
 * place a new S3 sub-resource or AWS API is wired in (its handler lives in its own package).
 */
final class Features {
  private Features() {}

  static SubresourceHandlers subresources(MetadataClient metadata, Access access, GatewayConfig config,
      InstantSource clock, io.moraine.gateway.data.ObjectData data, java.util.concurrent.ExecutorService threads,
      Ids ids) {
    return new SubresourceHandlers()
        .register(new io.moraine.gateway.acl.AclHandler(metadata, access))
        .register(new io.moraine.gateway.bucketpolicy.BucketPolicyHandler(metadata, access))
        .register(new io.moraine.gateway.bucketpolicy.PolicyStatusHandler(access))
        .register(new io.moraine.gateway.publicaccess.PublicAccessBlockHandler(metadata, access))
        .register(new io.moraine.gateway.ownership.OwnershipControlsHandler(metadata, access))
        .register(new io.moraine.gateway.tagging.TaggingHandler(metadata, access))
        .register(new io.moraine.gateway.cors.CorsHandler(metadata, access))
        .register(new io.moraine.gateway.lifecycle.LifecycleHandler(metadata, access, ids))
        .register(new io.moraine.gateway.tiering.TieringHandler(metadata, access))
        .register(new io.moraine.gateway.requestpayment.RequestPaymentHandler(metadata, access))
        .register(new io.moraine.gateway.website.WebsiteHandler(metadata, access))
        .register(new io.moraine.gateway.accelerate.AccelerateHandler(metadata, access))
        .register(new io.moraine.gateway.bucketencryption.BucketEncryptionHandler(metadata, access, data.sse()))
        .register(new io.moraine.gateway.torrent.TorrentHandler(metadata, access, data, threads))
        .register(new io.moraine.gateway.notification.NotificationHandler(metadata, access, ids, clock, config.region(),
            io.moraine.gateway.notification.Destinations.standard(java.time.Duration.ofSeconds(5))));
  }

  /** The headers features add to every response (in this order). */
  static List<io.moraine.gateway.http.ResponseDecorator> decorators(Access access, io.moraine.gateway.cors.Cors cors) {
    return List.of(cors, new io.moraine.gateway.requestpayment.RequesterPays(access));
  }

  /** The other AWS APIs answered on the gateway's listener (IAM, STS, KMS), by credential scope service. */
  static List<ServiceApi> services(MetadataClient metadata, Access access, GatewayConfig config, InstantSource clock,
      Ids ids, io.moraine.gateway.kms.KmsKeys kms) {
    return List.of(new io.moraine.gateway.iam.IamApi(metadata, access, ids, clock),
        new io.moraine.gateway.iam.StsApi(metadata, access, ids, clock, config.region()),
        new io.moraine.gateway.kms.KmsApi(kms, access));
  }
}
