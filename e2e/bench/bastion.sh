#!/usr/bin/env bash
# The bastion benchmark: in one run on this machine, with aes128-gcm on every leg, it measures
#   - bulk upload and download (BENCH_SIZE_MIB, default 1024) through the gateway with recording on and off,
#     direct OpenSSH, and OpenSSH's own ProxyJump through a second sshd; each path first carries an unmeasured
#     warm-up of BENCH_WARMUP_MIB (default 512) each way, so the gateway's figures are for compiled code;
#   - `cat` of a BENCH_PTY_MIB (default 256) text file on a pty, gateway with recording on and off, and direct;
#     after each recorded path the recorded output is read back from the API: a run whose recording did not record
#     what crossed it stops with an error instead of reporting a ratio;
#   - session setup, `ssh host true` x BENCH_SETUP_RUNS (default 50): p50 and p99, gateway and direct;
#   - keystroke echo latency x BENCH_ECHO_SAMPLES (default 300): p50 and p99, direct, ProxyJump and the gateway with
#     recording on and off (ProxyJump and recording off show what a relay and what the recorder add);
#   - BENCH_IDLE_SESSIONS (default 1000; 0 leaves it out) idle pty sessions held through one gateway to real sshd
#     targets: heap + native memory per session and the set-up time of one more session (e2e/bench/idle.sh, which
#     names its other settings);
# then prints the ratios against the targets and writes them, with the machine, to docs/benchmarks/bastion.md.
# BENCH_GATEWAY_JAVA_OPTS adds JVM options to the gateway (e.g. a JFR recording, to profile it).
# BENCH_SSH_KEX sets every client's KexAlgorithms (e.g. curve25519-sha256: set-up without the post-quantum exchange).
# Run it through the launcher: ./gatehouse bench
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib.sh
. "$ROOT/e2e/bench/lib.sh"
SETUP_RUNS="${BENCH_SETUP_RUNS:-50}"
WARMUP_MIB="${BENCH_WARMUP_MIB:-512}"
ECHO_SAMPLES="${BENCH_ECHO_SAMPLES:-300}"
PTY_MIB="${BENCH_PTY_MIB:-256}"
OUT="${BENCH_OUTPUT:-$ROOT/docs/benchmarks/bastion.md}"

begin sshd

start_gateway recording-on --gatehouse.recording.output=true
api "$API/ca/ssh-user" > "$WORK/user_ca.pub"
HOST_CA_LINE="$(api "$API/ca/ssh-host")"

# --- the target and OpenSSH's own jump host -----------------------------------------------------------------
TARGET_PORT="$(free_port)"; JUMP_PORT="$(free_port)"
start_sshd "$TARGET_PORT" target
start_sshd "$JUMP_PORT" jump
sleep 1

api -X POST "$API/roles" -d "{\"name\":\"bench\",\"logins\":[\"$LOGIN\"],\"hostLabels\":{\"bench\":\"yes\"}}" >/dev/null
api -X POST "$API/users" -d '{"username":"bench","roles":["bench"]}' >/dev/null
api -X POST "$API/users/bench/keys" -d "{\"publicKey\":\"$(cat "$WORK/id.pub")\"}" >/dev/null
api -X POST "$API/hosts" -d "{\"name\":\"target\",\"address\":\"127.0.0.1:$TARGET_PORT\",\"labels\":{\"bench\":\"yes\"},\"network\":\"direct\"}" >/dev/null
write_ssh_config "$HOST_CA_LINE" "$TARGET_PORT" "$JUMP_PORT"

# How each path is reached: the ssh arguments before the remote command.
DIRECT=(-F "$WORK/ssh_config" -p "$TARGET_PORT" "$LOGIN@127.0.0.1")
PROXYJUMP=(-F "$WORK/ssh_config" -J "$LOGIN@127.0.0.1:$JUMP_PORT" -p "$TARGET_PORT" "$LOGIN@127.0.0.1")
GATEWAY=(-F "$WORK/ssh_config" -p "$SSH_PORT" "$LOGIN@target@127.0.0.1")

