#!/usr/bin/env bash
# The bastion benchmark: in one run on this machine, with aes128-gcm on every leg, it measures
#   - bulk upload and download (BENCH_SIZE_MIB, default 1024) through the gateway with recording on and off,
#     direct OpenSSH, and OpenSSH's own ProxyJump through a second sshd;
#   - session setup, `ssh host true` x BENCH_SETUP_RUNS (default 50): p50 and p99, gateway and direct;
#   - keystroke echo latency x BENCH_ECHO_SAMPLES (default 300): p50 and p99, gateway and direct;
# then prints the ratios against the targets and writes them, with the machine, to docs/benchmarks/bastion.md.
# BENCH_GATEWAY_JAVA_OPTS adds JVM options to the gateway (e.g. a JFR recording, to profile it).
# Run it through the launcher: ./gatehouse bench
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$ROOT/control-plane/target/gatehouse-exec.jar"
SIZE_MIB="${BENCH_SIZE_MIB:-1024}"
SETUP_RUNS="${BENCH_SETUP_RUNS:-50}"
ECHO_SAMPLES="${BENCH_ECHO_SAMPLES:-300}"
OUT="${BENCH_OUTPUT:-$ROOT/docs/benchmarks/bastion.md}"
CIPHER=aes128-gcm@openssh.com
TOKEN="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

die() { echo "bench: $*" >&2; exit 1; }
[ -f "$JAR" ] || die "build first: ./gatehouse build"
for c in ssh ssh-keygen python3 curl; do command -v "$c" >/dev/null || die "needs $c"; done
[ -x /usr/sbin/sshd ] || die "needs /usr/sbin/sshd (Debian package openssh-server)"
mkdir -p /run/sshd

WORK="$(mktemp -d /tmp/gatehouse-bench.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
seconds_since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$(now)"; }

ssh-keygen -q -t ed25519 -N '' -C bench -f "$WORK/id"
ssh-keygen -q -t ed25519 -N '' -C bench-target -f "$WORK/target_host_key"
cp "$WORK/id.pub" "$WORK/authorized_keys"

# --- the gateway (all-in-one on its embedded PostgreSQL) --------------------------------------------------------
HTTP_PORT="$(free_port)"; SSH_PORT="$(free_port)"; TUNNEL_PORT="$(free_port)"
API="http://127.0.0.1:$HTTP_PORT/api/v1"
start_gateway() { # $1 = true|false: recording
  GATEHOUSE_DATA_DIR="$WORK/gateway" "$JAVA_HOME/bin/java" -Xms512m ${BENCH_GATEWAY_JAVA_OPTS:-} -jar "$JAR" --gatehouse.role=all-in-one \
    --gatehouse.http.port="$HTTP_PORT" --gatehouse.ssh.port="$SSH_PORT" --gatehouse.tunnel.port="$TUNNEL_PORT" \
    --gatehouse.ssh.bind-address=127.0.0.1 --gatehouse.bootstrap-token="$TOKEN" \
    --gatehouse.recording.output="$1" >"$WORK/gateway-$1.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=("$GATEWAY_PID")
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$HTTP_PORT/actuator/health" >/dev/null 2>&1 && return 0
    kill -0 "$GATEWAY_PID" 2>/dev/null || { cat "$WORK/gateway-$1.log" >&2; die "the gateway did not start"; }
    sleep 0.5
  done
  die "the gateway did not become healthy within 120 s"
}
stop_gateway() { kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; }
api() { curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }

start_gateway true
api "$API/ca/ssh-user" > "$WORK/user_ca.pub"
HOST_CA_LINE="$(api "$API/ca/ssh-host")"

# --- the target and OpenSSH's own jump host -----------------------------------------------------------------
TARGET_PORT="$(free_port)"; JUMP_PORT="$(free_port)"
start_sshd() { # $1 = port, $2 = name
  cat > "$WORK/sshd_$2.conf" <<CONF
Port $1
ListenAddress 127.0.0.1
HostKey $WORK/target_host_key
PidFile $WORK/sshd_$2.pid
TrustedUserCAKeys $WORK/user_ca.pub
AuthorizedKeysFile $WORK/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
AllowTcpForwarding yes
Ciphers $CIPHER
CONF
  /usr/sbin/sshd -D -e -f "$WORK/sshd_$2.conf" 2>"$WORK/sshd_$2.log" &
  PIDS+=("$!")
}
start_sshd "$TARGET_PORT" target
start_sshd "$JUMP_PORT" jump
sleep 1

