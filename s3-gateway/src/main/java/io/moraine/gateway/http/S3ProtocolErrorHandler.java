package io.moraine.gateway.http;

import io.moraine.gateway.Ids;
import io.moraine.gateway.xml.S3Xml;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the requests Jetty rejects before they reach {@link S3Handler} (a header section over
 * the limit, a malformed request line or header) with S3's error XML and request ids, instead of
 * Jetty's HTML page. S3 answers an oversized header section with 400 RequestHeaderSectionTooLarge;
 * other protocol errors are 400 InvalidRequest; anything 5xx is InternalError.
 */
public final class S3ProtocolErrorHandler extends ErrorHandler {

  private final Ids ids;

  public S3ProtocolErrorHandler(Ids ids) {
    this.ids = ids;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int status = response.getStatus();
    Object attribute = request.getAttribute(ErrorHandler.ERROR_STATUS);
    if (attribute instanceof Integer s) {
      status = s;
    }
    String code;
    String message;
    int answer;
    if (status == 431) {
      answer = 400;
      code = "RequestHeaderSectionTooLarge";
      message = "Your request header section exceeds the maximum allowed size.";
    } else if (status >= 500) {
      answer = 500;
      code = "InternalError";
      message = "We encountered an internal error. Please try again.";
    } else {
      answer = 400;
      code = "InvalidRequest";
      message = "The request could not be parsed.";
    }
    String requestId = ids.requestId();
    String resource = request.getHttpURI() == null ? "/" : request.getHttpURI().getPath();
    byte[] body = S3Xml.render(new S3Xml.ErrorDoc(code, message, resource == null ? "/" : resource, requestId));
    response.setStatus(answer);
    response.getHeaders().put("x-amz-request-id", requestId);
    response.getHeaders().put("x-amz-id-2", ids.hostId());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    return true;
  }
}
