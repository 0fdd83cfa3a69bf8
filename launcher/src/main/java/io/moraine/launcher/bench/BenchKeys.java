package io.moraine.launcher.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The loader's objects: object {@code i} has key {@code dir%03d/obj%07d} (directory {@code i mod
 * 1000}, so a delimiter listing of the bucket has 1000 common prefixes, each over N/1000 keys)
 * and small deterministic bytes, so a re-run writes the same content and any reader can check it.
 */
public final class BenchKeys {

  public static final int DIRECTORIES = 1000;
  /** obj%07d keeps keys in index order inside a directory up to this many objects. */
  public static final int MAX_OBJECTS = 10_000_000;

  private BenchKeys() {}

  public static String key(long i) {
    check(i);
    return String.format(Locale.ROOT, "dir%03d/obj%07d", i % DIRECTORIES, i);
  }

  /** The common prefix of directory {@code d} ("dir042/"). */
  public static String directory(int d) {
    if (d < 0 || d >= DIRECTORIES) {
      throw new IllegalArgumentException("directory " + d + " not in 0.." + (DIRECTORIES - 1));
    }
    return String.format(Locale.ROOT, "dir%03d/", d);
  }

  /** The index of a loader key, or -1 when {@code key} is not one. */
  public static long index(String key) {
    if (key.length() != 17 || !key.startsWith("dir") || key.charAt(6) != '/' || !key.startsWith("obj", 7)) {
      return -1;
    }
    try {
      long i = Long.parseLong(key.substring(10));
      return key.equals(key(i)) ? i : -1;
    } catch (IllegalArgumentException e) {
      return -1; // not digits, or out of range: not a loader key
    }
  }

  /** The bytes of object {@code i} (a few dozen: inline in its metadata record). */
  public static byte[] body(long i) {
    check(i);
    return ("moraine bench object " + i + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  /** The S3 ETag of {@code body(i)}: hex MD5, unquoted. */
  public static String etag(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 missing from this JDK", e);
    }
  }

  private static void check(long i) {
    if (i < 0 || i >= MAX_OBJECTS) {
      throw new IllegalArgumentException("object index " + i + " not in 0.." + (MAX_OBJECTS - 1));
    }
  }
}
