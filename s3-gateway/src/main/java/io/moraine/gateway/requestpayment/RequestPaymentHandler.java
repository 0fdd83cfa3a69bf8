package io.moraine.gateway.requestpayment;

import io.moraine.gateway.access.Access;
import io.moraine.gateway.access.AccessConfigs;
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
 * {@code ?requestPayment}: Put/GetBucketRequestPayment ({@code Payer} BucketOwner or
 * Requester). Enforcement is part of authorization ({@link Access}); the
 * {@code x-amz-request-charged} response header is added by {@link RequesterPays}.
 */
public final class RequestPaymentHandler implements SubresourceHandler {
  private static final int MAX_BODY_BYTES = 16 * 1024;

  private final MetadataClient metadata;
  private final Access access;

  public RequestPaymentHandler(MetadataClient metadata, Access access) {
    this.metadata = metadata;
    this.access = access;
  }

  @Override
  public Subresource subresource() {
    return Subresource.REQUEST_PAYMENT;
  }

  @Override
  public void onBucket(String method, S3Request r, S3Response out, String bucket) throws IOException {
    switch (method) {
      case "GET" -> {
        BucketView b = access.bucket(r, S3Action.GetBucketRequestPayment, bucket);
        out.xml(200, new XmlWriter().startRoot("RequestPaymentConfiguration")
            .element("Payer", b.requesterPays() ? "Requester" : "BucketOwner").end("RequestPaymentConfiguration").toBytes());
      }
      case "PUT" -> {
        BucketView b = access.bucket(r, S3Action.PutBucketRequestPayment, bucket);
        Element root = S3XmlRequests.parse(Bodies.readSmall(r, MAX_BODY_BYTES), "RequestPaymentConfiguration");
        String payer = null;
        for (Element c : S3XmlRequests.children(root)) {
          if (!S3XmlRequests.localName(c).equals("Payer") || payer != null) {
            throw new S3Exception(new S3Error.MalformedXML(null));
          }
          payer = c.getTextContent().strip();
        }
        if (!"Requester".equals(payer) && !"BucketOwner".equals(payer)) {
          throw new S3Exception(new S3Error.MalformedXML(null));
        }
        metadata.putBucketConfig(bucket, AccessConfigs.REQUEST_PAYMENT,
            AccessConfigs.encodeRequesterPays(payer.equals("Requester")), b.generation());
        out.empty(200);
      }
      default -> throw new S3Exception(new S3Error.MethodNotAllowed(null));
    }
  }
}
