package io.moraine.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one config format of every role (docs/configuration.md): file, overrides, aliases, typos. */
class RoleConfigTest {

  @TempDir
  Path dir;

  @Test
  void commandLineOverridesTheFileAndDiskIsRepeatable() throws Exception {
    Path file = dir.resolve("storage.properties");
    Files.writeString(file, "node.id = storage-az1-1\naz = az1\nstorage.disks = /a,/b\nstorage.port = 7101\n");
    RoleConfig cfg = RoleConfig.load(file, List.of("--disk", "/x", "--disk=/y", "--port", "7200", "--az", "az2"),
        RoleConfig.Keys.STORAGE_PORT);
    assertThat(cfg.getList(RoleConfig.Keys.STORAGE_DISKS)).containsExactly("/x", "/y");
    assertThat(cfg.getInt(RoleConfig.Keys.STORAGE_PORT, 0)).isEqualTo(7200);
    assertThat(cfg.require(RoleConfig.Keys.AZ)).isEqualTo("az2");
    assertThat(cfg.require(RoleConfig.Keys.NODE_ID)).isEqualTo("storage-az1-1");
  }

  @Test
  void aTypoIsAnErrorNotASilentDefault() throws Exception {
    Path file = dir.resolve("gw.properties");
    Files.writeString(file, "gateway.prot = 9000\n");
    assertThatThrownBy(() -> RoleConfig.load(file, List.of(), RoleConfig.Keys.GATEWAY_PORT))
        .hasMessageContaining("unknown configuration key 'gateway.prot'");
    assertThatThrownBy(() -> RoleConfig.load(null, List.of("--zk-conect", "x"), null))
        .hasMessageContaining("unknown configuration key 'zk-conect'");
    assertThatThrownBy(() -> RoleConfig.load(null, List.of("--port", "1"), null)).hasMessageContaining("--port");
    assertThatThrownBy(() -> RoleConfig.load(null, List.of("--node.id"), null)).hasMessageContaining("needs a value");
  }

  @Test
  void storageClassProfilesAreKeysOfTheGatewayConfig() throws Exception {
    Path file = dir.resolve("gw-classes.properties");
    Files.writeString(file, "storage-class.GLACIER.profile = 6+3\n");
    RoleConfig cfg = RoleConfig.load(file, List.of("--storage-class.ONEZONE_IA.small-profile", "2+1"), "gateway.port");
    Map<String, String> classes = cfg.withPrefix(io.moraine.gateway.data.StorageClasses.KEY_PREFIX);
    assertThat(classes).containsOnly(Map.entry("storage-class.GLACIER.profile", "6+3"),
        Map.entry("storage-class.ONEZONE_IA.small-profile", "2+1"));
    assertThat(io.moraine.gateway.data.StorageClasses.fromConfig(classes).spec("GLACIER").k()).isEqualTo(6);
    assertThatThrownBy(() -> RoleConfig.load(null, List.of("--storage-class.GLACIAR.profile", "8+4"), null))
        .hasMessageContaining("unknown configuration key 'storage-class.GLACIAR.profile'");
  }

  @Test
  void numbersAreCheckedAndRequiredKeysNamed() {
    RoleConfig cfg = RoleConfig.of(Map.of(RoleConfig.Keys.META_PORT, "seven"));
    assertThatThrownBy(() -> cfg.getInt(RoleConfig.Keys.META_PORT, 0)).hasMessageContaining("must be a number");
    assertThatThrownBy(() -> cfg.require(RoleConfig.Keys.NODE_ID)).hasMessageContaining("'node.id' is required");
  }

  @Test
  void rootCredentialsComeFromTheEnvironmentElseTheDefault() {
    assertThat(Credentials.fromEnvironment(Map.of())).isEqualTo(new Credentials("moraineadmin", "moraineadmin"));
    assertThat(Credentials.fromEnvironment(Map.of("MORAINE_ROOT_ACCESS_KEY", "AK", "MORAINE_ROOT_SECRET_KEY", "SK")))
        .isEqualTo(new Credentials("AK", "SK"));
  }
}
