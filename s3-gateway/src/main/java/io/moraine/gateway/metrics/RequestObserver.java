package io.moraine.gateway.metrics;

import java.nio.ByteBuffer;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps the S3 handler: counts body bytes in and out, times the first response byte and the
 * end of the response, and when the request ends records it in {@link GatewayMetrics}, writes
 * one JSON line to the request log (logger {@code moraine.s3.access}) and, above the slow
 * threshold, to the slow-request log ({@code moraine.s3.slow}). The handler names what it
 * learned through request attributes ({@link #OPERATION}, {@link #ERROR_CODE}, ...); a request
 * that failed before routing is operation {@code Unknown}.
 */
public final class RequestObserver extends Handler.Wrapper {
  public static final String OPERATION = "moraine.operation";
  public static final String ERROR_CODE = "moraine.errorCode";
  public static final String BUCKET = "moraine.bucket";
  public static final String KEY = "moraine.key";
  public static final String CALLER = "moraine.caller";
  /** The caller's account name; it becomes the payer when the response says the requester is charged. */
  public static final String ACCOUNT = "moraine.account";
  public static final String UNKNOWN_OPERATION = "Unknown";

  static final Logger ACCESS = LoggerFactory.getLogger("moraine.s3.access");
  static final Logger SLOW = LoggerFactory.getLogger("moraine.s3.slow");

  private final GatewayMetrics.Node metrics;
  private final LongSupplier nanoTime;
  private final LongSupplier wallMillis;
  private final long slowNanos;

  /**
   * @param slowRequestMillis requests taking at least this long go to the slow-request log; 0 or
   *     less disables it
   */
  public RequestObserver(Handler handler, GatewayMetrics.Node metrics, long slowRequestMillis, LongSupplier nanoTime,
      LongSupplier wallMillis) {
    super(handler);
    this.metrics = metrics;
    this.nanoTime = nanoTime;
    this.wallMillis = wallMillis;
    this.slowNanos = slowRequestMillis > 0 ? slowRequestMillis * 1_000_000L : Long.MAX_VALUE;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Exchange x = new Exchange(request, nanoTime.getAsLong(), wallMillis.getAsLong());
    CountingResponse counted = new CountingResponse(x, response);
    metrics.inFlight().inc();
    Callback done = new Callback.Nested(callback) {
      @Override
      public void succeeded() {
        x.finish(counted, null);
        super.succeeded();
      }

      @Override
      public void failed(Throwable t) {
        x.finish(counted, t);
        super.failed(t);
      }
    };
    try {
      boolean handled = super.handle(x, counted, done);
      if (!handled) {
        x.finish(counted, null);
      }
      return handled;
    } catch (Throwable t) {
      x.finish(counted, t);
      throw t;
    }
  }

  /** The request as the handler sees it, counting the body bytes it reads. */
  private final class Exchange extends Request.Wrapper {
    final long startNanos;
    final long startMillis;
    volatile long bytesIn;
    volatile long bytesOut;
    volatile long firstByteNanos = -1;
    private boolean finished;

    Exchange(Request request, long startNanos, long startMillis) {
      super(request);
      this.startNanos = startNanos;
      this.startMillis = startMillis;
    }

    @Override
    public Content.Chunk read() {
      Content.Chunk chunk = super.read();
      if (chunk != null) {
        bytesIn += chunk.remaining();
      }
      return chunk;
    }

    void finish(Response response, Throwable failure) {
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
      }
      metrics.inFlight().dec();
      long end = nanoTime.getAsLong();
      int status = failure != null && !response.isCommitted() ? 500 : response.getStatus();
      String operation = attribute(OPERATION);
      if (operation == null) {
        operation = UNKNOWN_OPERATION;
      }
      String errorCode = attribute(ERROR_CODE);
      String bucket = attribute(BUCKET);
      // Requester Pays: the requester accepted the charge and S3 said so on the response.
      String payer = "requester".equals(response.getHeaders().get("x-amz-request-charged")) ? attribute(ACCOUNT) : null;
      long totalNanos = end - startNanos;
      // No write seen (HEAD, an empty body): the headers went out as the response completed.
      long firstNanos = firstByteNanos < 0 ? totalNanos : firstByteNanos - startNanos;
      metrics.record(operation, status, errorCode, bucket, bytesIn, bytesOut, firstNanos / 1e9, totalNanos / 1e9);
      if (payer != null && bucket != null) {
        metrics.recordCharge(payer, bucket, bytesIn, bytesOut);
      }
      boolean slow = totalNanos >= slowNanos;
      if (ACCESS.isInfoEnabled() || slow && SLOW.isWarnEnabled()) {
        String line = RequestLogLine.json(startMillis, response.getHeaders().get("x-amz-request-id"),
            Request.getRemoteAddr(getWrapped()), attribute(CALLER), operation, bucket, attribute(KEY), status, errorCode,
            bytesIn, bytesOut, totalNanos / 1_000_000.0, firstNanos / 1_000_000.0, payer,
            failure == null ? null : failure.toString());
        ACCESS.info(line);
        if (slow) {
          SLOW.warn(line);
        }
      }
    }

    private String attribute(String name) {
      Object v = getAttribute(name);
      return v == null ? null : v.toString();
    }
  }

  /** The response, counting body bytes and noting when the first write (headers) went out. */
  private final class CountingResponse extends Response.Wrapper {
    private final Exchange x;

    CountingResponse(Exchange x, Response response) {
      super(x, response);
      this.x = x;
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      if (x.firstByteNanos < 0) {
        x.firstByteNanos = nanoTime.getAsLong();
      }
      if (content != null) {
        x.bytesOut += content.remaining();
      }
      super.write(last, content, callback);
    }
  }
}
