package io.moraine.launcher.admin;

import io.moraine.launcher.role.MetaDirectory;
import io.moraine.launcher.role.Zk;
import io.moraine.metadata.client.GroupStatus;
import io.moraine.metadata.client.MetadataAdmin;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.metadata.server.MetaPeer;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code bin/moraine admin [--zk HOST:PORT] ...}: operator commands against a running cluster,
 * found through ZooKeeper (DESIGN.md, Contracts; the default reaches both `dev` and `cluster`).
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Operate a running cluster.",
    subcommands = {AdminCommand.Status.class, AdminCommand.User.class, AccountCommands.AccountGroup.class,
      AccountCommands.MfaGroup.class, KmsCommands.KmsGroup.class, NotifyCommands.NotifyGroup.class,
        AdminCommand.Scrub.class,
        AdminCommand.Drain.class, AdminCommand.RemoveStorage.class, AdminCommand.Meta.class, LogLevel.class, Top.class,
        InventoryCommands.NodeGroup.class, InventoryCommands.BucketGroup.class, InventoryCommands.Usage.class,
        ObjectCommands.ObjectGroup.class})
public final class AdminCommand implements Runnable {

  @Option(names = "--zk", defaultValue = "127.0.0.1:2181", description = "ZooKeeper to reach the cluster through (default ${DEFAULT-VALUE})")
  String zk;

  @Option(names = "--internal-tls", paramLabel = "DIR", description = "a cluster with internal mutual TLS: the directory "
      + "holding the operator's client certificate admin.pem, its key admin-key.pem and the cluster CA ca.pem "
      + "(`cluster start --internal-tls` writes them under DIR/tls; docs/tls.md)")
  java.nio.file.Path internalTls;

  // Inherited: accepted before or after the subcommand (`admin --json status`, `admin status --json`).
  @Option(names = "--json", scope = ScopeType.INHERIT,
      description = "print one JSON object per output line (its \"type\", then the text line's fields)")
  boolean json;

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /** Where the command's lines go: text, or JSON with {@code --json}. */
  Output out() {
    return new Output(System.out, json);
  }

  CuratorFramework connect() throws InterruptedException {
    return Zk.connectBlocking(zk, Zk.SESSION_TIMEOUT_MILLIS, tlsFiles());
  }

  /** The operator's internal TLS files from {@code --internal-tls DIR}, or null (plaintext). */
  io.moraine.tls.TlsFiles tlsFiles() {
    if (internalTls == null) {
      return null;
    }
    io.moraine.tls.TlsFiles files = new io.moraine.tls.TlsFiles(internalTls.resolve("admin.pem"),
        internalTls.resolve("admin-key.pem"), internalTls.resolve("ca.pem"));
    for (java.nio.file.Path f : List.of(files.certFile(), files.keyFile(), files.caFile())) {
      if (!java.nio.file.Files.isReadable(f)) {
        throw new IllegalArgumentException("--internal-tls " + internalTls + ": no readable " + f.getFileName());
      }
    }
    return files;
  }

  io.moraine.metadata.tls.RaftTls raftTls() {
    return io.moraine.launcher.config.InternalTls.raft(tlsFiles());
  }

  RaftMetadataClient metadata(CuratorFramework client) throws Exception {
    List<MetaPeer> peers = MetaDirectory.read(client);
    if (peers.isEmpty()) {
      throw new IllegalStateException("no metadata peers registered in ZooKeeper at " + zk);
    }
    return MetaDirectory.connectClient(client, peers, raftTls());
  }

  /** After a membership change: each group's line as the now published peers report it. */
  static void printGroups(Output out, CuratorFramework client, int groups, io.moraine.metadata.tls.RaftTls tls)
      throws Exception {
    for (GroupStatus s : MetadataAdmin.status(tls, MetaDirectory.read(client), groups, 3_000)) {
      out.print(Line.Group.of(s));
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Metadata groups and leaders, storage nodes and their usage, redundancy.")
  static final class Status implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Override
    public Integer call() throws Exception {
      try (CuratorFramework client = admin.connect(); RaftMetadataClient meta = admin.metadata(client)) {
        admin.out().print(new ClusterQuery(client, meta, admin.tlsFiles()).status());
      }
      return 0;
    }
  }

  @Command(name = "scrub", mixinStandardHelpOptions = true,
      description = "Ask the repair service for a scrub pass (every shard read and verified; bad ones rebuilt).")
  static final class Scrub implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Option(names = "--now", required = true, description = "start a scrub pass now")
    boolean now;

    @Override
    public Integer call() throws Exception {
      try (CuratorFramework client = admin.connect()) {
        long request = io.moraine.repair.RepairService.requestScrub(client);
        admin.out().print(new Line.ScrubRequested(request));
      }
      return 0;
    }
  }