LOGIN="$(id -un)"
api -X POST "$API/roles" -d "{\"name\":\"bench\",\"logins\":[\"$LOGIN\"],\"hostLabels\":{\"bench\":\"yes\"}}" >/dev/null
api -X POST "$API/users" -d '{"username":"bench","roles":["bench"]}' >/dev/null
api -X POST "$API/users/bench/keys" -d "{\"publicKey\":\"$(cat "$WORK/id.pub")\"}" >/dev/null
api -X POST "$API/hosts" -d "{\"name\":\"target\",\"address\":\"127.0.0.1:$TARGET_PORT\",\"labels\":{\"bench\":\"yes\"},\"network\":\"direct\"}" >/dev/null

printf '%s\n[127.0.0.1]:%s %s\n[127.0.0.1]:%s %s\n' "$HOST_CA_LINE" "$TARGET_PORT" "$(cut -d' ' -f1,2 "$WORK/target_host_key.pub")" \
  "$JUMP_PORT" "$(cut -d' ' -f1,2 "$WORK/target_host_key.pub")" > "$WORK/known_hosts"
cat > "$WORK/ssh_config" <<CONF
Host *
  IdentityFile $WORK/id
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile $WORK/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  BatchMode yes
  Ciphers $CIPHER
  Compression no
  ControlMaster no
  ControlPath none
  LogLevel ERROR
CONF

# How each path is reached: the ssh arguments before the remote command.
DIRECT=(-F "$WORK/ssh_config" -p "$TARGET_PORT" "$LOGIN@127.0.0.1")
PROXYJUMP=(-F "$WORK/ssh_config" -J "$LOGIN@127.0.0.1:$JUMP_PORT" -p "$TARGET_PORT" "$LOGIN@127.0.0.1")
GATEWAY=(-F "$WORK/ssh_config" -p "$SSH_PORT" "$LOGIN@target@127.0.0.1")

ssh "${DIRECT[@]}" true || die "direct ssh to the target failed (see $WORK/sshd_target.log)"
ssh "${PROXYJUMP[@]}" true || die "ProxyJump through OpenSSH failed"
ssh "${GATEWAY[@]}" true || { tail -50 "$WORK/gateway-true.log" >&2; die "ssh through the gateway failed"; }

upload() { # prints MiB/s
  local start; start="$(now)"
  head -c "${SIZE_MIB}M" /dev/zero | ssh "$@" 'cat > /dev/null'
  python3 -c "import sys; print(f'{$SIZE_MIB / float(sys.argv[1]):.1f}')" "$(seconds_since "$start")"
}
download() {
  local start; start="$(now)"
  ssh "$@" "head -c ${SIZE_MIB}M /dev/zero" > /dev/null
  python3 -c "import sys; print(f'{$SIZE_MIB / float(sys.argv[1]):.1f}')" "$(seconds_since "$start")"
}
percentiles() { # stdin: one number per line; prints "p50 p99"
  python3 -c '
import sys
v = sorted(float(x) for x in sys.stdin if x.strip())
pick = lambda q: v[min(len(v) - 1, int(round(q * (len(v) - 1))))]
print(f"{pick(0.50):.1f} {pick(0.99):.1f}")'
}
setup_times() { # milliseconds per `ssh ... true`
  for _ in $(seq 1 "$SETUP_RUNS"); do
    local start; start="$(now)"
    ssh "$@" true
    python3 -c "import sys; print(f'{float(sys.argv[1]) * 1000:.1f}')" "$(seconds_since "$start")"
  done | percentiles
}
echo_times() { # microseconds per keystroke echo -> milliseconds
  python3 "$ROOT/e2e/bench/echo_latency.py" "$ECHO_SAMPLES" -- ssh -tt "$@" | awk '{ printf "%.3f\n", $1 / 1000 }' | percentiles
}

