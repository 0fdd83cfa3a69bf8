package io.moraine.metadata.core.account;

import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;
import static io.moraine.metadata.core.Tables.validName;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.*;
import static io.moraine.metadata.api.MetadataError.ACCESS_KEY_ALREADY_EXISTS;
import static io.moraine.metadata.api.MetadataError.USER_ALREADY_EXISTS;

/**
 * Accounts and access keys (directory group g1): the root account, further accounts, credential lookup.
 */
public final class Accounts {
  /** User name of the root account that {@code ensureRootAccount} creates. */
  public static final String ROOT_USER_NAME = "root";

  private final Tables t;

  public Accounts(Tables t) {
    this.t = t;
  }
  // ---- accounts -----------------------------------------------------------------------------

  public ApplyResult ensureRootAccount(Command c, EnsureRootAccount cmd, StoreBatch batch) {
    if (!validName(cmd.getAccessKeyId()) || cmd.getSecretKey().isEmpty()) {
      return new ApplyResult.Invalid("root access key and secret must be non-empty");
    }
    String rootId = accountIdFor(ROOT_USER_NAME);
    AccountRecord root = t.read(Keys.account(rootId), AccountRecord.parser());
    AccessKeyRecord key = t.read(Keys.accessKey(cmd.getAccessKeyId()), AccessKeyRecord.parser());
    if (key != null && !key.getAccountId().equals(rootId)) {
      return new ApplyResult.Failed(ACCESS_KEY_ALREADY_EXISTS, cmd.getAccessKeyId() + " belongs to another account");
    }
    if (root == null) {
      root = AccountRecord.newBuilder()
          .setAccountId(rootId).setUserName(ROOT_USER_NAME).setCreatedMillis(c.leaderTimeMillis()).build();
      batch.put(Keys.account(rootId), Records.encode(root));
      batch.put(Keys.userName(ROOT_USER_NAME), Records.encode(root));
    }
    if (key == null || !key.getSecretKey().equals(cmd.getSecretKey())) {
      // The configured root secret wins: operators rotate it through the environment.
      batch.put(Keys.accessKey(cmd.getAccessKeyId()), Records.encode(AccessKeyRecord.newBuilder()
          .setAccessKeyId(cmd.getAccessKeyId()).setSecretKey(cmd.getSecretKey()).setAccountId(rootId).build()));
    }
    return ok(reply().setAccount(root));
  }

  public ApplyResult createAccount(Command c, CreateAccount cmd, StoreBatch batch) {
    if (!validName(cmd.getUserName()) || !validName(cmd.getAccessKeyId()) || cmd.getSecretKey().isEmpty()) {
      return new ApplyResult.Invalid("user name, access key and secret must be non-empty, without NUL");
    }
    if (t.store().get(Keys.userName(cmd.getUserName())) != null) {
      return new ApplyResult.Failed(USER_ALREADY_EXISTS, cmd.getUserName());
    }
    if (t.store().get(Keys.accessKey(cmd.getAccessKeyId())) != null) {
      return new ApplyResult.Failed(ACCESS_KEY_ALREADY_EXISTS, cmd.getAccessKeyId());
    }
    String accountId = accountIdFor(cmd.getUserName());
    AccountRecord account = AccountRecord.newBuilder()
        .setAccountId(accountId).setUserName(cmd.getUserName()).setCreatedMillis(c.leaderTimeMillis()).build();
    batch.put(Keys.account(accountId), Records.encode(account));
    batch.put(Keys.userName(cmd.getUserName()), Records.encode(account));
    batch.put(Keys.accessKey(cmd.getAccessKeyId()), Records.encode(AccessKeyRecord.newBuilder()
        .setAccessKeyId(cmd.getAccessKeyId()).setSecretKey(cmd.getSecretKey()).setAccountId(accountId).build()));
    return ok(reply().setAccount(account));
  }

  public ApplyResult findCredential(String accessKeyId) {
    AccessKeyRecord key = t.read(Keys.accessKey(accessKeyId), AccessKeyRecord.parser());
    if (key == null) {
      return ok(reply().setCredential(CredentialReply.newBuilder().setFound(false)));
    }
    AccountRecord account = t.read(Keys.account(key.getAccountId()), AccountRecord.parser());
    if (account == null) {
      throw new IllegalStateException("access key " + accessKeyId + " names missing account " + key.getAccountId());
    }
    return ok(reply().setCredential(CredentialReply.newBuilder().setFound(true)
        .setAccessKeyId(key.getAccessKeyId()).setSecretKey(key.getSecretKey())
        .setAccountId(account.getAccountId()).setUserName(account.getUserName())));
  }


  /** The canonical account id of a user name: deterministic, S3-style 64 hex characters. */
  public static String accountIdFor(String userName) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(("moraine-account-v1:" + userName).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
  }
}
