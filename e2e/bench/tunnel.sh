#!/usr/bin/env bash
# The tunnel benchmark: in one run on this machine, everything on loopback, aes128-gcm on every SSH leg, it measures
#   - throughput both ways (BENCH_SIZE_MIB, default 1024, after an unmeasured warm-up of BENCH_WARMUP_MIB, default
#     512, each way per path) through the gateway and a real agent process: SSH to an
#     OpenSSH sshd, and raw TCP through `ssh -L` to a TCP service; against OpenSSH set up the same way (an "inside"
#     `ssh -N -R` to a second sshd acting as the public jump host; the client goes `ssh -J` or `ssh -L` through it);
#     in BENCH_ROUNDS (default 4) rounds of a share each, the two paths alternating transfer by transfer (so that
#     other load on the machine hits both alike), with the CPU time per MiB of each path's own processes (gateway
#     JVM + agent JVM; the jump host's sshd with its sessions + the inside `ssh -R`), from /proc: unlike MiB/s, that
#     figure hardly depends on what else runs on the machine;
#   - stream open latency x BENCH_OPEN_RUNS (default 200): connect to first byte through the established `-L` forward;
#   - recovery after a cut: a relay between the agent and the gateway resets the agent's links BENCH_CUTS times
#     (default 10, BENCH_CUT_INTERVAL_S apart, default 3) during a steady stream through an SSH session via the
#     agent; how long until bytes flow again, and whether the session survives with every byte exact;
#   - memory per idle agent link on the gateway with BENCH_AGENTS (default 1000) agents in one load-generator JVM
#     (e2e AgentSwarm): live heap after a full GC, native memory (NMT) and RSS with a tenth of them linked and with
#     all of them, the difference divided by the nine tenths;
# then writes the figures, the ratios against the targets and the machine to docs/benchmarks/tunnels.md (keeping
# the hand-written part below the figures). BENCH_ONLY=throughput measures the throughput alone and prints it
# (a quick check while tuning; the report is left alone). BENCH_GATEWAY_JAVA_OPTS and BENCH_AGENT_JAVA_OPTS add JVM options to the
# gateway and the agent process (a JFR recording, to profile them). Run it through the launcher: ./gatehouse bench tunnel
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib.sh
. "$ROOT/e2e/bench/lib.sh"
OPEN_RUNS="${BENCH_OPEN_RUNS:-200}"
WARMUP_MIB="${BENCH_WARMUP_MIB:-512}"
CUTS="${BENCH_CUTS:-10}"
CUT_INTERVAL="${BENCH_CUT_INTERVAL_S:-3}"
AGENTS="${BENCH_AGENTS:-1000}"
ROUNDS="${BENCH_ROUNDS:-4}"
ONLY="${BENCH_ONLY:-}"
case "$ONLY" in ""|throughput) ;; *) die "BENCH_ONLY must be empty or 'throughput', not '$ONLY'" ;; esac
KINDS="${BENCH_KINDS:-ssh-up ssh-down tcp-push tcp-pull}"   # fewer only with BENCH_ONLY=throughput
[ "$KINDS" = "ssh-up ssh-down tcp-push tcp-pull" ] || [ "$ONLY" = throughput ] || die "BENCH_KINDS needs BENCH_ONLY=throughput"
OUT="${BENCH_OUTPUT:-$ROOT/docs/benchmarks/tunnels.md}"
AGENT_JAR="${BENCH_AGENT_JAR:-$ROOT/tunnel-agent/target/gatehouse-agent.jar}"
SWARM_CLASSES="$ROOT/e2e/target/classes"
BENCH="$ROOT/e2e/bench"

begin sshd jcmd
[ -f "$AGENT_JAR" ] && [ -f "$SWARM_CLASSES/dev/gatehouse/bench/AgentSwarm.class" ] \
  || die "build the agent and the e2e module first: ./mvnw -B -DskipTests package -pl control-plane,tunnel-agent,e2e -am"
LOAD_BEFORE="$(load_average)"

TARGET_PORT="$(free_port)"; JUMP_PORT="$(free_port)"; SERVICE_PORT="$(free_port)"
R_SSH_PORT="$(free_port)"; R_SERVICE_PORT="$(free_port)"          # the jump host's ends of `ssh -R`
L_GATEWAY_PORT="$(free_port)"; L_OPENSSH_PORT="$(free_port)"      # the client's `ssh -L` ports
RELAY_PORT="$(free_port)"; RELAY_CONTROL_PORT="$(free_port)"

start_gateway direct --gatehouse.tunnel.advertised-host=127.0.0.1
api "$API/ca/ssh-user" > "$WORK/user_ca.pub"
api "$API/ca/x509" > "$WORK/gateway-ca.pem"
HOST_CA_LINE="$(api "$API/ca/ssh-host")"

