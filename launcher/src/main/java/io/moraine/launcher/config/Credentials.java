package io.moraine.launcher.config;

import java.util.Map;

/** The root account's keys (DESIGN.md, Contracts): from the environment, else moraineadmin/moraineadmin. */
public record Credentials(String accessKey, String secretKey) {

  public static final String ENV_ACCESS_KEY = "MORAINE_ROOT_ACCESS_KEY";
  public static final String ENV_SECRET_KEY = "MORAINE_ROOT_SECRET_KEY";
  public static final String DEFAULT_KEY = "moraineadmin";

  public static Credentials fromEnvironment(Map<String, String> env) {
    String ak = env.getOrDefault(ENV_ACCESS_KEY, "");
    String sk = env.getOrDefault(ENV_SECRET_KEY, "");
    return new Credentials(ak.isBlank() ? DEFAULT_KEY : ak, sk.isBlank() ? DEFAULT_KEY : sk);
  }
}