ssh "${DIRECT[@]}" true || die "direct ssh to the target failed (see $WORK/sshd_target.log)"
ssh "${PROXYJUMP[@]}" true || die "ProxyJump through OpenSSH failed"
ssh "${GATEWAY[@]}" true || { tail -50 "$GATEWAY_LOG" >&2; die "ssh through the gateway failed"; }

echo_times() { # microseconds per keystroke echo -> "p50-ms p99-ms context-switches-per-keystroke (whole machine)"
  local times
  times="$(ECHO_SWITCHES="$WORK/echo-switches.txt" python3 "$ROOT/e2e/bench/echo_latency.py" "$ECHO_SAMPLES" -- ssh -tt "$@" \
    | awk '{ printf "%.3f\n", $1 / 1000 }' | percentiles)"
  echo "$times $(cat "$WORK/echo-switches.txt")"
}

echo "bench: ${SIZE_MIB} MiB each way, ${SETUP_RUNS} set-ups, ${ECHO_SAMPLES} keystrokes per path" >&2
# What one hand-off between two sleeping processes costs here (a pipe round trip: two wake-ups), keystroke-paced.
read -r WAKE50 WAKE99 < <(python3 "$ROOT/e2e/bench/wakeup_latency.py" "$ECHO_SAMPLES" | percentiles)
echo "bench: direct OpenSSH ..." >&2
warm_up "$WARMUP_MIB" "${DIRECT[@]}"
D_UP="$(upload "$SIZE_MIB" "${DIRECT[@]}")"; D_DOWN="$(download "$SIZE_MIB" "${DIRECT[@]}")"
D_PTY="$(pty_cat "$PTY_MIB" "${DIRECT[@]}")"
read -r D_SETUP50 D_SETUP99 < <(setup_times "$SETUP_RUNS" "${DIRECT[@]}")
read -r D_ECHO50 D_ECHO99 D_SWITCHES < <(echo_times "${DIRECT[@]}")
echo "bench: OpenSSH ProxyJump ..." >&2
warm_up "$WARMUP_MIB" "${PROXYJUMP[@]}"
J_UP="$(upload "$SIZE_MIB" "${PROXYJUMP[@]}")"; J_DOWN="$(download "$SIZE_MIB" "${PROXYJUMP[@]}")"
read -r J_SETUP50 J_SETUP99 < <(setup_times "$SETUP_RUNS" "${PROXYJUMP[@]}")
read -r J_ECHO50 J_ECHO99 J_SWITCHES < <(echo_times "${PROXYJUMP[@]}")
echo "bench: gateway, recording on ..." >&2
warm_up "$WARMUP_MIB" "${GATEWAY[@]}"
sleep 2; CPU_BEFORE="$(gateway_cpu)"
G_UP="$(upload "$SIZE_MIB" "${GATEWAY[@]}")"
# A second's pause first: SINCE has a resolution of one second, and a fast upload just before would count as "since".
sleep 1; SINCE="$(date -u +%FT%T)"; G_DOWN="$(download "$SIZE_MIB" "${GATEWAY[@]}")"; REC_DOWN="$(recorded_mib exec "$SINCE")"
# The recorder's and the spool's work for the transfers ends once the download's recording is stored (read back above).
read -r C_RELAY C_REC C_SPOOL C_GC C_JIT C_OTHER C_TOTAL < <(cpu_per_mib "$CPU_BEFORE" "$(gateway_cpu)" "$((2 * SIZE_MIB))")
sleep 1; SINCE="$(date -u +%FT%T)"; G_PTY="$(pty_cat "$PTY_MIB" "${GATEWAY[@]}")"; REC_PTY="$(recorded_mib exec "$SINCE")"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) >= 0.99 * float(sys.argv[2]) and float(sys.argv[3]) >= 0.99 * float(sys.argv[4]) else 1)" \
  "$REC_DOWN" "$SIZE_MIB" "$REC_PTY" "$PTY_MIB" \
  || die "recording on did not record what crossed the gateway: exec download $REC_DOWN of $SIZE_MIB MiB, pty cat $REC_PTY of $PTY_MIB MiB"