echo "bench: ${SIZE_MIB} MiB each way, ${SETUP_RUNS} set-ups, ${ECHO_SAMPLES} keystrokes per path" >&2
echo "bench: direct OpenSSH ..." >&2
D_UP="$(upload "${DIRECT[@]}")"; D_DOWN="$(download "${DIRECT[@]}")"
read -r D_SETUP50 D_SETUP99 < <(setup_times "${DIRECT[@]}")
read -r D_ECHO50 D_ECHO99 < <(echo_times "${DIRECT[@]}")
echo "bench: OpenSSH ProxyJump ..." >&2
J_UP="$(upload "${PROXYJUMP[@]}")"; J_DOWN="$(download "${PROXYJUMP[@]}")"
read -r J_SETUP50 J_SETUP99 < <(setup_times "${PROXYJUMP[@]}")
echo "bench: gateway, recording on ..." >&2
G_UP="$(upload "${GATEWAY[@]}")"; G_DOWN="$(download "${GATEWAY[@]}")"
read -r G_SETUP50 G_SETUP99 < <(setup_times "${GATEWAY[@]}")
read -r G_ECHO50 G_ECHO99 < <(echo_times "${GATEWAY[@]}")
echo "bench: gateway, recording off ..." >&2
stop_gateway
start_gateway false
GO_UP="$(upload "${GATEWAY[@]}")"; GO_DOWN="$(download "${GATEWAY[@]}")"
stop_gateway

ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
verdict() { # $1 ratio, $2 op (ge|le), $3 target
  python3 -c "import sys; r, op, t = float(sys.argv[1]), sys.argv[2], float(sys.argv[3]); print('met' if (r >= t if op == 'ge' else r <= t) else 'MISSED')" "$@"
}
R_UP="$(ratio "$G_UP" "$J_UP")"; R_DOWN="$(ratio "$G_DOWN" "$J_DOWN")"
R_REC_UP="$(ratio "$G_UP" "$GO_UP")"; R_REC_DOWN="$(ratio "$G_DOWN" "$GO_DOWN")"
R_SETUP="$(ratio "$G_SETUP50" "$D_SETUP50")"
R_ECHO50="$(ratio "$G_ECHO50" "$D_ECHO50")"; R_ECHO99="$(ratio "$G_ECHO99" "$D_ECHO99")"

CPU="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
MACHINE="$(nproc) cores ($CPU), $(free -g | awk '/^Mem:/ { print $2 }') GiB, Linux $(uname -r), $(ssh -V 2>&1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
mkdir -p "$(dirname "$OUT")"
cat > "$OUT" <<REPORT
# Bastion benchmark

Measured by \`./gatehouse bench\` on $(date -u +%Y-%m-%d) — $MACHINE.
Cipher $CIPHER on every leg; ${SIZE_MIB} MiB each way; ${SETUP_RUNS} set-ups; ${ECHO_SAMPLES} keystrokes. All paths
end at the same OpenSSH sshd on loopback; ProxyJump goes through a second OpenSSH sshd.

| path | upload MiB/s | download MiB/s | setup p50 / p99 ms | echo p50 / p99 ms |
|---|---:|---:|---:|---:|
| direct OpenSSH | $D_UP | $D_DOWN | $D_SETUP50 / $D_SETUP99 | $D_ECHO50 / $D_ECHO99 |
| OpenSSH ProxyJump | $J_UP | $J_DOWN | $J_SETUP50 / $J_SETUP99 | — |
| gateway, recording on | $G_UP | $G_DOWN | $G_SETUP50 / $G_SETUP99 | $G_ECHO50 / $G_ECHO99 |
| gateway, recording off | $GO_UP | $GO_DOWN | — | — |

| target | ratio | verdict |
|---|---:|---|
| upload with recording ≥ 1.0× ProxyJump | $R_UP | $(verdict "$R_UP" ge 1.0) |
| download with recording ≥ 1.0× ProxyJump | $R_DOWN | $(verdict "$R_DOWN" ge 1.0) |
| recording on ≥ 0.95× off (upload) | $R_REC_UP | $(verdict "$R_REC_UP" ge 0.95) |
| recording on ≥ 0.95× off (download) | $R_REC_DOWN | $(verdict "$R_REC_DOWN" ge 0.95) |
| setup p50 ≤ 1.3× direct | $R_SETUP | $(verdict "$R_SETUP" le 1.3) |
| echo p50 ≤ 1.5× direct | $R_ECHO50 | $(verdict "$R_ECHO50" le 1.5) |
| echo p99 ≤ 2× direct | $R_ECHO99 | $(verdict "$R_ECHO99" le 2.0) |
REPORT
cat "$OUT"
