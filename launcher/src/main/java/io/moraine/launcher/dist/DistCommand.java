package io.moraine.launcher.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/moraine dist}: the release tarball the Ansible roles install (ansible/, docs/operations.md).
 * {@code moraine-VERSION/} holds {@code bin/moraine} (runs on any Java >= 21, no Maven), {@code lib/}
 * (the launcher jar and every runtime library), {@code conf/examples/}, {@code scripts/} and
 * {@code VERSION}. The tarball is reproducible (sorted entries, fixed owner and mtime, gzip without
 * a timestamp), so rebuilding the same commit gives the same bytes and the roles see nothing to do.
 */
@Command(name = "dist", mixinStandardHelpOptions = true,
    description = {"Build the release tarball dist/moraine-VERSION.tar.gz (launcher, libraries, scripts) "
        + "that ansible/ installs on hosts without build tools; dist/LATEST names it.",
        "Prints `dist file=PATH version=VERSION sha256=HEX`."})
public final class DistCommand implements Callable<Integer> {

  @Option(names = "--out", description = "directory for the tarball (default: HOME/dist)")
  Path out;

  @Option(names = "--release", description = "version label (default: the project version and the git commit, "
      + "e.g. 0.1.0-SNAPSHOT-g020dcf4ab12c; '.dirty' when the work tree has changes)")
  String release;

  @Override
  public Integer call() throws Exception {
    Path home = Path.of(System.getProperty("moraine.home", ".")).toAbsolutePath().normalize();
    Path jar = home.resolve("launcher/target/moraine-launcher.jar");
    Path lib = home.resolve("launcher/target/lib");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new IllegalStateException("no built launcher under " + home + " (run bin/moraine, which builds it)");
    }
    String version = release != null ? release : defaultVersion(home);
    check(version.matches("[A-Za-z0-9._+-]+"), "version must be [A-Za-z0-9._+-]+, got " + version);
    Path outDir = out != null ? out.toAbsolutePath() : home.resolve("dist");
    Files.createDirectories(outDir);
    Path tarball = build(home, jar, lib, version, outDir, commitTime(home));
    String sha = sha256(tarball);
    Files.writeString(outDir.resolve(tarball.getFileName() + ".sha256"),
        sha + "  " + tarball.getFileName() + "\n", StandardCharsets.UTF_8);
    // The newest build, for ansible/ (the example inventory installs it unless told a version).
    Files.writeString(outDir.resolve("LATEST"), version + "\n", StandardCharsets.UTF_8);
    System.out.println("dist file=" + tarball + " version=" + version + " sha256=" + sha);
    return 0;
  }

  /** Stages {@code moraine-VERSION/} in a temp dir under outDir and tars it; returns the tarball. */
  static Path build(Path home, Path jar, Path lib, String version, Path outDir, long mtimeEpochSeconds)
      throws IOException, InterruptedException {
    String name = "moraine-" + version;
    Path stage = Files.createTempDirectory(outDir, ".stage-");
    try {
      Path root = stage.resolve(name);
      Files.createDirectories(root.resolve("bin"));
      Files.createDirectories(root.resolve("lib"));
      try (InputStream script = DistCommand.class.getResourceAsStream("moraine.sh")) {
        check(script != null, "moraine.sh missing from the launcher jar");
        Files.copy(script, root.resolve("bin/moraine"));
      }
      Files.setPosixFilePermissions(root.resolve("bin/moraine"), PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.copy(jar, root.resolve("lib").resolve(jar.getFileName()));
      try (Stream<Path> libs = Files.list(lib)) {
        for (Path p : libs.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
          Files.copy(p, root.resolve("lib").resolve(p.getFileName()));
        }
      }
      copyTree(home.resolve("conf/examples"), root.resolve("conf/examples"));
      copyTree(home.resolve("scripts"), root.resolve("scripts"));
      Files.writeString(root.resolve("VERSION"), version + "\n", StandardCharsets.UTF_8);

      Path tarball = outDir.resolve(name + ".tar.gz");
      Path partial = outDir.resolve(name + ".tar.gz.partial");
      // GNU tar + gzip -n: sorted names, fixed owner and mtime, no timestamp in the gzip header.
      run(stage, List.of("sh", "-c", "tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@"
          + mtimeEpochSeconds + " -cf - " + name + " | gzip -n -9 > " + quote(partial.toString())));
      Files.move(partial, tarball, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return tarball;
    } finally {
      deleteTree(stage);
    }
  }

  static String defaultVersion(Path home) throws IOException, InterruptedException {
    String project = projectVersion();
    String commit = git(home, "rev-parse", "--short=12", "HEAD");
    if (commit.isEmpty()) {
      return project;
    }
    boolean dirty = !git(home, "status", "--porcelain", "--untracked-files=no").isEmpty();
    return project + "-g" + commit + (dirty ? ".dirty" : "");
  }

  /** The version Maven stamped into the launcher jar (pom.properties), e.g. 0.1.0-SNAPSHOT. */
  static String projectVersion() throws IOException {
    try (InputStream in = DistCommand.class.getResourceAsStream(
        "/META-INF/maven/io.moraine/moraine-launcher/pom.properties")) {
      if (in == null) {
        return "0.0.0";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "0.0.0");
    }
  }

  private static long commitTime(Path home) throws IOException, InterruptedException {
    String t = git(home, "log", "-1", "--format=%ct");
    return t.matches("[0-9]+") ? Long.parseLong(t) : 0L;
  }

  /** git's trimmed output, or "" when home is not a git work tree or git is missing. */
  private static String git(Path home, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", home.toString()));
    cmd.addAll(List.of(args));
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException noGit) {
      return "";
    }
    String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return p.waitFor() == 0 ? outText : "";
  }

  private static void run(Path dir, List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + output);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.sorted().toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static void check(boolean cond, String message) {
    if (!cond) {
      throw new IllegalStateException(message);
    }
  }
}
