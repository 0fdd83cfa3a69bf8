#!/usr/bin/env bash
# ansible/test/hosts.sh — the test hosts of ansible/inventories/example, built on this one box.
#
# Each host mh1..mh8 is a systemd-nspawn container booting real systemd as PID 1, with
#   - its own network namespace (moraine-mhN) and address 10.77.0.1N/24 on the bridge
#     moraine-hosts (10.77.0.1 is this box's end, from which Ansible connects);
#   - its own file system: an overlay of a shared Debian bookworm tree (debootstrap, cached) with
#     a private upper layer, so /etc, /opt and /var/lib are the host's own;
#   - sshd with its own host keys; root logs in with the key in $STATE/ssh/id_ed25519
#     (pinned host keys in $STATE/ssh/known_hosts, which the example inventory uses).
# Nothing of the build tree is inside a host: the playbooks copy the release tarball in.
#
#   hosts.sh up              build (first time: debootstrap, ~1-2 min) and boot all hosts
#   hosts.sh down            power every host off and delete its upper layer, namespaces, bridge
#   hosts.sh stop HOST...    power hosts off, keeping their disks (an AZ outage: stop mh1 mh4 mh7)
#   hosts.sh start HOST...   boot stopped hosts again
#   hosts.sh status          one line per host: NAME ADDRESS running|stopped
#   hosts.sh check           exit 0 when this machine can run the hosts (root, nspawn, overlay, netns)
#   hosts.sh ssh HOST [CMD]  a shell (or a command) on a host
# State lives under $MORAINE_TESTHOSTS_DIR (default /var/lib/moraine-testhosts).
set -euo pipefail

STATE="${MORAINE_TESTHOSTS_DIR:-/var/lib/moraine-testhosts}"
BRIDGE=moraine-hosts
NET=10.77.0
HOSTS=(mh1 mh2 mh3 mh4 mh5 mh6 mh7 mh8)
SUITE=bookworm
MIRROR="${MORAINE_TESTHOSTS_MIRROR:-http://deb.debian.org/debian}"
PACKAGES=systemd,systemd-sysv,dbus,openssh-server,python3,iproute2,procps,curl,ca-certificates

log() { echo "hosts: $*" >&2; }
die() { echo "hosts: $*" >&2; exit 1; }

index_of() { # mh3 -> 3
  [[ "$1" =~ ^mh([1-8])$ ]] || die "unknown host '$1' (mh1..mh8)"
  echo "${BASH_REMATCH[1]}"
}
addr_of() { echo "$NET.1$(index_of "$1")"; }
pid_of() { # the nspawn leader of a host, when it is alive and really ours
  local f="$STATE/hosts/$1/nspawn.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ -d "/proc/$pid" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "--machine=$1 " || return 1
  echo "$pid"
}

check() {
  local ok=0
  [[ "$(id -u)" == 0 ]] || { log "not root"; ok=1; }
  command -v systemd-nspawn >/dev/null || { log "systemd-nspawn missing (apt-get install systemd-container)"; ok=1; }
  command -v debootstrap >/dev/null || [[ -f "$STATE/base/.ready" ]] || { log "debootstrap missing (apt-get install debootstrap)"; ok=1; }
  command -v ssh >/dev/null || { log "ssh missing (apt-get install openssh-client)"; ok=1; }
  (( ok == 0 )) || return 1
  local probe
  probe="$(mktemp -d)"
  mkdir -p "$probe"/{l,u,w,m}
  if ! mount -t overlay overlay -o "lowerdir=$probe/l,upperdir=$probe/u,workdir=$probe/w" "$probe/m" 2>/dev/null; then
    log "overlay mounts are refused here"; ok=1
  else
    umount "$probe/m"
  fi
  rm -rf "$probe"
  if ! ip netns add moraine-probe 2>/dev/null; then log "network namespaces are refused here"; ok=1; else ip netns del moraine-probe; fi
  return "$ok"
}

java_home() { # the newest JDK >= 21 on this box (hosts get a runtime linked from it)
  local best="" best_major=0 d m
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [[ -x "$d/bin/jlink" && ! -L "$d" ]] || continue
    m="$("$d/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}')"
    m="${m%%.*}"
    if [[ "$m" =~ ^[0-9]+$ ]] && (( m >= 21 && m > best_major )); then best="$d"; best_major="$m"; fi
  done
  [[ -n "$best" ]] || die "no JDK >= 21 with jlink under /usr/lib/jvm"
  echo "$best"
}

