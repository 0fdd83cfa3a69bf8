package io.moraine.launcher.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistCommandTest {

  @TempDir
  Path tmp;

  private Path fakeHome() throws IOException {
    Path home = tmp.resolve("home");
    Files.createDirectories(home.resolve("launcher/target/lib"));
    Files.writeString(home.resolve("launcher/target/moraine-launcher.jar"), "launcher");
    Files.writeString(home.resolve("launcher/target/lib/b.jar"), "b");
    Files.writeString(home.resolve("launcher/target/lib/a.jar"), "a");
    Files.writeString(home.resolve("launcher/target/lib/notes.txt"), "not a jar");
    Files.createDirectories(home.resolve("conf/examples"));
    Files.writeString(home.resolve("conf/examples/meta.properties"), "node.id = meta-1\n");
    Files.createDirectories(home.resolve("scripts"));
    Files.writeString(home.resolve("scripts/s3-smoke.sh"), "#!/bin/sh\n");
    return home;
  }

  private static List<String> listing(Path tarball) throws Exception {
    Process p = new ProcessBuilder("tar", "-tzf", tarball.toString()).redirectErrorStream(true).start();
    List<String> names = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    assertThat(p.waitFor()).isZero();
    return names;
  }

  @Test
  void tarballHoldsLauncherLibsScriptsAndVersionUnderOneVersionedDirectory() throws Exception {
    Path home = fakeHome();
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    Path tarball = DistCommand.build(home, home.resolve("launcher/target/moraine-launcher.jar"),
        home.resolve("launcher/target/lib"), "1.2.3-gabc", out, 1_700_000_000L);

    assertThat(tarball.getFileName().toString()).isEqualTo("moraine-1.2.3-gabc.tar.gz");
    assertThat(listing(tarball)).contains(
        "moraine-1.2.3-gabc/bin/moraine",
        "moraine-1.2.3-gabc/lib/moraine-launcher.jar",
        "moraine-1.2.3-gabc/lib/a.jar",
        "moraine-1.2.3-gabc/lib/b.jar",
        "moraine-1.2.3-gabc/conf/examples/meta.properties",
        "moraine-1.2.3-gabc/scripts/s3-smoke.sh",
        "moraine-1.2.3-gabc/VERSION")
        .doesNotContain("moraine-1.2.3-gabc/lib/notes.txt")
        .allMatch(n -> n.startsWith("moraine-1.2.3-gabc/"));
    // The staging directory is gone: only the tarball is left.
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("moraine-1.2.3-gabc.tar.gz");
    }
  }

  @Test
  void sameInputsGiveTheSameBytesSoRedeployingTheSameReleaseChangesNothing() throws Exception {
    Path home = fakeHome();
    Path out1 = Files.createDirectories(tmp.resolve("o1"));
    Path out2 = Files.createDirectories(tmp.resolve("o2"));
    Path jar = home.resolve("launcher/target/moraine-launcher.jar");
    Path lib = home.resolve("launcher/target/lib");
    Path first = DistCommand.build(home, jar, lib, "9", out1, 1_700_000_000L);
    Thread.sleep(1100); // a later wall-clock second must not leak into the archive
    Files.setLastModifiedTime(lib.resolve("a.jar"), java.nio.file.attribute.FileTime.fromMillis(0));
    Path second = DistCommand.build(home, jar, lib, "9", out2, 1_700_000_000L);
    assertThat(DistCommand.sha256(second)).isEqualTo(DistCommand.sha256(first));

    Files.writeString(lib.resolve("a.jar"), "a, changed");
    Path third = DistCommand.build(home, jar, lib, "9", Files.createDirectories(tmp.resolve("o3")), 1_700_000_000L);
    assertThat(DistCommand.sha256(third)).isNotEqualTo(DistCommand.sha256(first));
  }
}
