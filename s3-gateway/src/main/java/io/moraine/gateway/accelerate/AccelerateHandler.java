package io.moraine.gateway.accelerate;

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
import io.moraine.gateway.xml.S3XmlRequests;
import io.moraine.gateway.xml.XmlWriter;
import io.moraine.metadata.api.MetadataClient;
import java.io.IOException;
import org.w3c.dom.Element;

/**
 * {@code ?accelerate}: Put/GetBucketAccelerateConfiguration. Enabled or Suspended (never removed
 * once set); buckets whose names hold periods cannot use it, as in S3.
 */
public final class AccelerateHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public AccelerateHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.ACCELERATE;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetAccelerateConfiguration, bucket);
        var state = AccelerateConfigs.decode(b.configs().get(AccelerateConfigs.KIND));
        XmlWriter w = new XmlWriter().startRoot("AccelerateConfiguration");
        state.ifPresent(enabled -> w.element("Status", enabled ? "Enabled" : "Suspended"));
        out.xml(200, w.end("AccelerateConfiguration").toBytes());
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutAccelerateConfiguration, bucket);
        if (bucket.indexOf('.') >= 0) {
          throw new S3Exception(new S3Error.InvalidRequest(
              "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"));
        }
        Element root = S3XmlRequests.parse(Bodies.readSmall(r, MAX_BODY_BYTES), "AccelerateConfiguration");
        String status = null;
        for (Element c : S3XmlRequests.children(root)) {
          if (!S3XmlRequests.localName(c).equals("Status") || status != null) {
            throw new S3Exception(new S3Error.MalformedXML(null));
          }
          status = c.getTextContent().strip();
        }
        if (!"Enabled".equals(status) && !"Suspended".equals(status)) {
          throw new S3Exception(new S3Error.MalformedXML(null));
        }
        metadata.putBucketConfig(bucket, AccelerateConfigs.KIND, AccelerateConfigs.encode(status.equals("Enabled")),
            b.generation());
        out.empty(200);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }
}