build_base() {
  [[ -f "$STATE/base/.ready" ]] && return
  log "building the Debian $SUITE base tree (debootstrap, once) ..."
  rm -rf "$STATE/base"
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$STATE/base" "$MIRROR" > "$STATE/debootstrap.log" 2>&1 \
    || die "debootstrap failed; see $STATE/debootstrap.log"
  # Every host makes its own host keys and machine id; nothing periodic competes for the CPU.
  rm -f "$STATE"/base/etc/ssh/ssh_host_*
  : > "$STATE/base/etc/machine-id"
  systemctl --root="$STATE/base" mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
    dpkg-db-backup.timer fstrim.timer console-getty.service getty@tty1.service systemd-timesyncd.service >/dev/null 2>&1 || true
  systemctl --root="$STATE/base" enable ssh.service >/dev/null 2>&1 || true
  touch "$STATE/base/.ready"
}

build_java() {
  [[ -f "$STATE/java-runtime.tar.gz" ]] && return
  local jdk mods tmp
  jdk="$(java_home)"
  log "linking a Java runtime from $jdk for the hosts (once) ..."
  # Every module except the development tools: the hosts run Moraine, they build nothing.
  mods="$("$jdk/bin/java" --list-modules | sed 's/@.*//' | grep -v -E \
    '^jdk\.(jshell|javadoc|compiler|jdeps|jlink|jpackage|jartool|jconsole|hotspot\.agent|internal\.(ed|le|opt|jvmstat|md)|jcmd|jdi|jdwp\.agent|editpad|jstatd|graal|random)' | paste -sd,)"
  tmp="$(mktemp -d "$STATE/.java-XXXXXX")"
  "$jdk/bin/jlink" --add-modules "$mods" --strip-debug --no-man-pages --no-header-files \
    --output "$tmp/java-runtime" >/dev/null 2>&1
  tar -C "$tmp" -czf "$STATE/java-runtime.tar.gz.partial" java-runtime
  mv "$STATE/java-runtime.tar.gz.partial" "$STATE/java-runtime.tar.gz"
  rm -rf "$tmp"
}

build_keys() {
  mkdir -p "$STATE/ssh"
  chmod 700 "$STATE/ssh"
  [[ -f "$STATE/ssh/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C moraine-testhosts -f "$STATE/ssh/id_ed25519"
}

network_up() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$NET.1/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
}

host_net_up() {
  local h="$1" ns="moraine-$1" i
  i="$(index_of "$h")"
  ip netns list | grep -qw "$ns" || ip netns add "$ns"
  if ! ip link show "$h-br" >/dev/null 2>&1; then
    ip link add "$h-br" type veth peer name "$h-in"
    ip link set "$h-br" master "$BRIDGE" up
    ip link set "$h-in" netns "$ns"
    ip -n "$ns" link set "$h-in" name eth0
    ip -n "$ns" addr add "$(addr_of "$h")/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" link set lo up
  fi
  : "$i"
}

host_fs_up() {
  local h="$1" d="$STATE/hosts/$1" addr
  addr="$(addr_of "$h")"
  mkdir -p "$d/upper" "$d/work" "$d/root"
  mountpoint -q "$d/root" || mount -t overlay overlay \
    -o "lowerdir=$STATE/base,upperdir=$d/upper,workdir=$d/work" "$d/root"
  local r="$d/root"
  echo "$h" > "$r/etc/hostname"
  {
    echo "127.0.0.1 localhost"
    echo "$addr $h"
    for o in "${HOSTS[@]}"; do [[ "$o" == "$h" ]] || echo "$(addr_of "$o") $o"; done
  } > "$r/etc/hosts"
  [[ -s "$r/etc/machine-id" ]] || tr -d '-' < /proc/sys/kernel/random/uuid > "$r/etc/machine-id"
  if [[ ! -f "$r/etc/ssh/ssh_host_ed25519_key" ]]; then
    mkdir -p "$r/etc/ssh"
    ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$r/etc/ssh/ssh_host_ed25519_key"
  fi
  mkdir -p "$r/root/.ssh"
  chmod 700 "$r/root/.ssh"
  cp "$STATE/ssh/id_ed25519.pub" "$r/root/.ssh/authorized_keys"
  chmod 600 "$r/root/.ssh/authorized_keys"
}

known_hosts() {
  local h out="$STATE/ssh/known_hosts.partial"
  : > "$out"
  for h in "${HOSTS[@]}"; do
    local key="$STATE/hosts/$h/root/etc/ssh/ssh_host_ed25519_key.pub"
    [[ -f "$key" ]] && echo "$(addr_of "$h"),$h $(cut -d' ' -f1-2 "$key")" >> "$out"
  done
  mv "$out" "$STATE/ssh/known_hosts"
}

boot() {
  local h="$1" d="$STATE/hosts/$1"
  pid_of "$h" >/dev/null && return
  host_net_up "$h"
  host_fs_up "$h"
  setsid systemd-nspawn --quiet --boot --register=no --keep-unit --console=passive \
    --machine="$h" --hostname="$h" -D "$d/root" \
    --network-namespace-path="/run/netns/moraine-$h" \
    </dev/null >> "$d/console.log" 2>&1 &
  echo $! > "$d/nspawn.pid"
}

await_ssh() {
  local h deadline=$((SECONDS + 120))
  for h in "$@"; do
    until ssh -q -i "$STATE/ssh/id_ed25519" -o UserKnownHostsFile="$STATE/ssh/known_hosts" \
        -o StrictHostKeyChecking=yes -o ConnectTimeout=2 -o BatchMode=yes "root@$(addr_of "$h")" true 2>/dev/null; do
      (( SECONDS < deadline )) || die "$h did not answer ssh within 120 s; see $STATE/hosts/$h/console.log"
      sleep 1
    done
  done
}

poweroff() {
  local h="$1" pid i
  pid="$(pid_of "$h")" || return 0
  # SIGTERM to systemd-nspawn asks the container's systemd for an orderly shutdown.
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 60); do
    [[ -d "/proc/$pid" ]] || break
    sleep 1
  done
  if [[ -d "/proc/$pid" ]]; then
    log "$h did not shut down in 60 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$STATE/hosts/$h/nspawn.pid"
}

