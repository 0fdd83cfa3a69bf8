package io.moraine.gateway.bucket;

import io.moraine.gateway.error.S3Error;
import io.moraine.gateway.error.S3Exception;
import java.util.regex.Pattern;

/**
 * S3's general-purpose bucket naming rules (S3 User Guide, "Bucket naming rules"): 3 to 63
 * characters; lowercase letters, digits, hyphens and periods; starting and ending with a letter
 * or digit; no two adjacent periods and no period next to a hyphen; not formatted as an IP address; not the reserved
 * {@code xn--} prefix or {@code -s3alias} / {@code --ol-s3} suffixes.
 */
public final class BucketNames {

  private BucketNames() {}

  private static final Pattern SHAPE = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  public static boolean isValid(String name) {
    return name != null
        && SHAPE.matcher(name).matches()
        && !name.contains("..")
        && !name.contains(".-")
        && !name.contains("-.")
        && !IPV4.matcher(name).matches()
        && !name.startsWith("xn--")
        && !name.startsWith("sthree-")
        && !name.endsWith("-s3alias")
        && !name.endsWith("--ol-s3");
  }

  public static void check(String name) {
    if (!isValid(name)) {
      throw new S3Exception(new S3Error.InvalidBucketName("The specified bucket is not valid."));
    }
  }
}
