package io.moraine.launcher.role;

import io.moraine.metadata.api.MetadataClient;
import io.moraine.metadata.api.ObjectVersion;
import io.moraine.metadata.api.PutResult;
import io.moraine.metadata.api.WriteCondition;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deliberately broken behaviours that chaos drills switch on to prove their checkers can fail
 * (issue 7; docs/chaos.md, "Unsafe modes"). Selected by the {@code unsafe} config key; a mode a
 * role does not implement is refused at start-up, so a drill never silently runs the safe code.
 */
public final class UnsafeModes {

  private static final Logger LOG = LoggerFactory.getLogger(UnsafeModes.class);

  /** The gateway acknowledges a PUT before its metadata commit, which happens 200–500 ms later or never. */
  public static final String ACK_BEFORE_COMMIT = "ack-before-commit";

  private UnsafeModes() {}

  /** Fails start-up for a mode no role implements (follower-read and skip-fsync are not built yet). */
  public static void check(Optional<String> mode) {
    mode.ifPresent(m -> {
      if (!m.equals(ACK_BEFORE_COMMIT)) {
        throw new IllegalArgumentException("unsafe mode '" + m + "' is not implemented (known: " + ACK_BEFORE_COMMIT + ")");
      }
      LOG.warn("UNSAFE MODE {} is on: this node may lose acknowledged writes (chaos drills only)", m);
    });
  }

  /**
   * A metadata client whose unconditional putObject answers at once with the version as sent and
   * commits it in the background after 200–500 ms; a failed commit is only logged. Every other
   * call goes to {@code real}.
   */
  public static MetadataClient ackBeforeCommit(MetadataClient real, ScheduledExecutorService scheduler,
      RandomGenerator random, InstantSource clock) {
    return (MetadataClient) Proxy.newProxyInstance(MetadataClient.class.getClassLoader(),
        new Class<?>[] {MetadataClient.class}, (proxy, method, args) -> {
          if (isUnconditionalPut(method, args)) {
            String bucket = (String) args[0];
            ObjectVersion v = (ObjectVersion) args[1];
            scheduler.schedule(() -> {
              try {
                real.putObject(bucket, v);
              } catch (RuntimeException e) {
                LOG.warn("unsafe ack-before-commit: the commit of {}/{} failed after it was acknowledged", bucket, v.key(), e);
              }
            }, 200 + random.nextInt(301), TimeUnit.MILLISECONDS);
            return new PutResult(new ObjectVersion(v.key(), v.versionId(), v.size(), v.etag(), clock.millis(),
                v.storageClass(), v.headers(), v.partCount(), v.layout(), v.deleteMarker(), v.partSizes()), Optional.empty());
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  private static boolean isUnconditionalPut(Method method, Object[] args) {
    return method.getName().equals("putObject")
        && (args.length == 2 || (args.length == 3 && ((WriteCondition) args[2]).isNone()));
  }
}
