package io.moraine.metadata.api;

/**
 * A ListObjects page request.
 *
 * @param prefix only keys starting with it ("" for all)
 * @param delimiter "" for none; otherwise keys with the delimiter after the prefix roll up into
 *     one common prefix, which is skipped over, not scanned key by key
 * @param startAfter exclusive lower bound: a key, or a common prefix returned earlier ("" none)
 * @param maxKeys 1..1000 entries (keys plus common prefixes) per page
 */
public record ListRequest(String prefix, String delimiter, String startAfter, int maxKeys) {}