  @Command(name = "drain", mixinStandardHelpOptions = true,
      description = "Mark a storage node draining: it takes no new shards and repair moves its shards to their new homes. "
          + "`admin status` prints `drain NODE_ID shards-left N`; remove the node once N is 0.")
  static final class Drain implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Parameters(index = "0", description = "the storage node, e.g. storage-az1-3")
    String nodeId;

    @Option(names = "--undo", description = "clear the draining flag instead")
    boolean undo;

    @Override
    public Integer call() throws Exception {
      try (CuratorFramework client = admin.connect()) {
        new io.moraine.placement.zk.StorageMembership(client).setDraining(nodeId, !undo);
      }
      admin.out().print(new Line.DrainSet(nodeId, !undo));
      return 0;
    }
  }

  @Command(name = "remove-storage", mixinStandardHelpOptions = true,
      description = "Remove a drained storage node from the membership (ansible decommission_storage.yml); refused "
          + "unless the node is draining and no shard is left on it (`drain NODE_ID shards-left 0` in status).")
  static final class RemoveStorage implements Callable<Integer> {
    @ParentCommand
    AdminCommand admin;

    @Parameters(index = "0", description = "the storage node, e.g. storage-az1-3")
    String nodeId;

    @Override
    public Integer call() throws Exception {
      try (CuratorFramework client = admin.connect(); RaftMetadataClient meta = admin.metadata(client)) {
        java.util.Optional<String> refusal = new ClusterStatus(client, meta, MetaDirectory.read(client),
            MetaDirectory.readGroups(client)).removalRefusal(nodeId);
        if (refusal.isPresent()) {
          System.err.println("node " + nodeId + " not removed: " + refusal.get());
          return 1;
        }
        new io.moraine.placement.zk.StorageMembership(client).removeMember(nodeId);
      }
      admin.out().print(new Line.NodeRemoved(nodeId));
      return 0;
    }
  }

  @Command(name = "meta", mixinStandardHelpOptions = true, description = "Change the metadata peers online.",
      subcommands = {MetaAdd.class, MetaRemove.class})
  static final class Meta implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add a metadata peer started with `bin/moraine meta --config FILE --join` to every group "
          + "(each group's leader commits the new membership once the peer caught up), then publish it for clients.")
  static final class MetaAdd implements Callable<Integer> {
    @ParentCommand
    Meta meta;

    @Parameters(index = "0", description = "the new peer's node id, e.g. meta-4")
    String nodeId;

    @Parameters(index = "1", description = "its Raft address HOST:PORT (its meta.port)")
    String address;

    @Override
    public Integer call() throws Exception {
      int colon = address.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("address must be HOST:PORT, not " + address);
      }
      MetaPeer peer = new MetaPeer(nodeId, address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
      try (CuratorFramework client = meta.admin.connect()) {
        List<MetaPeer> known = MetaDirectory.read(client);
        int groups = MetaDirectory.readGroups(client);
        MetadataAdmin.addPeer(meta.admin.raftTls(), known, groups, peer);
        MetaDirectory.publish(client, peer);
        printGroups(meta.admin.out(), client, groups, meta.admin.raftTls());
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true,
      description = "Remove a metadata peer from every group (each group's leader commits the membership without it), "
          + "then unpublish it. Stop its process afterwards; it can only come back with --join and `admin meta add`.")
  static final class MetaRemove implements Callable<Integer> {
    @ParentCommand
    Meta meta;

    @Parameters(index = "0", description = "the peer's node id, e.g. meta-1")
    String nodeId;

    @Override
    public Integer call() throws Exception {
      try (CuratorFramework client = meta.admin.connect()) {
        List<MetaPeer> known = MetaDirectory.read(client);
        int groups = MetaDirectory.readGroups(client);
        MetadataAdmin.removePeer(meta.admin.raftTls(), known, groups, nodeId);
        MetaDirectory.unpublish(client, nodeId);
        printGroups(meta.admin.out(), client, groups, meta.admin.raftTls());
      }
      return 0;
    }
  }

  @Command(name = "user", mixinStandardHelpOptions = true, description = "Manage accounts.",
      subcommands = {UserCreate.class})
  static final class User implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create an account with one access key; prints access_key=AK secret_key=SK.")
  static final class UserCreate implements Callable<Integer> {
    @ParentCommand
    User user;

    @Parameters(index = "0", description = "the account's user name")
    String name;

    @Override
    public Integer call() throws Exception {
      SecureRandom random = new SecureRandom();
      String accessKey = "MK" + randomString(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 18);
      String secretKey = randomString(random, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
      try (CuratorFramework client = user.admin.connect(); RaftMetadataClient meta = user.admin.metadata(client)) {
        meta.createAccount(name, accessKey, secretKey);
      }
      user.admin.out().print(new Line.Credentials(accessKey, secretKey));
      return 0;
    }

    private static String randomString(SecureRandom random, String alphabet, int length) {
      StringBuilder s = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      return s.toString();
    }
  }
}
