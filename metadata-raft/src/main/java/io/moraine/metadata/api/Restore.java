package io.moraine.metadata.api;

/**
 * The restore of an archived object version (GLACIER, DEEP_ARCHIVE): in progress until
 * {@code readyMillis}, then done with a temporary {@code copy} readable until {@code expiryMillis}.
 *
 * @param ongoing the copy is not made yet (x-amz-restore: ongoing-request="true")
 * @param tier Expedited, Standard or Bulk
 * @param days the Days of the latest request
 * @param readyMillis ongoing: when the copy is due; done: when it was made
 * @param expiryMillis done: when the copy goes (0 while ongoing)
 * @param copy done: the temporary copy's layout (null while ongoing)
 */
public record Restore(boolean ongoing, String tier, int days, long requestedMillis, long readyMillis,
    long expiryMillis, DataLayout copy) {

  /** A done restore whose copy is still kept at {@code nowMillis}: GET reads the copy. */
  public boolean readableAt(long nowMillis) {
    return !ongoing && copy != null && nowMillis < expiryMillis;
  }
}
