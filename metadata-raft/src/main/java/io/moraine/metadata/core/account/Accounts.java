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
import java.util.ArrayList;
import java.util.List;
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
    Ids ids = new Ids(t, batch);
    if (root == null) {
      root = AccountRecord.newBuilder()
          .setAccountId(rootId).setUserName(ROOT_USER_NAME).setCreatedMillis(c.leaderTimeMillis()).build();
      root = save(ids.assign(root), batch);
    }
    // Accounts written before IAM existed get their 12-digit ids now, in name order, so every
    // peer assigns the same ones (this runs at every gateway start).
    root = backfill(ids, rootId, root, batch);
    if (key == null || !key.getSecretKey().equals(cmd.getSecretKey())) {
      // The configured root secret wins: operators rotate it through the environment.
      AccessKeyRecord.Builder k = key == null
          ? AccessKeyRecord.newBuilder().setCreatedMillis(c.leaderTimeMillis()) : key.toBuilder().setInactive(false);
      batch.put(Keys.accessKey(cmd.getAccessKeyId()), Records.encode(k
          .setAccessKeyId(cmd.getAccessKeyId()).setSecretKey(cmd.getSecretKey()).setAccountId(rootId).build()));
      batch.put(Keys.userKey(rootId, "", cmd.getAccessKeyId()), Records.encode(EmptyReply.getDefaultInstance()));
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
    if (!cmd.getEmail().isEmpty() && t.exists(Keys.email(cmd.getEmail()))) {
      return new ApplyResult.Failed(USER_ALREADY_EXISTS, "an account with email " + cmd.getEmail() + " exists");
    }
    String accountId = accountIdFor(cmd.getUserName());
    AccountRecord account = AccountRecord.newBuilder()
        .setAccountId(accountId).setUserName(cmd.getUserName()).setCreatedMillis(c.leaderTimeMillis())
        .setEmail(cmd.getEmail()).build();
    account = save(new Ids(t, batch).assign(account), batch);
    if (!cmd.getEmail().isEmpty()) {
      batch.put(Keys.email(cmd.getEmail()), Records.encode(AccountRecord.newBuilder().setAccountId(accountId).build()));
    }
    batch.put(Keys.accessKey(cmd.getAccessKeyId()), Records.encode(AccessKeyRecord.newBuilder()
        .setAccessKeyId(cmd.getAccessKeyId()).setSecretKey(cmd.getSecretKey()).setAccountId(accountId)
        .setCreatedMillis(c.leaderTimeMillis()).build()));
    batch.put(Keys.userKey(accountId, "", cmd.getAccessKeyId()), Records.encode(EmptyReply.getDefaultInstance()));
    return ok(reply().setAccount(account));
  }

  public ApplyResult findCredential(String accessKeyId) {
    AccessKeyRecord key = t.read(Keys.accessKey(accessKeyId), AccessKeyRecord.parser());
    if (key == null || key.getInactive()) {
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


  /** Writes the account row and its name index (which holds a copy). */
  public static AccountRecord save(AccountRecord account, StoreBatch batch) {
    batch.put(Keys.account(account.getAccountId()), Records.encode(account));
    batch.put(Keys.userName(account.getUserName()), Records.encode(account));
    return account;
  }

  private AccountRecord backfill(Ids ids, String rootId, AccountRecord root, StoreBatch batch) {
    List<AccountRecord> missing = new ArrayList<>();
    try (StateStore.Cursor cur = t.store().cursor()) {
      byte[] prefix = Keys.accountPrefix();
      for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
        AccountRecord a = Records.decode(cur.value(), AccountRecord.parser());
        if (a.getAwsAccountId().isEmpty() && !a.getAccountId().equals(rootId)) {
          missing.add(a);
        }
      }
    }
    if (root.getAwsAccountId().isEmpty()) {
      root = save(ids.assign(root), batch);
    }
    missing.sort(java.util.Comparator.comparing(AccountRecord::getUserName));
    for (AccountRecord a : missing) {
      save(ids.assign(a), batch);
    }
    return root;
  }

  /**
   * 12-digit account ids: derived from the account name (sha-256, decimal, mod 10^12), probing
   * upwards past ids already taken, so they are deterministic and unique. Ids assigned earlier
   * in the same batch count as taken.
   */
  static final class Ids {
    private final Tables t;
    private final java.util.Set<String> taken = new java.util.HashSet<>();
    private final StoreBatch batch;

    Ids(Tables t, StoreBatch batch) {
      this.t = t;
      this.batch = batch;
    }

    AccountRecord assign(AccountRecord account) {
      byte[] h = sha256(("moraine-aws-account-v1:" + account.getUserName()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      long n = new java.math.BigInteger(1, h).mod(java.math.BigInteger.valueOf(1_000_000_000_000L)).longValue();
      String id;
      while (true) {
        id = String.format(java.util.Locale.ROOT, "%012d", n);
        if (!taken.contains(id) && !t.exists(Keys.awsAccountId(id)) && n >= 100_000_000_000L) {
          break;
        }
        n = n < 100_000_000_000L ? n + 100_000_000_000L : (n + 1) % 1_000_000_000_000L;
      }
      taken.add(id);
      batch.put(Keys.awsAccountId(id), Records.encode(AccountRecord.newBuilder().setAccountId(account.getAccountId()).build()));
      return account.toBuilder().setAwsAccountId(id).build();
    }
  }

  private static byte[] sha256(byte[] in) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256").digest(in);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
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