# --- the private side: an sshd and a TCP service; the public side: OpenSSH's jump host --------------------------
start_sshd "$TARGET_PORT" target
start_sshd "$JUMP_PORT" jump
JUMP_SSHD_PID=$SSHD_PID
python3 "$BENCH/tcp_service.py" serve "$SERVICE_PORT" &
PIDS+=("$!")
wait_for_port "$TARGET_PORT" "the target sshd"; wait_for_port "$JUMP_PORT" "the jump sshd"
wait_for_port "$SERVICE_PORT" "the TCP service"

api -X POST "$API/networks" -d '{"name":"lab","description":"tunnel benchmark"}' >/dev/null
api -X POST "$API/roles" -d "{\"name\":\"bench\",\"logins\":[\"$LOGIN\"],\"hostLabels\":{\"bench\":\"yes\"},\"forwardDestinations\":[\"svc:$SERVICE_PORT\"]}" >/dev/null
api -X POST "$API/users" -d '{"username":"bench","roles":["bench"]}' >/dev/null
api -X POST "$API/users/bench/keys" -d "{\"publicKey\":\"$(cat "$WORK/id.pub")\"}" >/dev/null
api -X POST "$API/hosts" -d "{\"name\":\"target\",\"address\":\"127.0.0.1:$TARGET_PORT\",\"labels\":{\"bench\":\"yes\"},\"network\":\"lab\"}" >/dev/null
api -X POST "$API/hosts" -d "{\"name\":\"svc\",\"address\":\"127.0.0.1:$SERVICE_PORT\",\"labels\":{\"bench\":\"yes\"},\"network\":\"lab\"}" >/dev/null
write_ssh_config "$HOST_CA_LINE" "$TARGET_PORT" "$JUMP_PORT" "$R_SSH_PORT"

