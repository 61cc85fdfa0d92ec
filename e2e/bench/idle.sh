#!/usr/bin/env bash
# What an idle interactive session costs the gateway: BENCH_IDLE_SESSIONS (default 1000) pty shells held open at once
# through one all-in-one gateway (recording on) to BENCH_IDLE_TARGETS (default 2) real OpenSSH sshd targets, each
# session a shell channel of the load generator (e2e IdleSessions, one JVM), BENCH_IDLE_PER_CONNECTION (default 1) to
# an SSH connection; every session is its own gateway channel with its own target channel and shell.
#   - memory: live heap after a full GC and native memory (NMT committed minus the heap), with a tenth of the
#     sessions open and with all of them; the difference divided by the nine tenths is the cost per session
#     (RSS is reported beside it);
#   - set-up of one more session while they are held: `ssh host true` through the gateway x BENCH_IDLE_SETUP_RUNS
#     (default 50), p50 and p99, with the tenth held and with all of them held.
# Prints one line of figures on standard output (read by bastion.sh, which runs it as a phase of ./gatehouse bench):
#   sessions per-connection heap-KiB native-KiB rss-KiB per-session-KiB setup50 setup99 held-setup50 held-setup99 load
# Alone: ./gatehouse bench idle (the figures also go to standard error, in words).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=lib.sh
. "$ROOT/e2e/bench/lib.sh"
SESSIONS="${BENCH_IDLE_SESSIONS:-1000}"
PER_CONNECTION="${BENCH_IDLE_PER_CONNECTION:-1}"
TARGETS="${BENCH_IDLE_TARGETS:-2}"
RUNS="${BENCH_IDLE_SETUP_RUNS:-50}"
CLASSES="$ROOT/e2e/target/classes"

begin sshd jcmd
[ -f "$CLASSES/dev/gatehouse/bench/IdleSessions.class" ] \
  || die "build the e2e module first: ./mvnw -B -DskipTests package -pl control-plane,tunnel-agent,e2e -am"
(( SESSIONS >= 10 )) || die "BENCH_IDLE_SESSIONS must be at least 10 (a tenth is the baseline)"
LOAD_BEFORE="$(load_average)"

GATEWAY_JVM_OPTS=(-XX:NativeMemoryTracking=summary)
start_gateway idle --gatehouse.recording.output=true \
  --gatehouse.ssh.max-sessions-per-user="$(( SESSIONS + RUNS + 10 ))"
api "$API/ca/ssh-user" > "$WORK/user_ca.pub"
HOST_CA_LINE="$(api "$API/ca/ssh-host")"
api -X POST "$API/roles" -d "{\"name\":\"bench\",\"logins\":[\"$LOGIN\"],\"hostLabels\":{\"bench\":\"yes\"}}" >/dev/null
api -X POST "$API/users" -d '{"username":"bench","roles":["bench"]}' >/dev/null
api -X POST "$API/users/bench/keys" -d "{\"publicKey\":\"$(cat "$WORK/id.pub")\"}" >/dev/null

# The targets: plain sshd instances that take many sessions per connection and many set-ups at once.
PORTS=(); ROUTES=()
for i in $(seq 1 "$TARGETS"); do
  port="$(free_port)"
  start_sshd "$port" "idle-$i" "MaxSessions $(( PER_CONNECTION + 10 ))" "MaxStartups 100:30:200"
  PORTS+=("$port"); ROUTES+=("$LOGIN@idle-$i")
  api -X POST "$API/hosts" -d "{\"name\":\"idle-$i\",\"address\":\"127.0.0.1:$port\",\"labels\":{\"bench\":\"yes\"},\"network\":\"direct\"}" >/dev/null
done
for port in "${PORTS[@]}"; do wait_for_port "$port" "an idle target's sshd"; done
write_ssh_config "$HOST_CA_LINE" "${PORTS[@]}"
GATEWAY=(-F "$WORK/ssh_config" -p "$SSH_PORT" "$LOGIN@idle-1@127.0.0.1")
ssh "${GATEWAY[@]}" true || { tail -50 "$GATEWAY_LOG" >&2; die "ssh through the gateway failed"; }

# The load generator runs from the gateway's own jar (MINA's client is in it) with the e2e classes added.
cat > "$WORK/logback-idle.xml" <<'XML'
<configuration>
  <appender name="err" class="ch.qos.logback.core.ConsoleAppender"><target>System.err</target>
    <encoder><pattern>%d %-5level %logger{20} %msg%n</pattern></encoder></appender>
  <logger name="org.apache.sshd.client.keyverifier" level="ERROR"/>
  <root level="WARN"><appender-ref ref="err"/></root>