read -r G_SETUP50 G_SETUP99 < <(setup_times "$SETUP_RUNS" "${GATEWAY[@]}")
read -r G_ECHO50 G_ECHO99 G_SWITCHES < <(echo_times "${GATEWAY[@]}")
echo "bench: gateway, recording off ..." >&2
stop_gateway
start_gateway recording-off --gatehouse.recording.output=false
warm_up "$WARMUP_MIB" "${GATEWAY[@]}"
sleep 2; CPU_BEFORE="$(gateway_cpu)"
GO_UP="$(upload "$SIZE_MIB" "${GATEWAY[@]}")"; GO_DOWN="$(download "$SIZE_MIB" "${GATEWAY[@]}")"
sleep 2
read -r CO_RELAY CO_REC CO_SPOOL CO_GC CO_JIT CO_OTHER CO_TOTAL < <(cpu_per_mib "$CPU_BEFORE" "$(gateway_cpu)" "$((2 * SIZE_MIB))")
GO_PTY="$(pty_cat "$PTY_MIB" "${GATEWAY[@]}")"
read -r GO_ECHO50 GO_ECHO99 GO_SWITCHES < <(echo_times "${GATEWAY[@]}")
stop_gateway
IDLE_ROWS=""
if [ "${BENCH_IDLE_SESSIONS:-1000}" != 0 ]; then
  read -r I_SESSIONS I_PER I_HEAP I_NATIVE I_RSS I_MEM I_SETUP50 I_SETUP99 I_HELD50 I_HELD99 I_LOAD < <(bash "$ROOT/e2e/bench/idle.sh") \
    || die "the idle-session phase failed"
  IDLE_ROWS="
## Idle sessions

