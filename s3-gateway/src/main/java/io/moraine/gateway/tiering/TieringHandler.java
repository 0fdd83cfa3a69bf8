package io.moraine.gateway.tiering;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.BucketView;
import io.moraine.gateway.access.S3Action;
import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import io.moraine.gateway.http.Bodies;
import io.moraine.gateway.http.S3Request;
import io.moraine.gateway.http.S3Response;
import io.moraine.gateway.http.Subresource;
import io.moraine.gateway.http.SubresourceHandler;
import io.moraine.metadata.api.MetadataClient;
import io.moraine.proto.config.v1.IntelligentTieringConfiguration;
import io.moraine.proto.config.v1.IntelligentTieringConfigurations;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * {@code ?intelligent-tiering}: Put/Get/Delete BucketIntelligentTieringConfiguration (with
 * {@code id}) and ListBucketIntelligentTieringConfigurations (without). Every configuration of a
 * bucket is one stored record (kind {@value TieringRules#KIND}); a change is conditional on the
 * bucket generation it read, so two concurrent puts of different ids never lose one another (the
 * loser gets OperationAborted and retries, as S3's 409 invites). Permissions as S3's:
 * s3:PutIntelligentTieringConfiguration for Put and Delete, s3:GetIntelligentTieringConfiguration
 * for Get and List.
 */
public final class TieringHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 64 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public TieringHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.INTELLIGENT_TIERING;
  }

  private static Optional<IntelligentTieringConfigurations> stored(BucketView b) {
    return b.config(TieringRules.KIND, TieringRules::decode);
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    Optional<String> idParam = r.query("id");
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetIntelligentTieringConfiguration, bucket);
        List<IntelligentTieringConfiguration> all = stored(b)
            .map(IntelligentTieringConfigurations::getConfigurationsList).orElse(List.of());
        if (idParam.isEmpty()) {
          String token = r.query("continuation-token").orElse("");
          out.xml(200, TieringRules.renderList(all, token, TieringRules.afterId(token)));
          return;
        }
        String id = idParam.get();
        IntelligentTieringConfiguration c = all.stream().filter(x -> x.getId().equals(id)).findFirst()
            .orElseThrow(() -> new S3Exception(new S3Error.NoSuchConfiguration(null)));
        out.xml(200, TieringRules.renderXml(c));
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutIntelligentTieringConfiguration, bucket);
        String id = TieringRules.checkId(idParam);
        IntelligentTieringConfiguration c = TieringRules.parseXml(Bodies.readSmall(r, MAX_BODY_BYTES), id);
        IntelligentTieringConfigurations next = TieringRules.put(stored(b), c);
        metadata.putBucketConfig(bucket, TieringRules.KIND, next.toByteArray(), b.generation());
        out.empty(200);
      }
      case "DELETE" -> {
        BucketView b = access.bucket(r, S3Action.PutIntelligentTieringConfiguration, bucket);
        String id = TieringRules.checkId(idParam);
        IntelligentTieringConfigurations all = stored(b)
            .filter(x -> x.getConfigurationsList().stream().anyMatch(c -> c.getId().equals(id)))
            .orElseThrow(() -> new S3Exception(new S3Error.NoSuchConfiguration(null)));
        IntelligentTieringConfigurations rest = TieringRules.remove(all, id);
        if (rest.getConfigurationsCount() == 0) {
          metadata.deleteBucketConfig(bucket, TieringRules.KIND, b.generation());
        } else {
          metadata.putBucketConfig(bucket, TieringRules.KIND, rest.toByteArray(), b.generation());
        }
        out.empty(204);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }
}