join_token() { # $1 = network
  api -X POST "$API/join-tokens" -d "{\"network\":\"$1\",\"ttlSeconds\":600}" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
start_agent() { # $1 = name, $2 = the gateway address it joins and runs against; allowed: the sshd and the service
  local name="$1" gateway="$2"
  printf 'state-dir = %s\nallow = 127.0.0.1:%s, 127.0.0.1:%s\n' "$WORK/$name" "$TARGET_PORT" "$SERVICE_PORT" > "$WORK/$name.conf"
  GATEHOUSE_JOIN_TOKEN="$(join_token lab)" "$JAVA_HOME/bin/java" -jar "$AGENT_JAR" join --gateway "$gateway" \
    --network lab --name "$name" --gateway-ca "$WORK/gateway-ca.pem" --state-dir "$WORK/$name" >/dev/null \
    || die "agent $name could not join through $gateway"
  # shellcheck disable=SC2086 # BENCH_AGENT_JAVA_OPTS is a list of options
  "$JAVA_HOME/bin/java" ${BENCH_AGENT_JAVA_OPTS:-} -jar "$AGENT_JAR" run --config "$WORK/$name.conf" >"$WORK/$name.log" 2>&1 &
  AGENT_PID=$!
  PIDS+=("$AGENT_PID")
  for _ in $(seq 1 100); do
    grep -q "link to gateway .* up" "$WORK/$name.log" && return 0
    sleep 0.2
  done
  cat "$WORK/$name.log" >&2; die "agent $name did not link to the gateway"
}
forward() { # $1 = local port, $2 = destination host:port, then the ssh arguments naming the server; runs in the background
  local port="$1" destination="$2"; shift 2
  ssh -N -o ExitOnForwardFailure=yes -L "127.0.0.1:$port:$destination" "$@" &
  PIDS+=("$!")
  LAST_FORWARD_PID=$!
  wait_for_port "$port" "ssh -L to $destination"
}

start_agent agent-direct "127.0.0.1:$TUNNEL_PORT"
# OpenSSH's reverse tunnel from the private side, carrying the same two destinations as the agent.
ssh -F "$WORK/ssh_config" -N -o ExitOnForwardFailure=yes -o ServerAliveInterval=10 \
  -R "127.0.0.1:$R_SSH_PORT:127.0.0.1:$TARGET_PORT" -R "127.0.0.1:$R_SERVICE_PORT:127.0.0.1:$SERVICE_PORT" \
  -p "$JUMP_PORT" "$LOGIN@127.0.0.1" &
PIDS+=("$!")
REVERSE_PID=$!
wait_for_port "$R_SSH_PORT" "ssh -R to the jump host"

GATEWAY=(-F "$WORK/ssh_config" -p "$SSH_PORT" "$LOGIN@target@127.0.0.1")
OPENSSH=(-F "$WORK/ssh_config" -J "$LOGIN@127.0.0.1:$JUMP_PORT" -p "$R_SSH_PORT" "$LOGIN@127.0.0.1")
ssh "${GATEWAY[@]}" true || { tail -50 "$GATEWAY_LOG" >&2; die "ssh through the gateway and the agent failed"; }
ssh "${OPENSSH[@]}" true || die "ssh through OpenSSH's reverse tunnel failed"
forward "$L_GATEWAY_PORT" "svc:$SERVICE_PORT" -F "$WORK/ssh_config" -p "$SSH_PORT" "bench@127.0.0.1"
GATEWAY_FORWARD_PID=$LAST_FORWARD_PID
forward "$L_OPENSSH_PORT" "127.0.0.1:$R_SERVICE_PORT" -F "$WORK/ssh_config" -p "$JUMP_PORT" "$LOGIN@127.0.0.1"

# --- 0. warm-up: a gateway runs for weeks, so the figures are for compiled code ---------------------------------------
# A profile of a cold 1 GiB SSH upload: the C2 compiler used twice the CPU of the whole data path. Every path,
# OpenSSH's included, carries unmeasured transfers each way first, in the measured phase's rounds: a JVM that saw one
# direction only compiles for it, and the first transfer the other way throws that code out (PrintCompilation: Netty's
# write path "made not entrant" at each switch) and compiles again, during the measurement. A gateway that runs for
# weeks carries both directions at once.
if (( WARMUP_MIB > 0 )); then
  WARMUP_SHARE=$(( WARMUP_MIB / ROUNDS > 0 ? WARMUP_MIB / ROUNDS : 1 ))
  echo "bench: warm-up, not measured: ${ROUNDS} rounds of ${WARMUP_SHARE} MiB each way per path ..." >&2
  for _ in $(seq 1 "$ROUNDS"); do
    if [[ "$KINDS" == *ssh-* ]]; then
      warm_up "$WARMUP_SHARE" "${GATEWAY[@]}"
      warm_up "$WARMUP_SHARE" "${OPENSSH[@]}"
    fi
    for port in "$L_GATEWAY_PORT" "$L_OPENSSH_PORT"; do
      python3 "$BENCH/tcp_service.py" push "$port" "$WARMUP_SHARE" >/dev/null
      python3 "$BENCH/tcp_service.py" pull "$port" "$WARMUP_SHARE" >/dev/null
    done
  done
fi

# --- 1. throughput and stream open latency ------------------------------------------------------------------------
# Each path's own processes: what runs in the gateway's place and in the agent's. The ssh clients, the target sshd
# and the TCP service are the same programs doing the same work on both paths.
GATEWAY_PROCS=("$GATEWAY_PID" "$AGENT_PID"); OPENSSH_PROCS=("$JUMP_SSHD_PID" "$REVERSE_PID")
transfer() { # $1 = kind (ssh-up, ssh-down, tcp-push, tcp-pull), $2 = path (gateway, openssh), $3 = MiB: prints MiB/s
  local ssh_args=("${GATEWAY[@]}") port="$L_GATEWAY_PORT"
  if [ "$2" = openssh ]; then ssh_args=("${OPENSSH[@]}"); port="$L_OPENSSH_PORT"; fi
  case "$1" in
    ssh-up) upload "$3" "${ssh_args[@]}" ;;
    ssh-down) download "$3" "${ssh_args[@]}" ;;
    tcp-push) python3 "$BENCH/tcp_service.py" push "$port" "$3" ;;
    tcp-pull) python3 "$BENCH/tcp_service.py" pull "$port" "$3" ;;
  esac
}
measure() { # $1 = kind, $2 = path, $3 = MiB: one transfer, appended to throughput.txt with its path's CPU seconds
  # before and after it: "total JIT" of both processes, then of the gateway's or the jump sshd's alone
  # and its threads' waits "run-queue-ms voluntary involuntary" before and after
  # and the whole machine's CPU ticks "busy idle" before and after
  local procs=("${GATEWAY_PROCS[@]}") before first rate after waits machine
  [ "$2" = openssh ] && procs=("${OPENSSH_PROCS[@]}")
  before="$(cpu_seconds "${procs[@]}")"; first="$(cpu_seconds "${procs[0]}")"
  sched_threads "${procs[@]}" > "$WORK/threads-before.txt"
  machine="$(machine_cpu)"
  rate="$(transfer "$1" "$2" "$3")"
  machine="$machine $(machine_cpu)"
  sched_threads "${procs[@]}" > "$WORK/threads-after.txt"
  thread_deltas "$1 $2 $3" "$WORK/threads-before.txt" "$WORK/threads-after.txt" >> "$WORK/threads.txt"
  after="$(cpu_seconds "${procs[@]}")"
  waits="$(sched_waits "$WORK/threads-before.txt") $(sched_waits "$WORK/threads-after.txt")"
  echo "$1 $2 $3 $rate $before $after $first $(cpu_seconds "${procs[0]}") $waits $machine" >> "$WORK/throughput.txt"
}
thread_deltas() { # $1 = "kind path MiB", $2, $3 = sched_threads before and after: per thread, what the transfer added
  awk -v tag="$1" 'NR == FNR { seen[$1] = $3 " " $4 " " $5 " " $6; next }
    { split(($1 in seen) ? seen[$1] : "0 0 0 0", b, " ")
      print tag, $2, $3 - b[1], $4 - b[2], $5 - b[3], $6 - b[4] }' "$2" "$3"
}
SHARE_MIB=$(( SIZE_MIB / ROUNDS > 0 ? SIZE_MIB / ROUNDS : 1 ))
echo "bench: ${ROUNDS} rounds of ${SHARE_MIB} MiB each way per path, the paths alternating (load before: $LOAD_BEFORE)" >&2
: > "$WORK/throughput.txt"; : > "$WORK/threads.txt"
for round in $(seq 1 "$ROUNDS"); do
  order=(gateway openssh); (( round % 2 == 0 )) && order=(openssh gateway)
  for kind in $KINDS; do
    for path in "${order[@]}"; do measure "$kind" "$path" "$SHARE_MIB"; done
  done
  echo "bench: round $round of $ROUNDS done (load: $(load_average))" >&2
