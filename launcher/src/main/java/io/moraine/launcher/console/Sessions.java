package io.moraine.launcher.console;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * The console's logins, in memory only (a restart logs everyone out): a session id and a CSRF
 * token, both 32 random bytes from the injected generator, and a fixed expiry from the injected
 * clock. The session keeps the caller's keys because the console acts as an S3 client of its
 * gateway with them; they never leave this process (the cookie holds only the id).
 */
final class Sessions {

  /** A logged-in caller. {@code operator}: the cluster's root account, who may see the cluster map. */
  record Session(String id, String csrf, String accessKey, String secretKey, String displayName, boolean operator,
      long expiresMillis) {
    boolean csrfMatches(String token) {
      return token != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
          token.getBytes(StandardCharsets.UTF_8));
    }
  }

  static final String COOKIE = "moraine_console";

  private final InstantSource clock;
  private final RandomGenerator random;
  private final Duration lifetime;
  private final Map<String, Session> byId = new ConcurrentHashMap<>();

  Sessions(InstantSource clock, RandomGenerator random, Duration lifetime) {
    this.clock = clock;
    this.random = random;
    this.lifetime = lifetime;
  }

  Session create(String accessKey, String secretKey, String displayName, boolean operator) {
    long now = clock.millis();
    byId.values().removeIf(s -> s.expiresMillis() <= now);
    Session s = new Session(token(), token(), accessKey, secretKey, displayName, operator, now + lifetime.toMillis());
    byId.put(s.id(), s);
    return s;
  }

  /** The live session named by a Cookie header, if any. */
  Optional<Session> find(String cookieHeader) {
    if (cookieHeader == null) {
      return Optional.empty();
    }
    for (String part : cookieHeader.split(";")) {
      String c = part.trim();
      if (c.startsWith(COOKIE + "=")) {
        Session s = byId.get(c.substring(COOKIE.length() + 1));
        if (s != null && s.expiresMillis() > clock.millis()) {
          return Optional.of(s);
        }
        if (s != null) {
          byId.remove(s.id());
        }
      }
    }
    return Optional.empty();
  }

  void remove(Session s) {
    byId.remove(s.id());
  }

  /** The Set-Cookie value of a session: HttpOnly, SameSite=Strict, scoped to the console, expiring with it. */
  String cookie(Session s) {
    return COOKIE + "=" + s.id() + "; Path=/console/; HttpOnly; SameSite=Strict; Max-Age=" + lifetime.toSeconds();
  }

  static String expiredCookie() {
    return COOKIE + "=; Path=/console/; HttpOnly; SameSite=Strict; Max-Age=0";
  }

  private String token() {
    byte[] b = new byte[32];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
