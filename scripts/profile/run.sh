#!/usr/bin/env bash
# Profile bin/moraine dev under bench s3 with JDK Flight Recorder: 4 KiB PUT and GET (64 connections,
# presigned), 1 GiB PUT and GET (one stream). Usage: scripts/profile/run.sh [OUT_DIR]; then
# python3 scripts/profile/agg.py OUT_DIR/*.jfr summarises where the CPU went (docs/performance.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
D=${1:-/tmp/moraine-profile}; rm -rf $D/data; mkdir -p $D
source bin/lib/jdk.sh; J="$JAVA_HOME/bin"
P=$(python3 -c 'import socket;s=socket.socket();s.bind(("",0));print(s.getsockname()[1])')
Z=$(python3 -c 'import socket;s=socket.socket();s.bind(("",0));print(s.getsockname()[1])')
bin/moraine dev --data-dir $D/data --port $P --zk-port $Z > $D/dev.log 2>&1 &
DEV=$!
trap 'kill $DEV; wait $DEV 2>/dev/null || true' EXIT
for i in $(seq 1 180); do grep -q "moraine ready" $D/dev.log && break; sleep 1; done
grep "moraine ready" $D/dev.log
JPID=$(pgrep -f "io.moraine.launcher.Main dev --data-dir $D/data" | head -1)
curl -sf --aws-sigv4 "aws:amz:us-east-1:s3" --user moraineadmin:moraineadmin -X PUT http://127.0.0.1:$P/prof >/dev/null
phase() { # name, bench args...
  local name=$1; shift
  echo "== $name: $(uptime)"
  $J/jcmd $JPID JFR.start name=$name settings=profile >/dev/null
  bin/moraine bench s3 --endpoint http://127.0.0.1:$P --bucket prof "$@" 2>&1 | tail -1
  $J/jcmd $JPID JFR.stop name=$name filename=$D/$name.jfr >/dev/null
}
# warm-up (JIT), not recorded
bin/moraine bench s3 --endpoint http://127.0.0.1:$P --bucket prof --op put --size 4KiB --concurrency 64 --duration 10s --presigned 2>&1 | tail -1
phase put4k --op put --size 4KiB --concurrency 64 --duration 20s --presigned
bin/moraine bench s3 --endpoint http://127.0.0.1:$P --bucket prof --op put --size 4KiB --concurrency 64 --duration 5s --presigned --keep 2>&1 | tail -1
phase get4k --op get --size 4KiB --concurrency 64 --duration 20s --presigned
phase put1g --op put --size 1GiB --concurrency 1 --duration 25s --presigned
phase get1g --op get --size 1GiB --concurrency 1 --duration 25s --presigned
echo "== done: $(uptime)"
