#!/usr/bin/env bash
# ansible/test/deploy.sh — the full install drill on the 8 test hosts (hosts.sh), as a new
# operator would run it, with a verdict line per step and a last line `deploy: passed` or
# `deploy: failed (STEP)`.
#
#   1. fresh hosts (hosts.sh down + up), the release tarball (bin/moraine dist)
#   2. site.yml installs and starts everything; a second site.yml run changes nothing
#   3. aws cli against every gateway: make a bucket, a 100 MiB object up and back (cmp), a listing
#   4. rolling_restart.yml while a PUT/GET loop (ansible/test/s3load.py, SDK retries off) runs
#      through haproxy on this box in front of the three gateways (the playbook drains each
#      gateway in haproxy before restarting its host): zero failed requests, zero mismatches
#   5. add_storage.yml makes mh8 a storage node; data moves onto it
#   6. one whole AZ (az1: mh1, mh4) powered off: every object still reads back byte-exact
#      through the gateways of the other AZs; the AZ back on
#   7. hosts.sh down (unless --keep)
#
#   deploy.sh [--keep] [--skip-rolling]   needs root and what `hosts.sh check` needs, plus
#                                         ansible, haproxy, aws cli (v2) and python3-boto3
#   MORAINE_DEPLOY_LOGS=DIR deploy.sh --resume add-storage
#                                         after a run with --keep failed at step 5: steps 5-7 only,
#                                         on the hosts as they are, with DIR's big.bin
# Exit status 0 only when every step passed; 3 when this machine cannot run the hosts.
# Logs: $MORAINE_DEPLOY_LOGS (default ./deploy-results/<timestamp>/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HOSTS_SH="$ROOT/ansible/test/hosts.sh"
STATE="${MORAINE_TESTHOSTS_DIR:-/var/lib/moraine-testhosts}"
LOGS="${MORAINE_DEPLOY_LOGS:-$ROOT/deploy-results/$(date -u +%Y%m%dT%H%M%SZ)}"
KEEP=0
ROLLING=1
RESUME=""
while (( $# > 0 )); do
  case "$1" in
    --keep) KEEP=1 ;;
    --skip-rolling) ROLLING=0 ;;
    --resume) RESUME="${2:-}"; shift ;;
    *) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
  shift
done
if [[ -n "$RESUME" && ( "$RESUME" != add-storage || ! -f "$LOGS/big.bin" ) ]]; then
  echo "deploy: --resume add-storage needs MORAINE_DEPLOY_LOGS naming a kept run's directory (with big.bin)" >&2; exit 2
fi

GATEWAYS=(10.77.0.14 10.77.0.15 10.77.0.17)   # mh4 (az1), mh5 (az2), mh7 (az3): inventories/example
GATEWAY_PORT=9000
LB_PORT=9080
LB_SOCKET="$STATE/haproxy.sock"
AWS="${MORAINE_AWS_CLI:-/usr/bin/aws}"
mkdir -p "$LOGS"

say() { echo "deploy: $*" | tee -a "$LOGS/summary.txt" >&2; }
fail() { say "step $1 FAILED: $2"; echo "deploy: failed ($1)"; cleanup; exit 1; }

lb_pid=""
cleanup() {
  [[ -n "$lb_pid" ]] && kill "$lb_pid" 2>/dev/null || true
  if (( KEEP == 0 )); then "$HOSTS_SH" down >>"$LOGS/hosts.log" 2>&1 || true; fi
}