done
# Per kind and path: MiB/s over all rounds (MiB / seconds), and CPU milliseconds per MiB without the JIT compiler's
# (what a gateway that runs for weeks spends; the warm-up does not end all compiling on a busy machine).
# throughput.txt: kind path MiB MiB/s, then CPU "total JIT" before and after for both processes, then for the first,
# then "run-queue-ms voluntary involuntary" before and after for both, then the machine's "busy idle" before and after.
throughput() { # $1 = kind, $2 = path: prints "MiB/s cpu-ms-per-MiB wake-ups-per-MiB run-queue-ms-per-MiB
  # preemptions-per-MiB machine-busy-ms-per-MiB machine-idle-percent JIT-ms-per-MiB"
  awk -v kind="$1" -v path="$2" -v tick="$(getconf CLK_TCK)" '$1 == kind && $2 == path { mib += $3; s += $3 / $4
      cpu += ($7 - $8) - ($5 - $6); queue += $16 - $13; woken += $17 - $14; preempted += $18 - $15
      busy += $21 - $19; idle += $22 - $20; jit += $8 - $6 }
    END { if (mib) printf "%.1f %.1f %.0f %.2f %.0f %.1f %.0f %.1f\n", mib / s, cpu * 1000 / mib, woken / mib, queue / mib,
        preempted / mib, busy * 1000 / tick / mib, 100 * idle / (busy + idle), jit * 1000 / mib
      else print "nan nan nan nan nan nan nan nan" }' "$WORK/throughput.txt"
}
# shellcheck disable=SC2034 # with BENCH_KINDS, kinds not measured read as "nan"
read -r G_SSH_UP G_CPU_SSH_UP _ < <(throughput ssh-up gateway); read -r O_SSH_UP O_CPU_SSH_UP _ < <(throughput ssh-up openssh)
read -r G_SSH_DOWN G_CPU_SSH_DOWN _ < <(throughput ssh-down gateway); read -r O_SSH_DOWN O_CPU_SSH_DOWN _ < <(throughput ssh-down openssh)
read -r G_TCP_UP G_CPU_TCP_UP G_WOKEN_TCP_UP G_QUEUE_TCP_UP G_PREEMPTED_TCP_UP G_BUSY_TCP_UP G_IDLE_TCP_UP G_JIT_TCP_UP \
  < <(throughput tcp-push gateway)
read -r O_TCP_UP O_CPU_TCP_UP O_WOKEN_TCP_UP O_QUEUE_TCP_UP O_PREEMPTED_TCP_UP O_BUSY_TCP_UP O_IDLE_TCP_UP _ \
  < <(throughput tcp-push openssh)
read -r G_TCP_DOWN G_CPU_TCP_DOWN G_WOKEN_TCP_DOWN G_QUEUE_TCP_DOWN G_PREEMPTED_TCP_DOWN G_BUSY_TCP_DOWN G_IDLE_TCP_DOWN G_JIT_TCP_DOWN \
  < <(throughput tcp-pull gateway)
read -r O_TCP_DOWN O_CPU_TCP_DOWN O_WOKEN_TCP_DOWN O_QUEUE_TCP_DOWN O_PREEMPTED_TCP_DOWN O_BUSY_TCP_DOWN O_IDLE_TCP_DOWN _ \
  < <(throughput tcp-pull openssh)
