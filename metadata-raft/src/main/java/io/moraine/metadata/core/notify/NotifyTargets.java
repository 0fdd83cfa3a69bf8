package io.moraine.metadata.core.notify;

import static io.moraine.metadata.core.Tables.ok;
import static io.moraine.metadata.core.Tables.reply;

import io.moraine.metadata.core.ApplyResult;
import io.moraine.metadata.core.Command;
import io.moraine.metadata.core.Keys;
import io.moraine.metadata.core.Records;
import io.moraine.metadata.core.Tables;
import io.moraine.metadata.store.StateStore;
import io.moraine.metadata.store.StoreBatch;
import io.moraine.proto.meta.v1.NotifyTargetCommand;
import io.moraine.proto.meta.v1.NotifyTargetQuery;
import io.moraine.proto.meta.v1.NotifyTargetRecord;
import io.moraine.proto.meta.v1.NotifyTargetReply;
import java.util.regex.Pattern;

/**
 * Event-notification targets registered by the operator (directory group g1, events.proto). The
 * core checks the record's shape (name, ARN naming it, exactly one destination) and keeps names
 * unique; what a destination's URL means is the sender's business.
 *
 * <pre>
 *   'T' name → NotifyTargetRecord
 * </pre>
 */
public final class NotifyTargets {
  public static final int FORMAT_VERSION = 1;
  static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final Tables t;

  public NotifyTargets(Tables t) {
    this.t = t;
  }

  public ApplyResult apply(Command c, NotifyTargetCommand cmd, StoreBatch batch) {
    return switch (cmd.getBodyCase()) {
      case ADD -> add(c, cmd.getAdd(), batch);
      case REMOVE -> remove(cmd.getRemove(), batch);
      case BODY_NOT_SET -> new ApplyResult.Invalid("empty notify target command");
    };
  }

  private ApplyResult add(Command c, NotifyTargetRecord target, StoreBatch batch) {
    if (target.getFormatVersion() != FORMAT_VERSION || !NAME.matcher(target.getName()).matches()
        || target.getDestinationCase() == NotifyTargetRecord.DestinationCase.DESTINATION_NOT_SET
        || !target.getArn().endsWith(":" + target.getName()) || !target.getArn().startsWith("arn:moraine:sqs:")) {
      return new ApplyResult.Invalid("a notify target needs format_version 1, a name " + NAME.pattern()
          + ", an ARN arn:moraine:sqs:REGION:ACCOUNT:NAME and one destination: " + target.getName());
    }
    NotifyTargetRecord existing = t.read(key(target.getName()), NotifyTargetRecord.parser());
    if (existing != null) {
      return ok(reply().setNotifyTarget(NotifyTargetReply.newBuilder().addTargets(existing).setCreated(false)));
    }
    NotifyTargetRecord stored = target.toBuilder().setCreatedMillis(c.leaderTimeMillis()).build();
    batch.put(key(stored.getName()), Records.encode(stored));
    return ok(reply().setNotifyTarget(NotifyTargetReply.newBuilder().addTargets(stored).setCreated(true).setApplied(true)));
  }

  private ApplyResult remove(String name, StoreBatch batch) {
    NotifyTargetRecord existing = name.isEmpty() ? null : t.read(key(name), NotifyTargetRecord.parser());
    if (existing != null) {
      batch.delete(key(name));
    }
    return ok(reply().setNotifyTarget(NotifyTargetReply.newBuilder().setApplied(existing != null)));
  }

  public ApplyResult query(NotifyTargetQuery q) {
    NotifyTargetReply.Builder r = NotifyTargetReply.newBuilder();
    switch (q.getBodyCase()) {
      case GET -> {
        NotifyTargetRecord target = q.getGet().isEmpty() ? null : t.read(key(q.getGet()), NotifyTargetRecord.parser());
        if (target != null) {
          r.addTargets(target);
        }
      }
      case LIST -> {
        byte[] prefix = {Keys.NOTIFY_TARGET};
        try (StateStore.Cursor cur = t.store().cursor()) {
          for (cur.seek(prefix); cur.valid() && Keys.startsWith(cur.key(), prefix); cur.next()) {
            r.addTargets(Records.decode(cur.value(), NotifyTargetRecord.parser()));
          }
        }
      }
      case BODY_NOT_SET -> {
        return new ApplyResult.Invalid("empty notify target query");
      }
    }
    return ok(reply().setNotifyTarget(r));
  }

  private static byte[] key(String name) {
    return Keys.Builder.of(Keys.NOTIFY_TARGET).raw(name).build();
  }
}
