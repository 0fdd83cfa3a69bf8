# Sourced by bin/moraine and bin/test: finds a JDK >= 21 (DESIGN.md, Contracts) and sets
# JAVA_HOME, JDK_MAJOR and, on JDKs that know it, the flag shaded netty needs.

# The major version of a java binary, or 0 when it cannot be run.
java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')" || true
  v="${v%%.*}"
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

# JAVA_HOME only if it is a JDK >= 21 (javac present), else the newest JDK >= 21 under
# /usr/lib/jvm, else stop with a clear message.
find_jdk() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" && -x "$JAVA_HOME/bin/javac" ]] \
      && (( $(java_major "$JAVA_HOME/bin/java") >= 21 )); then
    echo "$JAVA_HOME"; return
  fi
  local best="" best_major=0 d m
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [[ -x "$d/bin/java" && -x "$d/bin/javac" && ! -L "$d" ]] || continue
    m="$(java_major "$d/bin/java")"
    if (( m >= 21 && m > best_major )); then best="$d"; best_major="$m"; fi
  done
  if [[ -z "$best" ]]; then
    echo "moraine: no JDK >= 21 found (JAVA_HOME=${JAVA_HOME:-unset}; looked under /usr/lib/jvm)." >&2
    echo "moraine: install one (e.g. a Temurin 21 or 25 JDK) or point JAVA_HOME at it." >&2
    return 1
  fi
  echo "$best"
}

JAVA_HOME="$(find_jdk)" || exit 1
export JAVA_HOME
JDK_MAJOR="$(java_major "$JAVA_HOME/bin/java")"
if (( JDK_MAJOR >= 24 )); then
  # Maven itself (guava) and the shaded netty of Ratis/gRPC use sun.misc.Unsafe memory access.
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "moraine: Maven (mvn) is needed to build Moraine; install it (apt-get install maven)." >&2
    exit 1
  fi
}