if [ "$ONLY" = throughput ]; then
  printf '%-9s %9s %9s %6s %13s %13s %6s\n' "" "gw MiB/s" "ssh MiB/s" ratio "gw CPU ms/MiB" "ssh CPU ms/MiB" ratio
  for row in "ssh-up $G_SSH_UP $O_SSH_UP $G_CPU_SSH_UP $O_CPU_SSH_UP" "ssh-down $G_SSH_DOWN $O_SSH_DOWN $G_CPU_SSH_DOWN $O_CPU_SSH_DOWN" \
      "tcp-push $G_TCP_UP $O_TCP_UP $G_CPU_TCP_UP $O_CPU_TCP_UP" "tcp-pull $G_TCP_DOWN $O_TCP_DOWN $G_CPU_TCP_DOWN $O_CPU_TCP_DOWN"; do
    read -r kind g o gc oc <<< "$row"
    printf '%-9s %9s %9s %6s %13s %13s %6s\n' "$kind" "$g" "$o" "$(ratio "$g" "$o")" "$gc" "$oc" "$(ratio "$gc" "$oc")"
  done
  awk '{ k = $1 " " $2; mib[k] += $3; all[k] += ($7 - $8) - ($5 - $6); first[k] += ($11 - $12) - ($9 - $10);
      jit[k] += ($8 - $6) }
    END { for (k in mib) printf "%s: CPU ms/MiB %.1f = %.1f (gateway or jump sshd) + %.1f (agent or ssh -R); JIT: %.1f more\n",
      k, all[k] * 1000 / mib[k], first[k] * 1000 / mib[k], (all[k] - first[k]) * 1000 / mib[k], jit[k] * 1000 / mib[k] }' \
    "$WORK/throughput.txt" | sort
  for row in "tcp-push $G_WOKEN_TCP_UP $O_WOKEN_TCP_UP $G_QUEUE_TCP_UP $O_QUEUE_TCP_UP $G_PREEMPTED_TCP_UP $O_PREEMPTED_TCP_UP" \
      "tcp-pull $G_WOKEN_TCP_DOWN $O_WOKEN_TCP_DOWN $G_QUEUE_TCP_DOWN $O_QUEUE_TCP_DOWN $G_PREEMPTED_TCP_DOWN $O_PREEMPTED_TCP_DOWN"; do
    read -r kind gw ow gq oq gp op <<< "$row"
    echo "$kind per MiB, gateway + agent / OpenSSH: wake-ups $gw / $ow, run-queue wait ms $gq / $oq, preemptions $gp / $op"
  done
  for row in "tcp-push $G_BUSY_TCP_UP $O_BUSY_TCP_UP $G_IDLE_TCP_UP $O_IDLE_TCP_UP" \
      "tcp-pull $G_BUSY_TCP_DOWN $O_BUSY_TCP_DOWN $G_IDLE_TCP_DOWN $O_IDLE_TCP_DOWN"; do
    read -r kind gb ob gi oi <<< "$row"
    echo "$kind, the whole machine, gateway / OpenSSH: busy CPU ms per MiB $gb / $ob (ratio $(ratio "$ob" "$gb")), idle $gi / $oi %"
  done
  echo "per MiB, the ten threads (digits in names cut) that waited longest for a CPU:"
  echo "  kind path thread: on-CPU ms, run-queue wait ms, wake-ups, preemptions"
  python3 - "$WORK/throughput.txt" "$WORK/threads.txt" <<'PY'
import collections, sys
mib, rows = collections.Counter(), collections.defaultdict(lambda: [0, 0, 0, 0])
for line in open(sys.argv[1]):
    kind, path, size = line.split()[:3]
    mib[(kind, path)] += float(size)
for line in open(sys.argv[2]):
    kind, path, _, name, *values = line.split()
    row = rows[(kind, path, name)]
    for i, value in enumerate(values):
        row[i] += int(value)
for (kind, path, name), (cpu, wait, woken, preempted) in sorted(rows.items(), key=lambda item: -item[1][1])[:10]:
    per = mib[(kind, path)]
    print(f"  {kind} {path} {name}: {cpu / 1e6 / per:.2f}, {wait / 1e6 / per:.2f}, {woken / per:.1f}, {preempted / per:.1f}")
PY
  echo "load before $LOAD_BEFORE, after $(load_average); ${ROUNDS} x ${SHARE_MIB} MiB each way per path"
  exit 0
fi
echo "bench: stream open latency ..." >&2
read -r G_OPEN50 G_OPEN99 < <(python3 "$BENCH/tcp_service.py" open "$L_GATEWAY_PORT" "$OPEN_RUNS" | percentiles)
read -r O_OPEN50 O_OPEN99 < <(python3 "$BENCH/tcp_service.py" open "$L_OPENSSH_PORT" "$OPEN_RUNS" | percentiles)

