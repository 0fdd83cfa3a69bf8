package io.moraine.metadata.api;

import java.util.List;

/**
 * One page of ListMultipartUploads, in (key, upload id) order.
 *
 * @param nextKeyMarker / nextUploadIdMarker when truncated, where the next page starts (the
 *     upload id marker is null when the page ended on a common prefix); null when not truncated
 */
public record UploadListPage(
    List<MultipartUpload> uploads, List<String> commonPrefixes, boolean truncated, String nextKeyMarker,
    String nextUploadIdMarker) {}
