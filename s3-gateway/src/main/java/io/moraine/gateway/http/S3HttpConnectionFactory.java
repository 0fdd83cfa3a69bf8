package io.moraine.gateway.http;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 connections that serve a request whose {@code Expect} header asks for anything but
 * {@code 100-continue} as if it had none, as S3 does (issue 12 item 4); Jetty would answer such a
 * request 417/400 before any handler sees it (RFC 9110 allows either). {@code 100-continue} keeps
 * its meaning. The header still reaches the handler under its own name and value, so a request
 * that signed it verifies.
 *
 * <p>How: the field is handed on without its well-known {@link HttpHeader} identity, which is
 * what Jetty's stream keys its expectation handling on. This reaches into Jetty's
 * {@code internal.HttpConnection} (its request handler is the documented extension point of that
 * class); {@code ConformanceGapsTest.anExpectationOtherThan100ContinueIsIgnored} pins it across
 * Jetty upgrades.
 */
public final class S3HttpConnectionFactory extends HttpConnectionFactory {

  public S3HttpConnectionFactory(HttpConfiguration config) {
    super(config);
  }

  @Override
  public Connection newConnection(Connector connector, EndPoint endPoint) {
    HttpConnection connection = new ExpectationAwareConnection(getHttpConfiguration(), connector, endPoint);
    connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
    return configure(connection, connector, endPoint);
  }

  /** True when a comma-separated Expect value names 100-continue (case-insensitively). */
  static boolean asksForContinue(String value) {
    if (value == null) {
      return false;
    }
    for (String token : value.split(",")) {
      if (token.strip().equalsIgnoreCase("100-continue")) {
        return true;
      }
    }
    return false;
  }

  /** Jetty's connection with a request handler that strips unknown expectations of their meaning. */
  private static final class ExpectationAwareConnection extends HttpConnection {
    ExpectationAwareConnection(HttpConfiguration config, Connector connector, EndPoint endPoint) {
      super(config, connector, endPoint);
    }

    @Override
    protected RequestHandler newRequestHandler() {
      return new ExpectationFilter();
    }

    private final class ExpectationFilter extends RequestHandler {
      @Override
      public void parsedHeader(HttpField field) {
        if (field.getHeader() == HttpHeader.EXPECT && !asksForContinue(field.getValue())) {
          super.parsedHeader(new HttpField((HttpHeader) null, field.getName(), field.getValue()));
          return;
        }
        super.parsedHeader(field);
      }
    }
  }
}
