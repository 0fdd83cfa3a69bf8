package io.moraine.chaos.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system tools the harness drives (ip, nft, kill). An interface so that nemesis logic
 * can be exercised against a recording fake; {@link #system()} is the one real implementation.
 *
 * <p>Fault model: a tool that hangs is killed after its timeout and reported as failed; a tool's
 * failure is an exception carrying its command line, exit code and output, never ignored.
 */
public interface Shell {

  /** Exit code and combined output of a finished command. */
  record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs {@code command}, feeding it {@code stdin} (may be null), waiting at most {@code timeoutMillis}. */
  Result run(List<String> command, String stdin, long timeoutMillis) throws IOException;

  default Result run(List<String> command) throws IOException {
    return run(command, null, 30_000);
  }

  /** Runs and fails loudly unless the exit code is 0. */
  default String check(List<String> command) throws IOException {
    return check(command, null);
  }

  default String check(List<String> command, String stdin) throws IOException {
    Result r = run(command, stdin, 30_000);
    if (!r.ok()) {
      throw new IOException("command failed (exit " + r.exitCode() + "): " + String.join(" ", command)
          + (stdin == null ? "" : "\n--- stdin ---\n" + stdin) + "\n--- output ---\n" + r.output());
    }
    return r.output();
  }

  static Shell system() {
    return (command, stdin, timeoutMillis) -> {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (stdin != null) {
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      byte[][] out = new byte[1][];
      Thread reader = Thread.ofVirtual().start(() -> {
        try (InputStream in = p.getInputStream()) {
          out[0] = in.readAllBytes();
        } catch (IOException e) {
          out[0] = ("<output unreadable: " + e + ">").getBytes(StandardCharsets.UTF_8);
        }
      });
      try {
        if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
          p.waitFor(5, TimeUnit.SECONDS);
          reader.join(1000);
          return new Result(124, "timed out after " + timeoutMillis + " ms: " + String.join(" ", command));
        }
        reader.join(5000);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + command, e);
      }
      return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
    };
  }
}