missing=()
for c in ansible-playbook haproxy python3 "$AWS"; do command -v "$c" >/dev/null 2>&1 || missing+=("$c"); done
python3 -c 'import boto3' 2>/dev/null || missing+=(python3-boto3)
if (( ${#missing[@]} > 0 )); then echo "deploy: SKIPPED: missing ${missing[*]}"; exit 3; fi
if ! "$HOSTS_SH" check >"$LOGS/check.log" 2>&1; then
  echo "deploy: SKIPPED: this machine cannot run the test hosts ($(tr '\n' ' ' < "$LOGS/check.log"))"; exit 3
fi

# The root keys the example inventory's vault holds.
creds="$(cd "$ROOT/ansible" && ansible localhost -m debug -a 'msg={{ vault_moraine_root_access_key ~ ":" ~ vault_moraine_root_secret_key }}' \
  -e @inventories/example/group_vars/all/vault.yml 2>/dev/null | sed -n 's/.*"msg": "\(.*\)".*/\1/p')"
export AWS_ACCESS_KEY_ID="${creds%%:*}" AWS_SECRET_ACCESS_KEY="${creds#*:}" AWS_DEFAULT_REGION=us-east-1
[[ -n "$AWS_ACCESS_KEY_ID" && "$AWS_ACCESS_KEY_ID" != "$creds" ]] || fail vault "could not read the root keys from the example vault"

playbook() { # playbook NAME LOGNAME [ARGS...]
  local name="$1" log="$LOGS/$2.log"
  shift 2
  (cd "$ROOT/ansible" && ansible-playbook -i inventories/example "$name" "$@") >"$log" 2>&1
}
s3() { # s3 HOST|URL aws-args...
  local url="$1"
  [[ "$url" == http* ]] || url="http://$url:$GATEWAY_PORT"
  "$AWS" --endpoint-url "$url" "${@:2}"
}

t0=$SECONDS
if [[ -z "$RESUME" ]]; then
# 1. Fresh hosts and the release.
"$HOSTS_SH" down >"$LOGS/hosts.log" 2>&1 || true
"$HOSTS_SH" up >>"$LOGS/hosts.log" 2>&1 || fail hosts "hosts.sh up (see $LOGS/hosts.log)"
"$ROOT/bin/moraine" dist >"$LOGS/dist.log" 2>&1 || fail dist "bin/moraine dist (see $LOGS/dist.log)"
say "hosts up, release $(cat "$ROOT/dist/LATEST") ($((SECONDS - t0)) s)"

# 2. Install, then idempotence.
t=$SECONDS
playbook site.yml site-1 || fail site "site.yml (see $LOGS/site-1.log)"
say "site.yml: installed and whole ($((SECONDS - t)) s)"
t=$SECONDS
playbook site.yml site-2 || fail site-again "second site.yml (see $LOGS/site-2.log)"
changed="$(grep -E '^mh[0-9]+ +: ' "$LOGS/site-2.log" | sed -n 's/.*changed=\([0-9]*\).*/\1/p' | awk '{s += $1} END {print s + 0}')"
[[ "$changed" == 0 ]] || fail site-again "second site.yml changed $changed tasks (see $LOGS/site-2.log)"
say "site.yml again: changed=0 on every host ($((SECONDS - t)) s)"

# 3. The aws cli against every gateway.
t=$SECONDS
head -c $((100 * 1024 * 1024)) /dev/urandom >"$LOGS/big.bin"
s3 "${GATEWAYS[0]}" s3 mb s3://drill >"$LOGS/aws.log" 2>&1 || fail aws "mb (see $LOGS/aws.log)"
for i in "${!GATEWAYS[@]}"; do
  g="${GATEWAYS[$i]}"
  s3 "$g" s3 cp --only-show-errors "$LOGS/big.bin" "s3://drill/big-$i.bin" >>"$LOGS/aws.log" 2>&1 || fail aws "cp up via $g"
  for h in "${GATEWAYS[@]}"; do
    s3 "$h" s3 cp --only-show-errors "s3://drill/big-$i.bin" "$LOGS/back.bin" >>"$LOGS/aws.log" 2>&1 || fail aws "cp down via $h"
    cmp -s "$LOGS/big.bin" "$LOGS/back.bin" || fail aws "big-$i.bin read via $h differs"
  done
  listed="$(s3 "$g" s3 ls s3://drill/ | grep -c 'big-' || true)"
  (( listed == i + 1 )) || fail aws "listing via $g shows $listed objects, expected $((i + 1))"
done
# SSE-S3 with the vault's root key: sealed through one gateway, read through every other.
head -c $((3 * 1024 * 1024 + 17)) /dev/urandom >"$LOGS/secret.bin"
s3 "${GATEWAYS[0]}" s3 cp --only-show-errors --sse AES256 "$LOGS/secret.bin" s3://drill/secret.bin >>"$LOGS/aws.log" 2>&1 \
  || fail sse "cp --sse AES256 via ${GATEWAYS[0]} (see $LOGS/aws.log)"
sse="$(s3 "${GATEWAYS[0]}" s3api head-object --bucket drill --key secret.bin --query ServerSideEncryption --output text 2>>"$LOGS/aws.log")"
[[ "$sse" == AES256 ]] || fail sse "head-object says ServerSideEncryption=$sse, expected AES256"
for h in "${GATEWAYS[@]}"; do
  s3 "$h" s3 cp --only-show-errors s3://drill/secret.bin "$LOGS/back.bin" >>"$LOGS/aws.log" 2>&1 || fail sse "encrypted cp down via $h"
  cmp -s "$LOGS/secret.bin" "$LOGS/back.bin" || fail sse "secret.bin read via $h differs"
done
rm -f "$LOGS/back.bin"
say "aws cli: 100 MiB object through each of ${#GATEWAYS[@]} gateways, read back byte-exact through every gateway, listings exact; an SSE-S3 object sealed via one gateway read byte-exact via all ($((SECONDS - t)) s)"

# 4. Rolling restart under load, through haproxy.
if (( ROLLING == 1 )); then
  t=$SECONDS
  {
    echo "global"
    echo "  stats socket $LB_SOCKET mode 600 level admin"
    echo "defaults"
    echo "  mode http"
    echo "  timeout connect 5s"
    echo "  timeout client 60s"
    echo "  timeout server 60s"
    echo "  retries 0"
    echo "frontend s3"
    echo "  bind 10.77.0.1:$LB_PORT"
    echo "  default_backend moraine_gateways"
    echo "backend moraine_gateways"
    echo "  balance roundrobin"
    echo "  option httpchk GET /health"
    n=0
    for h in mh4 mh5 mh7; do
      echo "  server $h ${GATEWAYS[$n]}:$GATEWAY_PORT check port 9121 inter 1s fall 2 rise 2"
      n=$((n + 1))
    done
  } >"$LOGS/haproxy.cfg"
  rm -f "$LB_SOCKET"
  haproxy -f "$LOGS/haproxy.cfg" >"$LOGS/haproxy.log" 2>&1 &
  lb_pid=$!
  sleep 3
  s3 "http://10.77.0.1:$LB_PORT" s3 ls s3://drill/ >/dev/null 2>&1 \
    || fail rolling "haproxy in front of the gateways does not answer (see $LOGS/haproxy.log)"
  rm -f "$LOGS/load.stop"
  python3 "$ROOT/ansible/test/s3load.py" --endpoint "http://10.77.0.1:$LB_PORT" --bucket drill \
    --stop-file "$LOGS/load.stop" >"$LOGS/load.log" 2>&1 &
  load_pid=$!
  sleep 10
  rolling_rc=0
  playbook rolling_restart.yml rolling -e "moraine_lb_haproxy_socket=$LB_SOCKET" -e moraine_lb_host=localhost \
    || rolling_rc=$?
  sleep 5
  touch "$LOGS/load.stop"
  load_rc=0
  wait "$load_pid" || load_rc=$?
  kill "$lb_pid" 2>/dev/null || true
  lb_pid=""
  (( rolling_rc == 0 )) || fail rolling "rolling_restart.yml failed (see $LOGS/rolling.log)"
  result="$(tail -1 "$LOGS/load.log")"
  (( load_rc == 0 )) || fail rolling "the load saw failures during the rolling restart: $result (see $LOGS/load.log)"
  say "rolling_restart.yml under load: $result ($((SECONDS - t)) s)"
fi
fi # not resumed

# 5. A new storage host takes data.
t=$SECONDS
playbook add_storage.yml add-storage -e moraine_new_storage=mh8 || fail add-storage "add_storage.yml (see $LOGS/add-storage.log)"
mh8="$(grep -oE 'node storage-az2-mh8 [^"]*' "$LOGS/add-storage.log" | tail -1)"
[[ "$mh8" =~ used\ [1-9] ]] || fail add-storage "mh8 holds no data: $mh8"
say "add_storage.yml: $mh8 ($((SECONDS - t)) s)"

# 6. One whole AZ off.
t=$SECONDS
"$HOSTS_SH" stop mh1 mh4 >>"$LOGS/hosts.log" 2>&1 || fail az-loss "hosts.sh stop mh1 mh4"
sleep 15
for i in 0 1 2; do
  for g in "${GATEWAYS[1]}" "${GATEWAYS[2]}"; do
    s3 "$g" s3 cp --only-show-errors "s3://drill/big-$i.bin" "$LOGS/back.bin" >>"$LOGS/aws.log" 2>&1 || fail az-loss "big-$i.bin via $g with az1 down"
    cmp -s "$LOGS/big.bin" "$LOGS/back.bin" || fail az-loss "big-$i.bin via $g differs with az1 down"
  done
done
s3 "${GATEWAYS[1]}" s3 cp --only-show-errors "$LOGS/big.bin" s3://drill/during-outage.bin >>"$LOGS/aws.log" 2>&1 \
  || fail az-loss "a new PUT with az1 down"
rm -f "$LOGS/back.bin"
"$HOSTS_SH" start mh1 mh4 >>"$LOGS/hosts.log" 2>&1 || fail az-loss "hosts.sh start mh1 mh4"
say "az1 (mh1, mh4) off: every object byte-exact through the az2 and az3 gateways, a new 100 MiB PUT accepted ($((SECONDS - t)) s)"

rm -f "$LOGS/big.bin"
cleanup
say "total $((SECONDS - t0)) s"
echo "deploy: passed"
