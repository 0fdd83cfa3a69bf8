package io.moraine.metadata.api;

/**
 * A ListObjectVersions page request.
 *
 * @param keyMarker "" for none; alone, listing starts after this key (or common prefix)
 * @param versionIdMarker "" for none; with keyMarker, listing starts after this version of it
 * @param maxKeys 1..1000 entries (versions, delete markers and common prefixes) per page
 */
public record VersionListRequest(String prefix, String delimiter, String keyMarker, String versionIdMarker, int maxKeys) {}
