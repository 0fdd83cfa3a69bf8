package io.moraine.chaos.workload;

import io.moraine.chaos.history.Outcome;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Turns a client exception into an outcome, conservatively: FAIL only when the request certainly
 * had no effect — an S3 4xx answer, or a connection that was never established — and INFO
 * (unknown) for everything else: timeouts, resets, 5xx (a 500 after a commit timed out may still
 * commit). Calling a maybe-applied write failed would make the checkers report false anomalies.
 */
public final class Outcomes {

  private Outcomes() {}

  public static Outcome classify(Throwable t) {
    if (t instanceof AwsServiceException s) {
      int status = s.statusCode();
      return status >= 400 && status < 500 && status != 408 && status != 429 ? Outcome.FAIL : Outcome.INFO;
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof NoRouteToHostException
          || c.getClass().getName().endsWith("ConnectTimeoutException")) {
        return Outcome.FAIL;
      }
    }
    return Outcome.INFO;
  }

  public static String describe(Throwable t) {
    if (t instanceof AwsServiceException s) {
      return s.statusCode() + " " + (s.awsErrorDetails() == null ? "" : s.awsErrorDetails().errorCode());
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    return m.length() > 160 ? m.substring(0, 160) : m;
  }
}