# --- 2. recovery after a cut: the agent reaches the gateway only through the relay ---------------------------------
# The node advertises the relay's address, so the links the agent learns from the node go through the relay too.
echo "bench: recovery: ${CUTS} cuts, ${CUT_INTERVAL} s apart ..." >&2
kill "$GATEWAY_FORWARD_PID" "$AGENT_PID" 2>/dev/null || true
stop_gateway
python3 "$BENCH/cut_relay.py" "$RELAY_PORT" "$TUNNEL_PORT" "$RELAY_CONTROL_PORT" &
PIDS+=("$!")
wait_for_port "$RELAY_CONTROL_PORT" "the relay"
start_gateway relayed --gatehouse.tunnel.advertised-host="127.0.0.1:$RELAY_PORT"
start_agent agent-relayed "127.0.0.1:$RELAY_PORT"
RELAYED_AGENT_PID=$AGENT_PID
ssh "${GATEWAY[@]}" true || die "ssh through the relayed agent failed"
python3 "$BENCH/cut_recovery.py" watch "$RELAY_CONTROL_PORT" "$CUTS" "$CUT_INTERVAL" -- ssh "${GATEWAY[@]}" \
  > "$WORK/recovery.txt" || { cat "$WORK/recovery.txt" >&2; die "recovery after a cut failed"; }
grep -q '^OK ' "$WORK/recovery.txt" || die "recovery: no verdict from cut_recovery.py"
RECOVERY_BYTES="$(awk '/^OK / { print $2 }' "$WORK/recovery.txt")"
awk '$1 != "OK" && $3 < 1 { bad = 1 } END { exit bad }' "$WORK/recovery.txt" \
  || die "a cut reset no connection: the agent's link did not go through the relay"
read -r STALL50 STALLMAX < <(awk '$1 != "OK" { print $1 }' "$WORK/recovery.txt" | percentiles 0.5 1.0)
read -r GAP50 < <(awk '$1 != "OK" { print $2 }' "$WORK/recovery.txt" | percentiles 0.5)
# What the agent waited before reconnecting (its log: "reconnecting to gateway ... in N ms"), once per cut or more.
sed -n 's/.*reconnecting to gateway .* in \([0-9]*\) ms.*/\1/p' "$WORK/agent-relayed.log" > "$WORK/backoffs.txt"
RECONNECTS="$(wc -l < "$WORK/backoffs.txt")"
read -r BACKOFF50 BACKOFFMAX < <(percentiles 0.5 1.0 < "$WORK/backoffs.txt")
# The rest of each stall: reconnect (TCP, TLS 1.3, HTTP/2), the node list, the resume exchange and the resend.
REST50="n/a (not one reconnect per cut)"
if [ "$RECONNECTS" = "$CUTS" ]; then
  REST50="$(awk '$1 != "OK" { print $1 }' "$WORK/recovery.txt" | paste - "$WORK/backoffs.txt" | awk '{ print $1 - $2 }' | percentiles 0.5)"
fi
LINKS_UP="$(grep -c "link to gateway .* up" "$WORK/agent-relayed.log" | tr -d ' ')"
grep "link to gateway .* up" "$WORK/agent-relayed.log" | grep -v "127.0.0.1:$RELAY_PORT" >&2 \
  && die "the relayed agent linked around the relay"
kill "$RELAYED_AGENT_PID" 2>/dev/null || true
stop_gateway

# --- 3. memory per idle agent link, with NMT on this gateway ----------------------------------------------------------
echo "bench: memory: ${AGENTS} agents ..." >&2
GATEWAY_JVM_OPTS=(-XX:NativeMemoryTracking=summary)
start_gateway memory --gatehouse.tunnel.advertised-host=127.0.0.1
api -X POST "$API/networks" -d '{"name":"swarm","description":"idle agents of the tunnel benchmark"}' >/dev/null
mkfifo "$WORK/swarm.in"
exec 3<>"$WORK/swarm.in"
BENCH_API_TOKEN="$TOKEN" "$JAVA_HOME/bin/java" -Xmx2g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$AGENT_JAR:$SWARM_CLASSES" dev.gatehouse.bench.AgentSwarm "$API" "127.0.0.1:$TUNNEL_PORT" swarm "$AGENTS" \
  "$WORK/gateway-ca.pem" <"$WORK/swarm.in" >"$WORK/swarm.out" 2>"$WORK/swarm.log" 3>&- &
