package io.moraine.metadata.api;

/**
 * A conditional write (PUT or Complete with If-Match / If-None-Match: *), checked against the
 * current version atomically with the commit.
 *
 * @param ifMatchEtag null for none; otherwise the current version's ETag must be this one
 *     (unquoted), NO_SUCH_KEY when there is no current version, PRECONDITION_FAILED when it differs
 * @param ifNoneMatch the key must have no current version (PRECONDITION_FAILED otherwise)
 */
public record WriteCondition(String ifMatchEtag, boolean ifNoneMatch) {
  public static final WriteCondition NONE = new WriteCondition(null, false);

  public boolean isNone() {
    return ifMatchEtag == null && !ifNoneMatch;
  }
}
