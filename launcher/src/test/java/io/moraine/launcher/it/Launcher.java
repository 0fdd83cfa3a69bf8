package io.moraine.launcher.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs `moraine ...` as bin/moraine does, from the packaged launcher (target/), for suites that need separate processes. */
public final class Launcher {

  private Launcher() {}

  public record Result(int exitCode, String stdout) {}

  public static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 24) {
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    Path target = Path.of("target").toAbsolutePath();
    cmd.add("-cp");
    cmd.add(target.resolve("moraine-launcher.jar") + ":" + target.resolve("lib") + "/*");
    cmd.add("io.moraine.launcher.Main");
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Runs to completion (bounded by {@code timeoutSeconds}); stderr goes to the test's log. */
  public static Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    return run(java.util.Map.of(), timeoutSeconds, args);
  }

  /** As {@link #run(long, String...)}, with extra environment variables (inherited by the nodes `cluster start` launches). */
  public static Result run(java.util.Map<String, String> env, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command(args)).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("moraine " + String.join(" ", args) + " did not finish within " + timeoutSeconds + " s");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
