package io.moraine.launcher.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The console's sessions with an injected clock and seeded randomness, and its HTML escaping. */
class SessionsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

  @Test
  void aSessionIsFoundByItsCookieUntilItExpires() {
    Sessions sessions = new Sessions(clock, new Random(7), Duration.ofMinutes(10));
    Sessions.Session s = sessions.create("AK", "SK", "root", true);
    assertThat(s.id()).hasSize(64).isNotEqualTo(s.csrf());
    assertThat(sessions.find("a=b; " + Sessions.COOKIE + "=" + s.id())).contains(s);
    assertThat(sessions.find(Sessions.COOKIE + "=" + s.id() + "x")).isEmpty();
    assertThat(sessions.find(null)).isEmpty();
    now.addAndGet(Duration.ofMinutes(10).toMillis());
    assertThat(sessions.find(Sessions.COOKIE + "=" + s.id())).isEmpty();
  }

  @Test
  void theCookieIsHttpOnlyStrictAndScopedToTheConsole() {
    Sessions sessions = new Sessions(clock, new Random(7), Duration.ofHours(8));
    String cookie = sessions.cookie(sessions.create("AK", "SK", "root", false));
    assertThat(cookie).contains("; HttpOnly").contains("; SameSite=Strict").contains("; Path=/console/")
        .contains("; Max-Age=28800");
    assertThat(Sessions.expiredCookie()).contains("Max-Age=0");
  }

  @Test
  void csrfTokensMustMatchExactly() {
    Sessions.Session s = new Sessions(clock, new Random(1), Duration.ofHours(1)).create("AK", "SK", "u", false);
    assertThat(s.csrfMatches(s.csrf())).isTrue();
    assertThat(s.csrfMatches(null)).isFalse();
    assertThat(s.csrfMatches("")).isFalse();
    assertThat(s.csrfMatches(s.csrf().substring(1))).isFalse();
  }

  @Test
  void sameSeedSameIdsOtherSeedOtherIds() {
    String a = new Sessions(clock, new Random(3), Duration.ofHours(1)).create("AK", "SK", "u", false).id();
    String b = new Sessions(clock, new Random(3), Duration.ofHours(1)).create("AK", "SK", "u", false).id();
    String c = new Sessions(clock, new Random(4), Duration.ofHours(1)).create("AK", "SK", "u", false).id();
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void userControlledStringsAreEscaped() {
    assertThat(Html.esc("<b a=\"x\" b='y'>&</b>")).isEqualTo("&lt;b a=&quot;x&quot; b=&#39;y&#39;&gt;&amp;&lt;/b&gt;");
    assertThat(Html.url("a b/<c>&d")).isEqualTo("a%20b%2F%3Cc%3E%26d");
    assertThat(Html.bytes(1023)).isEqualTo("1023 B");
    assertThat(Html.bytes(20L * 1024 * 1024)).isEqualTo("20.0 MiB");
  }

  @Test
  void formsAreDecodedAndMalformedOnesRefused() {
    assertThat(Console.parse("a=1&b=x%3Cy&a=2&c")).containsEntry("a", "1").containsEntry("b", "x<y").containsEntry("c", "");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Console.parse("a=%ZZ")).isInstanceOf(RuntimeException.class)
        .hasMessageContaining("malformed");
  }
}
