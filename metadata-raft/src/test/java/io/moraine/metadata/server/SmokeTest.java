package io.moraine.metadata.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.moraine.metadata.api.Account;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
  @TempDir Path dir;

  @Test
  void commitsAndReads() {
    try (MetaCluster c = new MetaCluster(dir, 3).startAll()) {
      var client = c.client();
      Account root = client.ensureRootAccount("AK", "SK");
      assertThat(client.findCredential("AK")).get().extracting(x -> x.accountId()).isEqualTo(root.accountId());
      client.createBucket(root.accountId(), "b1", "us-east-1");
      assertThat(client.getBucket("b1")).isPresent();
    }
  }
}
