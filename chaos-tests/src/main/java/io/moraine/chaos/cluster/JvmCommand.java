package io.moraine.chaos.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The java binary, classpath and flags that node processes run with: the launcher's own
 * ({@code launcher/target/moraine-launcher.jar:launcher/target/lib/*}).
 *
 * <p>Found, in order: {@code -Dmoraine.chaos.classpath} / {@code MORAINE_CHAOS_CLASSPATH}; the
 * current JVM's classpath when it holds the launcher (running inside {@code bin/moraine});
 * {@code launcher/target} under {@code -Dmoraine.home} or the working directory or its parent.
 * The java binary is {@code -Dmoraine.chaos.java} or the current JVM's.
 *
 * @param java the java executable
 * @param classpath the launcher classpath
 * @param feature the JDK feature version of {@code java} (decides {@code --sun-misc-unsafe-memory-access})
 */
public record JvmCommand(String java, String classpath, int feature) {

  public static JvmCommand discover() throws IOException {
    String java = System.getProperty("moraine.chaos.java");
    if (java == null) {
      java = ProcessHandle.current().info().command()
          .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
    String cp = System.getProperty("moraine.chaos.classpath", System.getenv("MORAINE_CHAOS_CLASSPATH"));
    if (cp == null && System.getProperty("java.class.path", "").contains("moraine-launcher")) {
      cp = System.getProperty("java.class.path");
    }
    if (cp == null) {
      List<Path> roots = new ArrayList<>();
      if (System.getProperty("moraine.home") != null) {
        roots.add(Path.of(System.getProperty("moraine.home")));
      }
      Path cwd = Path.of("").toAbsolutePath();
      roots.add(cwd);
      if (cwd.getParent() != null) {
        roots.add(cwd.getParent());
      }
      for (Path root : roots) {
        Path jar = root.resolve("launcher/target/moraine-launcher.jar");
        Path lib = root.resolve("launcher/target/lib");
        if (Files.isRegularFile(jar) && Files.isDirectory(lib)) {
          cp = jar.toAbsolutePath() + ":" + lib.toAbsolutePath() + "/*";
          break;
        }
      }
    }
    if (cp == null) {
      throw new IOException("cannot find the launcher classpath for node processes: build the project"
          + " (mvn install; launcher/target/moraine-launcher.jar + launcher/target/lib), run through bin/moraine,"
          + " or set -Dmoraine.chaos.classpath / MORAINE_CHAOS_CLASSPATH");
    }
    return new JvmCommand(java, cp, Runtime.version().feature());
  }

  /** The command that runs {@code role} with {@code configFile} and {@code overrides}. */
  public List<String> command(String role, Path configFile, List<String> overrides) {
    List<String> c = new ArrayList<>();
    c.add(java);
    c.add("--add-modules");
    c.add("jdk.incubator.vector");
    c.add("--enable-native-access=ALL-UNNAMED");
    if (feature >= 24) {
      c.add("--sun-misc-unsafe-memory-access=allow");
    }
    // 14 JVMs share 2 cores: the serial collector keeps GC threads from competing.
    c.add("-XX:+UseSerialGC");
    c.add(switch (role) {
      case "zk", "storage" -> "-Xmx384m";
      case "meta" -> "-Xmx768m";
      default -> "-Xmx1g";
    });
    c.add("-cp");
    c.add(classpath);
    c.add("io.moraine.launcher.Main");
    c.add(role);
    c.add("--config");
    c.add(configFile.toAbsolutePath().toString());
    c.addAll(overrides);
    return c;
  }
}