SWARM_PID=$!
PIDS+=("$SWARM_PID")
swarm_says() { # $1 = a regular expression for a whole line; waits for it up to 10 minutes
  for _ in $(seq 1 3000); do
    grep -q "^$1\$" "$WORK/swarm.out" && return 0
    kill -0 "$SWARM_PID" 2>/dev/null || { tail -30 "$WORK/swarm.log" >&2; die "the agent swarm stopped"; }
    sleep 0.2
  done
  die "the agent swarm did not get to $1"
}
STARTED=0
swarm_link() { # $1 = how many agents should run; starts the missing ones, dies unless all are linked
  local linked
  echo "start $(( $1 - STARTED ))" >&3
  STARTED="$1"
  swarm_says "LINKED [0-9]* of $1"
  linked="$(awk -v of="$1" '$1 == "LINKED" && $4 == of { print $2 }' "$WORK/swarm.out")"
  [ "$linked" = "$1" ] || die "only $linked of $1 swarm agents linked (see $WORK/swarm.log)"
}
swarm_says "ENROLLED $AGENTS"
# A first tenth of the agents links before the baseline: what the first links cost once (classes loaded, code
# compiled, pools sized) is then not counted per agent; the rest are what each further idle link costs.
WARM=$(( AGENTS / 10 > 0 ? AGENTS / 10 : 1 ))
swarm_link "$WARM"
sleep 5
read -r HEAP0 NATIVE0 RSS0 < <(gateway_memory warm)
swarm_link "$AGENTS"
connected_swarm() {
  api "$API/agents" | python3 -c 'import json, sys; print(sum(1 for a in json.load(sys.stdin) if a["network"] == "swarm" and a["connected"]))'
}
for _ in $(seq 1 60); do [ "$(connected_swarm)" = "$AGENTS" ] && break; sleep 1; done
CONNECTED="$(connected_swarm)"
[ "$CONNECTED" = "$AGENTS" ] || die "GET /agents shows $CONNECTED of $AGENTS swarm agents connected"
sleep 10
read -r HEAP1 NATIVE1 RSS1 < <(gateway_memory linked)
exec 3>&-
wait "$SWARM_PID" 2>/dev/null || true
# Stop the gateway only once it has recorded every link as gone (many links closing during shutdown slow it down).
for _ in $(seq 1 60); do [ "$(connected_swarm)" = 0 ] && break; sleep 1; done
stop_gateway
per_agent() { python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / int(sys.argv[3]):.1f}')" "$1" "$2" "$(( AGENTS - WARM ))"; }
HEAP_PER="$(per_agent "$HEAP0" "$HEAP1")"; NATIVE_PER="$(per_agent "$NATIVE0" "$NATIVE1")"; RSS_PER="$(per_agent "$RSS0" "$RSS1")"
MEM_PER="$(python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]):.1f}')" "$HEAP_PER" "$NATIVE_PER")"

# --- the report -----------------------------------------------------------------------------------------------------
R_SSH_UP="$(ratio "$G_SSH_UP" "$O_SSH_UP")"; R_SSH_DOWN="$(ratio "$G_SSH_DOWN" "$O_SSH_DOWN")"
R_TCP_UP="$(ratio "$G_TCP_UP" "$O_TCP_UP")"; R_TCP_DOWN="$(ratio "$G_TCP_DOWN" "$O_TCP_DOWN")"
R_OPEN50="$(ratio "$G_OPEN50" "$O_OPEN50")"; R_OPEN99="$(ratio "$G_OPEN99" "$O_OPEN99")"
LOAD_AFTER="$(load_average)"
MARK="<!-- Everything above is written by ./gatehouse bench tunnel; what follows is kept from run to run. -->"
HAND_WRITTEN="$(kept_part "$OUT" "$MARK")"
mkdir -p "$(dirname "$OUT")"
cat > "$OUT" <<REPORT
# Tunnel benchmark

