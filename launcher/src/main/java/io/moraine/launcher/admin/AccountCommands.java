package io.moraine.launcher.admin;

import com.google.protobuf.ByteString;
import io.moraine.gateway.Ids;
import io.moraine.gateway.iam.Totp;
import io.moraine.metadata.api.Account;
import io.moraine.metadata.api.MetadataError;
import io.moraine.metadata.api.MetadataException;
import io.moraine.metadata.client.RaftMetadataClient;
import io.moraine.proto.meta.v1.CreateMfaDevice;
import io.moraine.proto.meta.v1.EnableMfaDevice;
import io.moraine.proto.meta.v1.FindAccount;
import io.moraine.proto.meta.v1.IamCommand;
import io.moraine.proto.meta.v1.IamQuery;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import org.apache.curator.framework.CuratorFramework;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code admin account create} and {@code admin mfa create} (DESIGN.md, contracts of the feature wave). */
final class AccountCommands {
  private AccountCommands() {}

  @Command(name = "account", mixinStandardHelpOptions = true, description = "Manage accounts.",
      subcommands = {AccountCreate.class})
  static final class AccountGroup implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create an account with a root access key; prints account_id=… canonical_id=… access_key=… secret_key=….")
  static final class AccountCreate implements Callable<Integer> {
    @ParentCommand
    AccountGroup group;

    @Parameters(index = "0", description = "the account's name (also its S3 display name)")
    String name;

    @Option(names = "--email", description = "the account's e-mail address (ACL grants by e-mail)")
    String email;

    @Override
    public Integer call() throws Exception {
      Ids ids = new Ids(new SecureRandom());
      String accessKey = ids.accessKeyId("AKIA");
      String secretKey = ids.secretKey();
      Account a;
      try (CuratorFramework client = group.admin.connect(); RaftMetadataClient meta = group.admin.metadata(client)) {
        a = meta.createAccount(name, email == null ? "" : email, accessKey, secretKey);
      }
      group.admin.out().print(new Line.AccountCreated(a.awsAccountId(), a.accountId(), accessKey, secretKey));
      return 0;
    }
  }

  @Command(name = "mfa", mixinStandardHelpOptions = true, description = "Manage MFA devices.",
      subcommands = {MfaCreate.class})
  static final class MfaGroup implements Runnable {
    @ParentCommand
    AdminCommand admin;

    @Override
    public void run() {
      new picocli.CommandLine(this).usage(System.out);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create and enable a virtual MFA device for an account's root (MFA delete); prints serial=… otpauth=….")
  static final class MfaCreate implements Callable<Integer> {
    @ParentCommand
    MfaGroup group;

    @Option(names = "--account", required = true, description = "the account's name")
    String account;

    @Override
    public Integer call() throws Exception {
      byte[] seed = new Ids(new SecureRandom()).mfaSeed();
      String serial;
      try (CuratorFramework client = group.admin.connect(); RaftMetadataClient meta = group.admin.metadata(client)) {
        var found = meta.iamQuery(IamQuery.newBuilder().setFindAccount(FindAccount.newBuilder().setName(account)).build())
            .getAccount();
        if (!found.hasAccount()) {
          System.err.println("no account named " + account);
          return 1;
        }
        String canonical = found.getAccount().getAccountId();
        String base = "arn:aws:iam::" + found.getAccount().getAwsAccountId() + ":mfa/root-account-mfa-device";
        serial = base;
        for (int n = 2; ; n++) {
          try {
            meta.iam(IamCommand.newBuilder().setCreateMfaDevice(CreateMfaDevice.newBuilder().setAccountId(canonical)
                .setSerial(serial).setSeed(ByteString.copyFrom(seed))).build());
            break;
          } catch (MetadataException e) {
            if (e.error() != MetadataError.ENTITY_ALREADY_EXISTS) {
              throw e;
            }
            serial = base + "-" + n;
          }
        }
        // Enabled for the root at once: codes from now on are accepted (none from before).
        meta.iam(IamCommand.newBuilder().setEnableMfaDevice(EnableMfaDevice.newBuilder().setAccountId(canonical)
            .setSerial(serial).setUserName("root").setLastStep(Totp.step(System.currentTimeMillis()) - 3)).build());
      }
      String label = URLEncoder.encode("Moraine:" + account, StandardCharsets.UTF_8).replace("+", "%20");
      group.admin.out().print(new Line.MfaCreated(serial, "otpauth://totp/" + label + "?secret=" + Totp.base32(seed)
          + "&issuer=Moraine&algorithm=SHA1&digits=6&period=30"));
      return 0;
    }
  }
}
