package io.moraine.metadata.api;

import java.util.List;

/**
 * One page of a listing in key order.
 *
 * @param nextMarker when truncated, the last key or common prefix of this page: pass it as
 *     {@code startAfter} to continue
 */
public record ListPage(
    List<ObjectSummary> contents, List<String> commonPrefixes, boolean truncated, String nextMarker) {}