Measured by \`./gatehouse bench tunnel\` on $(date -u +%Y-%m-%d) — $(machine).
Load average before the run $LOAD_BEFORE, after it $LOAD_AFTER (1, 5, 15 min). Everything on loopback; cipher $CIPHER on
every SSH leg; ${SIZE_MIB} MiB each way per path (${ROUNDS} rounds of ${SHARE_MIB} MiB, the paths alternating), after an unmeasured warm-up of ${WARMUP_MIB} MiB each way per path in as many rounds (a
gateway runs for weeks: the figures are for compiled code); ${OPEN_RUNS} stream opens per path; ${CUTS} cuts; ${AGENTS} idle agents.

The gateway path: the all-in-one gateway (bastion + tunnel port) and one real agent process
(\`gatehouse-agent.jar run\`, allow-list: the sshd and the TCP service). The baseline: an "inside" OpenSSH
\`ssh -N -R\` (both destinations) to a second sshd acting as the public jump host; the client goes \`ssh -J\` (SSH) or
\`ssh -L\` (raw TCP) through that jump host. Both end at the same sshd and the same TCP service (\`e2e/bench/tcp_service.py\`).
CPU per MiB: user + system time, from /proc, of the gateway and agent JVMs against the jump host's sshd (with its
forked sessions) and the inside \`ssh -R\`, over the measured transfers, divided by the MiB moved; without the JVMs'
JIT compiler threads (still compiling after the warm-up on a busy machine; a gateway that runs for weeks does not).
The whole machine's busy CPU per MiB (/proc/stat: everything, the clients, the service and the JIT included) is what
throughput follows when both cores are nearly busy; the run-queue wait (/proc/<pid>/task/*/schedstat) is how long the
path's own threads were ready to run but found both cores taken.

| measurement | gateway + agent | OpenSSH \`ssh -R\` | ratio | target | verdict |
|---|---:|---:|---:|---|---|
| SSH upload, MiB/s | $G_SSH_UP | $O_SSH_UP | $R_SSH_UP | ≥ 1.0× | $(verdict "$R_SSH_UP" ge 1.0) |
| SSH download, MiB/s | $G_SSH_DOWN | $O_SSH_DOWN | $R_SSH_DOWN | ≥ 1.0× | $(verdict "$R_SSH_DOWN" ge 1.0) |
| raw TCP via \`-L\`, push, MiB/s | $G_TCP_UP | $O_TCP_UP | $R_TCP_UP | ≥ 1.0× | $(verdict "$R_TCP_UP" ge 1.0) |
| raw TCP via \`-L\`, pull, MiB/s | $G_TCP_DOWN | $O_TCP_DOWN | $R_TCP_DOWN | ≥ 1.0× | $(verdict "$R_TCP_DOWN" ge 1.0) |
| SSH upload, CPU ms per MiB | $G_CPU_SSH_UP | $O_CPU_SSH_UP | $(ratio "$G_CPU_SSH_UP" "$O_CPU_SSH_UP") | none set (lower is better) | — |
| SSH download, CPU ms per MiB | $G_CPU_SSH_DOWN | $O_CPU_SSH_DOWN | $(ratio "$G_CPU_SSH_DOWN" "$O_CPU_SSH_DOWN") | none set | — |
| raw TCP push, CPU ms per MiB | $G_CPU_TCP_UP | $O_CPU_TCP_UP | $(ratio "$G_CPU_TCP_UP" "$O_CPU_TCP_UP") | none set | — |
| raw TCP pull, CPU ms per MiB | $G_CPU_TCP_DOWN | $O_CPU_TCP_DOWN | $(ratio "$G_CPU_TCP_DOWN" "$O_CPU_TCP_DOWN") | none set | — |
| raw TCP push, the whole machine's busy CPU ms per MiB | $G_BUSY_TCP_UP | $O_BUSY_TCP_UP | $(ratio "$G_BUSY_TCP_UP" "$O_BUSY_TCP_UP") | none set | — |
| raw TCP pull, the whole machine's busy CPU ms per MiB | $G_BUSY_TCP_DOWN | $O_BUSY_TCP_DOWN | $(ratio "$G_BUSY_TCP_DOWN" "$O_BUSY_TCP_DOWN") | none set | — |
| raw TCP push / pull, the JVMs' JIT compilers, CPU ms per MiB | $G_JIT_TCP_UP / $G_JIT_TCP_DOWN | 0 / 0 | — | none set | — |
| raw TCP push, own threads' run-queue wait, ms per MiB | $G_QUEUE_TCP_UP | $O_QUEUE_TCP_UP | $(ratio "$G_QUEUE_TCP_UP" "$O_QUEUE_TCP_UP") | none set | — |
| stream open (connect → first byte) p50, ms | $G_OPEN50 | $O_OPEN50 | $R_OPEN50 | none set ("as low as possible") | — |
| stream open p99, ms | $G_OPEN99 | $O_OPEN99 | $R_OPEN99 | none set | — |
| SSH session across ${CUTS} cuts of the agent's links | survived, ${RECOVERY_BYTES} bytes, SHA-256 exact | an \`ssh -R\` session does not survive its TCP connection | — | survives, no byte lost or altered | met |
| stall after a cut (cut → bytes flow again) p50 / max, ms | $STALL50 / $STALLMAX | — | — | none set | — |
| memory per idle agent link: live heap + native, KB | $MEM_PER | — | — | ≤ 100 KB | $(verdict "$MEM_PER" le 100) |

Recovery: the relay (\`e2e/bench/cut_relay.py\`) resets every agent↔gateway connection (RST, both directions) while
\`ssh … 'python3 cut_recovery.py source'\` streams about 4 MiB/s of random bytes through the gateway and the agent;
the client times each read. The longest pause after a cut was $GAP50 ms at the median. The agent waited a jittered
backoff before reconnecting, p50 $BACKOFF50 ms, max $BACKOFFMAX ms ($RECONNECTS reconnects for $CUTS cuts; the agent's
link came up $LINKS_UP times, every time through the relay); stall minus that wait (reconnect, TLS, resume, resend),
p50: $REST50 ms.

Memory: the gateway (NMT summary on) with the first $WARM agents of the swarm linked (what the first links cost once:
classes, compiled code, pools) and after all ${AGENTS} links were up and idle for 10 s (GET /api/v1/agents:
$CONNECTED connected), each after a full GC; per agent = the difference / $(( AGENTS - WARM )).

| | $WARM linked | ${AGENTS} linked | per agent |
|---|---:|---:|---:|
| live heap (GC.heap_info used), KiB | $HEAP0 | $HEAP1 | $HEAP_PER |
| native, NMT committed minus Java heap, KiB | $NATIVE0 | $NATIVE1 | $NATIVE_PER |
| RSS, KiB (includes heap pages touched, not only live data) | $RSS0 | $RSS1 | $RSS_PER |

$MARK
REPORT
end_report "$OUT" "$MARK" "$HAND_WRITTEN"