</configuration>
XML
mkfifo "$WORK/idle.in"
exec 3<>"$WORK/idle.in"
"$JAVA_HOME/bin/java" -Xmx1g -Dlogback.configurationFile="$WORK/logback-idle.xml" \
  -Dloader.path="$CLASSES" -Dloader.main=dev.gatehouse.bench.IdleSessions -cp "$JAR" \
  org.springframework.boot.loader.launch.PropertiesLauncher \
  127.0.0.1 "$SSH_PORT" "$(IFS=,; echo "${ROUTES[*]}")" "$WORK/id" "$PER_CONNECTION" \
  <"$WORK/idle.in" >"$WORK/idle.out" 2>"$WORK/idle.log" 3>&- &
IDLE_PID=$!
PIDS+=("$IDLE_PID")
HELD=0
hold() { # $1 = how many sessions should be open; opens the missing ones, dies unless all came up
  local more=$(( $1 - HELD )) open
  echo "open $more" >&3
  HELD="$1"
  for _ in $(seq 1 6000); do
    grep -q "^OPEN [0-9]* of $1 retried [0-9]*\$" "$WORK/idle.out" && break
    kill -0 "$IDLE_PID" 2>/dev/null || { tail -30 "$WORK/idle.log" >&2; die "the idle-session load generator stopped"; }
    sleep 0.2
  done
  open="$(awk -v of="$1" '$1 == "OPEN" && $4 == of { print $2 }' "$WORK/idle.out")"
  RETRIED="$(awk -v of="$1" '$1 == "OPEN" && $4 == of { print $6 }' "$WORK/idle.out")"
  [ "$open" = "$1" ] || { tail -30 "$WORK/idle.log" >&2; die "only ${open:-no} of $1 idle sessions came up (see $WORK/idle.log)"; }
}
# A first tenth opens before the baseline: what the first sessions cost once (classes loaded, code compiled, pools
# sized) is then not counted per session; the rest are what each further idle session costs.
WARM=$(( SESSIONS / 10 ))
echo "bench: idle sessions: opening $WARM, then $SESSIONS ($PER_CONNECTION per connection, $TARGETS targets) ..." >&2
hold "$WARM"
sleep 5
read -r HEAP0 NATIVE0 RSS0 < <(gateway_memory idle-warm)
read -r SETUP50 SETUP99 < <(setup_times "$RUNS" "${GATEWAY[@]}")
START="$(now)"
hold "$SESSIONS"
OPEN_SECONDS="$(seconds_since "$START")"
sleep 10
read -r HEAP1 NATIVE1 RSS1 < <(gateway_memory idle-held)
read -r HELD50 HELD99 < <(setup_times "$RUNS" "${GATEWAY[@]}")
echo "bench: idle sessions: the last $(( SESSIONS - WARM )) opened in $OPEN_SECONDS s ($RETRIED opened again after the gateway's dial to the target timed out)" >&2
exec 3>&-
wait "$IDLE_PID" 2>/dev/null || true
stop_gateway

per_session() { python3 -c "import sys; print(f'{(int(sys.argv[2]) - int(sys.argv[1])) / int(sys.argv[3]):.1f}')" "$1" "$2" "$(( SESSIONS - WARM ))"; }
HEAP_PER="$(per_session "$HEAP0" "$HEAP1")"; NATIVE_PER="$(per_session "$NATIVE0" "$NATIVE1")"; RSS_PER="$(per_session "$RSS0" "$RSS1")"
MEM_PER="$(python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]):.1f}')" "$HEAP_PER" "$NATIVE_PER")"
LOAD_AFTER="$(load_average)"
cat >&2 <<SAY
bench: $SESSIONS idle pty sessions, $PER_CONNECTION per connection, to $TARGETS OpenSSH targets (load $LOAD_BEFORE before, $LOAD_AFTER after)
bench:   per session: heap $HEAP_PER KiB + native $NATIVE_PER KiB = $MEM_PER KiB (RSS $RSS_PER KiB); target <= 256 KiB: $(verdict "$MEM_PER" le 256)
bench:   one more session's set-up p50 / p99: $SETUP50 / $SETUP99 ms with $WARM held, $HELD50 / $HELD99 ms with $SESSIONS held
SAY
echo "$SESSIONS $PER_CONNECTION $HEAP_PER $NATIVE_PER $RSS_PER $MEM_PER $SETUP50 $SETUP99 $HELD50 $HELD99 ${LOAD_AFTER%% *}"
