#!/bin/sh
# Prints Prometheus file_sd targets (JSON) for the admin ports of a local Moraine:
#   targets.sh dev DATA_DIR   one target: the dev JVM's admin port (port.admin in dev.properties)
#   targets.sh cluster DIR    one target per process (port.NODE.admin in cluster.properties),
#                             labelled role=zk|meta|storage|gateway
# Labels: moraine_cluster (the directory's name) and role. docs/monitoring.md.
set -eu
mode=${1:?usage: targets.sh dev DATA_DIR | cluster DIR}
dir=${2:?usage: targets.sh dev DATA_DIR | cluster DIR}
name=$(basename "$(cd "$dir" && pwd)")
case "$mode" in
  dev)
    port=$(sed -n 's/^port\.admin=//p' "$dir/dev.properties")
    [ -n "$port" ] || { echo "no port.admin in $dir/dev.properties" >&2; exit 1; }
    printf '[\n  {"targets": ["127.0.0.1:%s"], "labels": {"moraine_cluster": "%s", "role": "dev"}}\n]\n' "$port" "$name"
    ;;
  cluster)
    file="$dir/cluster.properties"
    [ -f "$file" ] || { echo "no $file (was the cluster started with --dir $dir?)" >&2; exit 1; }
    host=127.0.0.1
    first=1
    echo '['
    sed -n 's/^port\.\([a-z0-9-]*\)\.admin=\([0-9]*\)$/\1 \2/p' "$file" | sort | while read -r node port; do
      role=${node%%-*}
      [ $first -eq 1 ] || echo ','
      first=0
      printf '  {"targets": ["%s:%s"], "labels": {"moraine_cluster": "%s", "role": "%s"}}' "$host" "$port" "$name" "$role"
    done
    printf '\n]\n'
    ;;
  *) echo "usage: targets.sh dev DATA_DIR | cluster DIR" >&2; exit 2 ;;
esac