teardown() {
  local h d
  for h in "${HOSTS[@]}"; do poweroff "$h" & done
  wait
  for h in "${HOSTS[@]}"; do
    d="$STATE/hosts/$h"
    if mountpoint -q "$d/root" 2>/dev/null; then umount "$d/root" || umount -l "$d/root"; fi
    rm -rf "$d"
    ip link del "$h-br" 2>/dev/null || true
    ip netns del "moraine-$h" 2>/dev/null || true
  done
  ip link del "$BRIDGE" 2>/dev/null || true
}

status() {
  local h
  for h in "${HOSTS[@]}"; do
    if pid_of "$h" >/dev/null; then echo "$h $(addr_of "$h") running"; else echo "$h $(addr_of "$h") stopped"; fi
  done
}

cmd="${1:-}"
shift || true
case "$cmd" in
  check) check ;;
  up)
    check || die "this machine cannot run the test hosts (see above)"
    mkdir -p "$STATE/hosts"
    build_base
    build_java
    build_keys
    network_up
    for h in "${HOSTS[@]}"; do host_net_up "$h"; host_fs_up "$h"; done
    known_hosts
    for h in "${HOSTS[@]}"; do boot "$h"; done
    await_ssh "${HOSTS[@]}"
    log "up: ${HOSTS[*]} on $NET.0/24 (ssh key $STATE/ssh/id_ed25519)"
    status
    ;;
  down)
    teardown
    log "down: hosts, namespaces and bridge removed (cached base tree, Java runtime and key kept in $STATE)"
    ;;
  stop)
    (( $# > 0 )) || die "stop HOST..."
    for h in "$@"; do index_of "$h" >/dev/null; poweroff "$h" & done
    wait
    status
    ;;
  start)
    (( $# > 0 )) || die "start HOST..."
    for h in "$@"; do boot "$h"; done
    await_ssh "$@"
    status
    ;;
  status) status ;;
  ssh)
    (( $# > 0 )) || die "ssh HOST [CMD...]"
    h="$1"; shift
    exec ssh -i "$STATE/ssh/id_ed25519" -o UserKnownHostsFile="$STATE/ssh/known_hosts" \
      -o StrictHostKeyChecking=yes "root@$(addr_of "$h")" "$@"
    ;;
  *) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
