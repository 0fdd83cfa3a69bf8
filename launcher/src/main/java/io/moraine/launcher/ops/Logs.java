package io.moraine.launcher.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * The process's logging at run time (docs/monitoring.md): the node id every line carries, log
 * levels changed while running ({@code admin log-level}), and the gateway's request log file.
 * Logback is the backend (launcher's {@code logback.xml}: JSON lines on stderr).
 */
public final class Logs {
  public static final String REQUEST_LOGGER = "moraine.s3.access";
  public static final String SLOW_LOGGER = "moraine.s3.slow";
  public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF", "INHERIT");

  private Logs() {}

  private static Optional<LoggerContext> context() {
    return LoggerFactory.getILoggerFactory() instanceof LoggerContext c ? Optional.of(c) : Optional.empty();
  }

  /** Names the node in every line ({@code node}); the first call wins in a one-JVM dev cluster. */
  public static void node(String nodeId) {
    context().ifPresent(c -> {
      if (c.getProperty(JsonLogEncoder.NODE_PROPERTY) == null) {
        c.putProperty(JsonLogEncoder.NODE_PROPERTY, nodeId);
      }
    });
  }

  /**
   * Sets {@code logger}'s level ({@code ROOT} for the root; {@code INHERIT} to take its parent's
   * again); returns the level now in effect. Unknown levels are an IllegalArgumentException.
   */
  public static String setLevel(String logger, String level) {
    String upper = level.toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(upper) || logger.isBlank()) {
      throw new IllegalArgumentException("level must be one of " + LEVELS + ", got '" + level + "'");
    }
    LoggerContext c = context().orElseThrow(() -> new IllegalStateException("the logging backend is not logback"));
    Logger l = c.getLogger(logger);
    if (upper.equals("INHERIT")) {
      if (l.getName().equals(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
        throw new IllegalArgumentException("the root logger has no parent to inherit from");
      }
      l.setLevel(null);
    } else {
      l.setLevel(Level.toLevel(upper));
    }
    return l.getEffectiveLevel().toString();
  }

  /** The level in effect for {@code logger}. */
  public static String level(String logger) {
    return context().map(c -> c.getLogger(logger).getEffectiveLevel().toString()).orElse("unknown");
  }

  /**
   * Sends the gateway's request log (one JSON line per request, logger {@value #REQUEST_LOGGER})
   * to {@code file}, and nowhere else. Without this call the lines are dropped.
   */
  public static void requestLog(Path file) throws java.io.IOException {
    Optional<LoggerContext> oc = context();
    if (oc.isEmpty()) {
      return;
    }
    LoggerContext c = oc.get();
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Logger logger = c.getLogger(REQUEST_LOGGER);
    synchronized (Logs.class) {
      String name = "requests:" + file.toAbsolutePath();
      if (logger.getAppender(name) != null) {
        return;
      }
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(c);
      encoder.setPattern("%msg%n");
      encoder.start();
      FileAppender<ILoggingEvent> appender = new FileAppender<>();
      appender.setContext(c);
      appender.setName(name);
      appender.setFile(file.toAbsolutePath().toString());
      appender.setAppend(true);
      appender.setEncoder(encoder);
      appender.start();
      logger.addAppender(appender);
      logger.setAdditive(false);
      if (logger.getLevel() == null) {
        logger.setLevel(Level.INFO);
      }
    }
  }

  /** Commands that print results log warnings only, so their output stays parseable. */
  public static void quiet() {
    context().ifPresent(c -> c.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN));
  }
}