$I_SESSIONS idle pty sessions held at once through one gateway (recording on) to real OpenSSH sshd targets, each a shell
channel of the load generator (e2e \`IdleSessions\`, one JVM; $I_PER session(s) per SSH connection), each with its own
target channel and shell; load average $I_LOAD after the phase. Per session, the difference between a tenth and all of
them held, divided by the nine tenths: live heap after a full GC $I_HEAP KiB, native memory (NMT committed minus the
heap) $I_NATIVE KiB, together **$I_MEM KiB** (RSS grew $I_RSS KiB per session). One more session's set-up
(\`ssh host true\` through the gateway) p50 / p99: $I_SETUP50 / $I_SETUP99 ms with a tenth held, $I_HELD50 / $I_HELD99 ms with all held.

| target | KiB per session | verdict |
|---|---:|---|
| idle session ≤ 256 KiB (heap + native) | $I_MEM | $(verdict "$I_MEM" le 256) |
"
fi

R_UP="$(ratio "$G_UP" "$J_UP")"; R_DOWN="$(ratio "$G_DOWN" "$J_DOWN")"
R_REC_UP="$(ratio "$G_UP" "$GO_UP")"; R_REC_DOWN="$(ratio "$G_DOWN" "$GO_DOWN")"; R_REC_PTY="$(ratio "$G_PTY" "$GO_PTY")"
R_SETUP="$(ratio "$G_SETUP50" "$D_SETUP50")"
R_ECHO50="$(ratio "$G_ECHO50" "$D_ECHO50")"; R_ECHO99="$(ratio "$G_ECHO99" "$D_ECHO99")"
RJ_ECHO50="$(ratio "$J_ECHO50" "$D_ECHO50")"; RJ_ECHO99="$(ratio "$J_ECHO99" "$D_ECHO99")"

MACHINE="$(machine)"
MARK="<!-- Everything above is written by ./gatehouse bench bastion; what follows is kept from run to run. -->"
HAND_WRITTEN="$(kept_part "$OUT" "$MARK")"
mkdir -p "$(dirname "$OUT")"
cat > "$OUT" <<REPORT
# Bastion benchmark

Measured by \`./gatehouse bench\` on $(date -u +%Y-%m-%d) — $MACHINE.
Cipher $CIPHER on every leg; ${SIZE_MIB} MiB each way, after an unmeasured warm-up of ${WARMUP_MIB} MiB each way per
path (the gateway's figures are for compiled code); ${SETUP_RUNS} set-ups; ${ECHO_SAMPLES} keystrokes. All paths
end at the same OpenSSH sshd on loopback; ProxyJump goes through a second OpenSSH sshd.

| path | upload MiB/s | download MiB/s | pty cat MiB/s | setup p50 / p99 ms | echo p50 / p99 ms |
|---|---:|---:|---:|---:|---:|
| direct OpenSSH | $D_UP | $D_DOWN | $D_PTY | $D_SETUP50 / $D_SETUP99 | $D_ECHO50 / $D_ECHO99 |
| OpenSSH ProxyJump | $J_UP | $J_DOWN | — | $J_SETUP50 / $J_SETUP99 | $J_ECHO50 / $J_ECHO99 |
| gateway, recording on | $G_UP | $G_DOWN | $G_PTY | $G_SETUP50 / $G_SETUP99 | $G_ECHO50 / $G_ECHO99 |
| gateway, recording off | $GO_UP | $GO_DOWN | $GO_PTY | — | $GO_ECHO50 / $GO_ECHO99 |

Recording on recorded what crossed it, read back from the API after each path: the exec download's session holds
$REC_DOWN MiB of output (${SIZE_MIB} MiB sent), the pty \`cat\` session $REC_PTY MiB (${PTY_MIB} MiB of text; the terminal
turns each line end into CR LF).

| target | ratio | verdict |
|---|---:|---|
| upload with recording ≥ 1.2× ProxyJump | $R_UP | $(verdict "$R_UP" ge 1.2) |
| download with recording ≥ 1.2× ProxyJump | $R_DOWN | $(verdict "$R_DOWN" ge 1.2) |
| recording on ≥ 0.95× off (exec upload) | $R_REC_UP | $(verdict "$R_REC_UP" ge 0.95) |
| recording on ≥ 0.95× off (exec download) | $R_REC_DOWN | $(verdict "$R_REC_DOWN" ge 0.95) |
| recording on ≥ 0.95× off (pty cat) | $R_REC_PTY | $(verdict "$R_REC_PTY" ge 0.95) |
| setup p50 ≤ 1.2× direct | $R_SETUP | $(verdict "$R_SETUP" le 1.2) |
| echo p50 ≤ 1.5× direct | $R_ECHO50 | $(verdict "$R_ECHO50" le 1.5) |
| echo p99 ≤ 2× direct | $R_ECHO99 | $(verdict "$R_ECHO99" le 2.0) |

Where the gateway's CPU goes, in ms per MiB relayed (the exec upload and download above, ${SIZE_MIB} MiB each way; with
recording on, until the download's recording was stored). Relay: MINA's I/O threads, both legs' ciphers included;
recorder: its worker (framing, two SHA-256 passes: each stream's and each chunk's, search text); spool: the thread that
writes and fsyncs chunk files and inserts chain rows; GC; JIT: the compiler threads; other: the rest of the JVM.

| gateway | relay | recorder | spool | GC | JIT | other | total |
|---|---:|---:|---:|---:|---:|---:|---:|
| recording on | $C_RELAY | $C_REC | $C_SPOOL | $C_GC | $C_JIT | $C_OTHER | $C_TOTAL |
| recording off | $CO_RELAY | $CO_REC | $CO_SPOOL | $CO_GC | $CO_JIT | $CO_OTHER | $CO_TOTAL |

For scale, not a target: a keystroke's echo through OpenSSH's own ProxyJump (one more sshd relaying) takes $RJ_ECHO50× /
$RJ_ECHO99× direct at p50 / p99; through the gateway with recording off, $GO_ECHO50 / $GO_ECHO99 ms.

What a keystroke wakes: the whole machine's context switches from the key to its echo (/proc/stat), on average per
keystroke: direct $D_SWITCHES, ProxyJump $J_SWITCHES, gateway recording on $G_SWITCHES, off $GO_SWITCHES. A thread that
sleeps and is woken costs a wake-up each time; one pipe round trip between two sleeping processes (two wake-ups, 10 ms
apart like the keystrokes: \`e2e/bench/wakeup_latency.py\`) takes $WAKE50 µs at p50, $WAKE99 µs at p99 here.
$IDLE_ROWS
$MARK
REPORT
end_report "$OUT" "$MARK" "$HAND_WRITTEN"
