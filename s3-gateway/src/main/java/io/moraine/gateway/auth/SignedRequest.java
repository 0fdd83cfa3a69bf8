package io.moraine.gateway.auth;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What SigV4 needs of an HTTP request, independent of the HTTP server.
 *
 * @param rawPath the path as received (still percent-encoded)
 * @param decodedPath the path decoded once
 * @param query the query parameters, decoded, in arrival order
 * @param headers lower-case header names to their values in arrival order
 */
public record SignedRequest(
    String method, String rawPath, String decodedPath, List<AwsUris.QueryParam> query, Map<String, List<String>> headers) {

  public Optional<String> header(String lowerCaseName) {
    List<String> values = headers.get(lowerCaseName);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public Optional<String> queryParam(String name) {
    for (AwsUris.QueryParam p : query) {
      if (p.name().equals(name)) {
        return Optional.of(p.value());
      }
    }
    return Optional.empty();
  }
}
