package io.moraine.metadata.api;

import java.util.List;

/**
 * One page of ListObjectVersions, by key then newest first.
 *
 * @param nextKeyMarker / nextVersionIdMarker when truncated, where the next page starts (the
 *     version id marker is null when the page ended on a common prefix)
 */
public record VersionListPage(
    List<VersionEntry> versions, List<String> commonPrefixes, boolean truncated, String nextKeyMarker,
    String nextVersionIdMarker) {}
