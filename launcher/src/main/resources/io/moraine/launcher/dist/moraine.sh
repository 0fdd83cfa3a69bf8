#!/usr/bin/env bash
# moraine — an installed release (built by `bin/moraine dist`): runs the launcher from this
# release's lib/ on a Java >= 21 runtime. No Maven, no sources, no JDK tools needed.
#   Java: $MORAINE_JAVA, else $JAVA_HOME/bin/java, else `java` on PATH; it must be >= 21.
#   MORAINE_HEAP (e.g. 256m) sets -Xmx; MORAINE_JAVA_OPTS adds JVM flags.
set -euo pipefail

HOME_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"

java_major() {
  local v
  v="$("$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')" || true
  v="${v%%.*}"
  [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" || echo 0
}

JAVA="${MORAINE_JAVA:-}"
if [[ -z "$JAVA" && -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; fi
if [[ -z "$JAVA" ]]; then JAVA="$(command -v java || true)"; fi
if [[ -z "$JAVA" || ! -x "$JAVA" ]]; then
  echo "moraine: no java found (set MORAINE_JAVA or JAVA_HOME to a Java >= 21 runtime)" >&2
  exit 1
fi
MAJOR="$(java_major "$JAVA")"
if (( MAJOR < 21 )); then
  echo "moraine: $JAVA is Java $MAJOR; Moraine needs >= 21 (set MORAINE_JAVA or JAVA_HOME)" >&2
  exit 1
fi

JVM_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseG1GC)
if (( MAJOR >= 24 )); then JVM_FLAGS+=(--sun-misc-unsafe-memory-access=allow); fi
if [[ -n "${MORAINE_HEAP:-}" ]]; then JVM_FLAGS+=("-Xmx${MORAINE_HEAP}"); fi
# shellcheck disable=SC2206
EXTRA=(${MORAINE_JAVA_OPTS:-})

exec "$JAVA" "${JVM_FLAGS[@]}" "${EXTRA[@]}" \
  -Dmoraine.home="$HOME_DIR" -Dmoraine.jdk.major="$MAJOR" \
  -cp "$HOME_DIR/lib/*" io.moraine.launcher.Main "$@"
