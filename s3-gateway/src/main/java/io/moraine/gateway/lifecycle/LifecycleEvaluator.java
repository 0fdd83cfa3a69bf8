package io.moraine.gateway.lifecycle;

import io.moraine.metadata.api.DayScale;
import io.moraine.proto.config.v1.LifecycleConfiguration;
import io.moraine.proto.config.v1.LifecycleNoncurrentTransition;
import io.moraine.proto.config.v1.LifecycleRule;
import io.moraine.proto.config.v1.LifecycleTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a bucket's lifecycle rules do to one key's versions at a given time: pure (no clock, no
 * I/O), used by the engine (launcher {@code role.LifecycleService}) and by the gateway's
 * {@code x-amz-expiration} header. The S3 User Guide's semantics ("Lifecycle configuration
 * elements", "How Amazon S3 calculates how long an object has been noncurrent"):
 * <ul>
 *   <li>"N days after creation" is the creation time plus N days rounded up to the next day
 *       boundary ({@link DayScale#daysAfter}); a Date is due from that midnight on;
 *   <li>a version becomes noncurrent when its successor is created, so noncurrent days count from
 *       the successor's last-modified time; NewerNoncurrentVersions keeps that many of the newest
 *       noncurrent versions whatever their age;
 *   <li>an expired object delete marker is a current marker with no other version left;
 *   <li>expiration wins over transition for the same version; of several due transitions the one
 *       furthest down the waterfall applies; only down the waterfall from the version's class;
 *   <li>objects under 128 KiB are not transitioned unless the configuration says
 *       {@code varies_by_storage_class}, and then only to GLACIER and DEEP_ARCHIVE (User Guide,
 *       "Minimum object size for transitions"); a size filter of the rule does not lift this here.
 * </ul>
 */
public final class LifecycleEvaluator {
  private LifecycleEvaluator() {}

  /** One version of a key as the evaluator needs it. */
  public record Version(String versionId, boolean deleteMarker, long size, long lastModifiedMillis, String storageClass,
      Map<String, String> tags) {}

  /** What to do to one version. */
  public sealed interface Action {
    String ruleId();

    String versionId();

    /** Expire the current version (a delete marker when versioning is on, a delete otherwise). */
    record ExpireCurrent(String ruleId, String versionId) implements Action {}

    /** Remove a noncurrent version for good. */
    record ExpireNoncurrent(String ruleId, String versionId) implements Action {}

    /** Remove a delete marker that is the only version left. */
    record RemoveExpiredDeleteMarker(String ruleId, String versionId) implements Action {}

    /** Re-encode the version into {@code storageClass}. */
    record Transition(String ruleId, String versionId, String storageClass) implements Action {}
  }

  /** When the current version expires, and by which rule. */
  public record Expiry(long atMillis, String ruleId) {}

  /** The earliest expiry of a current version by an enabled Expiration Days/Date rule matching it. */
  public static Optional<Expiry> currentExpiry(LifecycleConfiguration c, String key, long size,
      Map<String, String> tags, long lastModifiedMillis, DayScale scale) {
    Expiry best = null;
    for (LifecycleRule r : c.getRulesList()) {
      if (!r.getEnabled() || !LifecycleRules.matches(r.getFilter(), key, size, tags)) {
        continue;
      }
      long at;
      if (r.getHasExpirationDate()) {
        at = r.getExpirationDateMillis();
      } else if (r.getExpirationDays() > 0) {
        at = scale.daysAfter(lastModifiedMillis, r.getExpirationDays());
      } else {
        continue;
      }
      if (best == null || at < best.atMillis()) {
        best = new Expiry(at, r.getId());
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * The actions due at {@code nowMillis} for one key.
   *
   * @param versions every version of the key, newest first (for an unversioned bucket, the one
   *     object)
   */
  public static List<Action> evaluate(LifecycleConfiguration c, String key, List<Version> versions, long nowMillis,
      DayScale scale) {
    List<Action> out = new ArrayList<>();
    if (versions.isEmpty()) {
      return out;
    }
    Version current = versions.get(0);
    if (current.deleteMarker()) {
      if (versions.size() == 1) {
        for (LifecycleRule r : c.getRulesList()) {
          if (r.getEnabled() && r.getExpiredObjectDeleteMarker()
              && LifecycleRules.matches(r.getFilter(), key, 0, Map.of())) {
            out.add(new Action.RemoveExpiredDeleteMarker(r.getId(), current.versionId()));
            break;
          }
        }
      }
    } else {
      Optional<Expiry> expiry = currentExpiry(c, key, current.size(), current.tags(), current.lastModifiedMillis(), scale);
      if (expiry.isPresent() && nowMillis >= expiry.get().atMillis()) {
        out.add(new Action.ExpireCurrent(expiry.get().ruleId(), current.versionId()));
      } else {
        currentTransition(c, key, current, nowMillis, scale).ifPresent(out::add);
      }
    }
    for (int i = 1; i < versions.size(); i++) {
      Version v = versions.get(i);
      long noncurrentSince = versions.get(i - 1).lastModifiedMillis();
      int newerNoncurrent = i - 1;
      Action a = noncurrentAction(c, key, v, noncurrentSince, newerNoncurrent, nowMillis, scale);
      if (a != null) {
        out.add(a);
      }
    }
    return out;
  }

  private static Optional<Action> currentTransition(LifecycleConfiguration c, String key, Version v, long now,
      DayScale scale) {
    String target = null;
    String ruleId = null;
    for (LifecycleRule r : c.getRulesList()) {
      if (!r.getEnabled() || !LifecycleRules.matches(r.getFilter(), key, v.size(), v.tags())) {
        continue;
      }
      for (LifecycleTransition t : r.getTransitionsList()) {
        long due = t.getHasDate() ? t.getDateMillis() : scale.daysAfter(v.lastModifiedMillis(), t.getDays());
        if (now >= due && movable(c, v, t.getStorageClass())
            && (target == null || further(t.getStorageClass(), target))) {
          target = t.getStorageClass();
          ruleId = r.getId();
        }
      }
    }
    return target == null ? Optional.empty() : Optional.of(new Action.Transition(ruleId, v.versionId(), target));
  }

  private static Action noncurrentAction(LifecycleConfiguration c, String key, Version v, long since,
      int newerNoncurrent, long now, DayScale scale) {
    String target = null;
    String ruleId = null;
    for (LifecycleRule r : c.getRulesList()) {
      if (!r.getEnabled() || !LifecycleRules.matches(r.getFilter(), key, v.size(), v.tags())) {
        continue;
      }
      if (r.getHasNoncurrentExpiration() && newerNoncurrent >= r.getNewerNoncurrentVersions()
          && now >= scale.daysAfter(since, r.getNoncurrentExpirationDays())) {
        return new Action.ExpireNoncurrent(r.getId(), v.versionId());
      }
      if (v.deleteMarker()) {
        continue;
      }
      for (LifecycleNoncurrentTransition t : r.getNoncurrentTransitionsList()) {
        if (newerNoncurrent >= t.getNewerNoncurrentVersions() && now >= scale.daysAfter(since, t.getNoncurrentDays())
            && movable(c, v, t.getStorageClass()) && (target == null || further(t.getStorageClass(), target))) {
          target = t.getStorageClass();
          ruleId = r.getId();
        }
      }
    }
    return target == null ? null : new Action.Transition(ruleId, v.versionId(), target);
  }

  private static boolean movable(LifecycleConfiguration c, Version v, String target) {
    if (!LifecycleRules.transitionAllowed(v.storageClass(), target)) {
      return false;
    }
    if (v.size() >= LifecycleRules.MIN_TRANSITION_SIZE_BYTES) {
      return true;
    }
    return c.getTransitionDefaultMinimumObjectSize().equals(LifecycleRules.MIN_SIZE_VARIES)
        && (target.equals("GLACIER") || target.equals("DEEP_ARCHIVE"));
  }

  private static boolean further(String a, String b) {
    return LifecycleRules.WATERFALL.indexOf(a) > LifecycleRules.WATERFALL.indexOf(b);
  }

  /** Whether an upload initiated at {@code initiatedMillis} is due for abort by an enabled rule. */
  public static Optional<String> abortRule(LifecycleConfiguration c, String key, long initiatedMillis, long nowMillis,
      DayScale scale) {
    for (LifecycleRule r : c.getRulesList()) {
      if (r.getEnabled() && r.getAbortDaysAfterInitiation() > 0 && key.startsWith(r.getFilter().getPrefix())
          && nowMillis >= scale.daysAfter(initiatedMillis, r.getAbortDaysAfterInitiation())) {
        return Optional.of(r.getId());
      }
    }
    return Optional.empty();
  }

  /** The {@code x-amz-expiration} value S3 sends: {@code expiry-date="<http date>", rule-id="<id>"}. */
  public static String header(Expiry e) {
    return "expiry-date=\"" + io.moraine.gateway.http.S3Response.httpDate(e.atMillis()) + "\", rule-id=\""
        + e.ruleId() + "\"";
  }
}
