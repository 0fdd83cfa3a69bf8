package io.moraine.launcher.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Server-rendered pages: escaping and the page frame. Every string that a user can influence
 * (bucket and key names — keys may contain {@code <} — user names, error messages, stored
 * configurations) goes through {@link #esc} or {@link #url} before it reaches the page.
 */
final class Html {
  private Html() {}

  static String esc(Object value) {
    String s = String.valueOf(value);
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A query parameter value. */
  static String url(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** A hidden CSRF field for a POST form. */
  static String csrf(Sessions.Session s) {
    return "<input type=hidden name=csrf value=\"" + esc(s.csrf()) + "\">";
  }

  /** The page frame: navigation (when logged in), a title and the body. */
  static String page(String title, Sessions.Session session, String body, boolean autoRefresh) {
    StringBuilder p = new StringBuilder(4096);
    p.append("<!doctype html><html lang=en><head><meta charset=utf-8><title>").append(esc(title))
        .append(" — Moraine console</title><link rel=stylesheet href=\"/console/static/console.css\">");
    if (autoRefresh) {
      p.append("<meta http-equiv=refresh content=5>");
    }
    p.append("</head><body>");
    if (session != null) {
      p.append("<nav><b>Moraine</b> <a href=\"/console/cluster\">Cluster</a> <a href=\"/console/buckets\">Buckets</a> ")
          .append("<a href=\"/console/users\">Users and keys</a> <span class=who>").append(esc(session.displayName()))
          .append(" (").append(esc(session.accessKey())).append(")</span> <form method=post action=\"/console/logout\" class=inline>")
          .append(csrf(session)).append("<button id=logout>Log out</button></form></nav>");
    }
    p.append("<main><h1>").append(esc(title)).append("</h1>").append(body)
        .append("</main><script src=\"/console/static/console.js\"></script></body></html>");
    return p.toString();
  }
}
