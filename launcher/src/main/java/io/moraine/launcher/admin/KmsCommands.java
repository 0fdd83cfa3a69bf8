package io.moraine.launcher.admin;

import io.moraine.gateway.crypto.MasterKeys;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.proto.meta.v1.AddMasterKey;
import io.moraine.proto.meta.v1.KeyringCommand;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code admin kms rotate-master} and {@code admin kms audit} (DESIGN.md, contracts of the feature wave; docs/encryption.md). */
final class KmsCommands {
  private KmsCommands() {}

  @Command(name = "kms", mixinStandardHelpOptions = true, description = "Manage server-side encryption keys.",
      subcommands = {RotateMaster.class, Audit.class})
  static final class KmsGroup implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  /**
   * Commits a new active SSE-S3 master key (the previous one retires and keeps decrypting the
   * objects it sealed). The admin tool never holds the root key: the record is created without
   * material and the first gateway that seals an object under it generates and wraps the key
   * (first writer wins, docs/encryption.md). New objects use it from the next PUT on, on every gateway.
   */
  @Command(name = "rotate-master", mixinStandardHelpOptions = true,
      description = "Make a new active SSE-S3 master key for new objects; prints master_key=ID.")
  static final class RotateMaster implements Callable<Integer> {
    @ParentCommand
    KmsGroup group;

    @Override
    public Integer call() throws Exception {
      String id = MasterKeys.newId(new SecureRandom());
      try (CuratorFramework client = group.admin.connect(); RaftMetadataClient meta = group.admin.metadata(client)) {
        meta.keyring(KeyringCommand.newBuilder().setAddMasterKey(AddMasterKey.newBuilder().setId(id)).build());
      }
      group.admin.out().print(new Line.MasterKey(id));
      return 0;
    }
  }

  /**
   * Prints the KMS key-use audit log, oldest first, one line per use:
   * {@code key_id=… op=… principal=… resource=… time=…}. Gateways write uses in batches (every
   * 10 s), so the latest uses appear after that delay.
   */
  @Command(name = "audit", mixinStandardHelpOptions = true,
      description = "Print every use of KMS keys (or of one key): key_id=… op=… principal=… resource=… time=….")
  static final class Audit implements Callable<Integer> {
    @ParentCommand
    KmsGroup group;

    @picocli.CommandLine.Option(names = "--key", description = "Only the uses of this key id.")
    String key;

    @Override
    public Integer call() throws Exception {
      try (CuratorFramework client = group.admin.connect(); RaftMetadataClient meta = group.admin.metadata(client)) {
        long after = 0;
        while (true) {
          var reply = meta.kmsQuery(io.moraine.proto.meta.v1.KmsQuery.newBuilder().setListAudit(
              io.moraine.proto.meta.v1.ListKmsAudit.newBuilder().setKeyId(key == null ? "" : key).setAfterSeq(after))
              .build());
          for (var e : reply.getAuditList()) {
            group.admin.out().print(new Line.KmsUse(e.getKeyId(), e.getOp(), e.getPrincipal(), e.getResource(),
                java.time.Instant.ofEpochMilli(e.getTimeMillis()).toString()));
            after = e.getSeq();
          }
          if (!reply.getTruncated()) {
            return 0;
          }
        }
      }
    }
  }
}
