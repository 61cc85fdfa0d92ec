# Shared by the benchmarks in this folder (sourced, not run): prerequisites, the work directory and its clean-up,
# the all-in-one gateway on its embedded PostgreSQL, OpenSSH sshd and client configuration, timing, percentiles,
# ratios and the machine description that goes into the docs.
# The including script sets ROOT (the repository) before sourcing this file.

JAR="${BENCH_GATEWAY_JAR:-$ROOT/control-plane/target/gatehouse-exec.jar}"   # another build of the gateway, to compare
SIZE_MIB="${BENCH_SIZE_MIB:-1024}"   # bulk transfers: MiB each way per path
CIPHER=aes128-gcm@openssh.com
TOKEN="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
LOGIN="$(id -un)"

die() { echo "bench: $*" >&2; exit 1; }

# Stops with one message naming everything missing: the built gateway, a JDK, and the given commands.
require() {
  local missing=() c
  [ -f "$JAR" ] || die "build first: ./gatehouse build"
  [ -x "${JAVA_HOME:-}/bin/java" ] || die "JAVA_HOME must name a JDK 21 or newer (./gatehouse bench finds one)"
  for c in "$@"; do
    case "$c" in
      sshd) [ -x /usr/sbin/sshd ] || missing+=("sshd (Debian package openssh-server)") ;;
      jcmd) [ -x "$JAVA_HOME/bin/jcmd" ] || missing+=("jcmd (a full JDK in JAVA_HOME, not a JRE)") ;;
      *) command -v "$c" >/dev/null || missing+=("$c") ;;
    esac
  done
  [ "${#missing[@]}" -eq 0 ] || die "missing prerequisites: ${missing[*]}"
  mkdir -p /run/sshd 2>/dev/null || true
}

# Checks the prerequisites (the commands given), then makes a fresh work directory with the client key and the
# target's host key, and picks the gateway's ports. The directory goes, with every process the benchmark started,
# when the benchmark exits (BENCH_KEEP_WORK=1 keeps it, with the logs, for a look afterwards).
begin() {
  require ssh ssh-keygen python3 curl "$@"
  WORK="$(mktemp -d /tmp/gatehouse-bench.XXXXXX)"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
  ssh-keygen -q -t ed25519 -N '' -C bench -f "$WORK/id"
  ssh-keygen -q -t ed25519 -N '' -C bench-target -f "$WORK/target_host_key"
  cp "$WORK/id.pub" "$WORK/authorized_keys"
  HTTP_PORT="$(free_port)"; SSH_PORT="$(free_port)"; TUNNEL_PORT="$(free_port)"
  API="http://127.0.0.1:$HTTP_PORT/api/v1"
}
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "${BENCH_KEEP_WORK:-0}" = 1 ]; then echo "bench: logs kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now() { date +%s.%N; }
seconds_since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$(now)"; }
wait_for_port() { # $1 port, $2 what: waits up to 30 s until something accepts connections on 127.0.0.1:$1
  python3 - "$1" <<'PY' || die "$2 did not open port $1 within 30 s"
import socket, sys, time
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
}

# --- the gateway (all-in-one on its embedded PostgreSQL, data kept across restarts within one run) ---------------
GATEWAY_JVM_OPTS=()   # extra JVM options for the next start (BENCH_GATEWAY_JAVA_OPTS is added to every start)
start_gateway() { # $1 = a name for its log, then extra --gatehouse.* arguments
  local name="$1"; shift
  # shellcheck disable=SC2086 # BENCH_GATEWAY_JAVA_OPTS is a list of options
  GATEHOUSE_DATA_DIR="$WORK/gateway" "$JAVA_HOME/bin/java" -Xms512m "${GATEWAY_JVM_OPTS[@]}" ${BENCH_GATEWAY_JAVA_OPTS:-} \
    -jar "$JAR" --gatehouse.role=all-in-one \
    --gatehouse.http.port="$HTTP_PORT" --gatehouse.ssh.port="$SSH_PORT" --gatehouse.tunnel.port="$TUNNEL_PORT" \
    --gatehouse.ssh.bind-address=127.0.0.1 --gatehouse.tunnel.bind-address=127.0.0.1 \
    --gatehouse.bootstrap-token="$TOKEN" "$@" >"$WORK/gateway-$name.log" 2>&1 &
  GATEWAY_PID=$!
  GATEWAY_LOG="$WORK/gateway-$name.log"
  PIDS+=("$GATEWAY_PID")
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:$HTTP_PORT/actuator/health" >/dev/null 2>&1 && return 0
    kill -0 "$GATEWAY_PID" 2>/dev/null || { tail -50 "$GATEWAY_LOG" >&2; die "the gateway did not start"; }
    sleep 0.5
  done
  die "the gateway did not become healthy within 120 s"
}
stop_gateway() { kill "$GATEWAY_PID"; wait "$GATEWAY_PID" 2>/dev/null || true; }
gateway_memory() { # $1 = a name; prints "live-heap-KiB native-KiB rss-KiB" after a full GC; native = NMT committed
  # minus the heap (the gateway must run with -XX:NativeMemoryTracking=summary)
  "$JAVA_HOME/bin/jcmd" "$GATEWAY_PID" GC.run >/dev/null
  sleep 2
  "$JAVA_HOME/bin/jcmd" "$GATEWAY_PID" GC.run >/dev/null
  local heap
  heap="$("$JAVA_HOME/bin/jcmd" "$GATEWAY_PID" GC.heap_info | sed -n 's/.* used \([0-9]*\)K.*/\1/p' | head -n1)"
  # Kept in the work directory, to see what the sessions or links hold (diff two histograms, or the NMT categories).
  "$JAVA_HOME/bin/jcmd" "$GATEWAY_PID" GC.class_histogram > "$WORK/histogram-$1.txt"
  "$JAVA_HOME/bin/jcmd" "$GATEWAY_PID" VM.native_memory summary | tee "$WORK/nmt-$1.txt" | python3 -c '
import re, sys
nmt = sys.stdin.read()
total = int(re.search(r"Total: reserved=\d+KB, committed=(\d+)KB", nmt).group(1))
heap_committed = int(re.search(r"Java Heap \(reserved=\d+KB, committed=(\d+)KB\)", nmt).group(1))
print(sys.argv[1], total - heap_committed, sys.argv[2])' "$heap" "$(awk '/^VmRSS/ { print $2 }' "/proc/$GATEWAY_PID/status")"
}
api() { curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }

# --- OpenSSH: sshd instances sharing one host key, and the client configuration --------------------------------
start_sshd() { # $1 = port, $2 = name, then extra sshd_config lines; the target's user CA must be in $WORK/user_ca.pub
  # HOME points at an empty directory: a login shell must not run the benchmarking user's own dotfiles (a slow
  # ~/.bashrc would be measured as the gateway's set-up time).
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
SetEnv HOME=$WORK/home
CONF
  mkdir -p "$WORK/home"
  if [ "$#" -gt 2 ]; then printf '%s\n' "${@:3}" >> "$WORK/sshd_$2.conf"; fi
  /usr/sbin/sshd -D -e -f "$WORK/sshd_$2.conf" 2>"$WORK/sshd_$2.log" &
  PIDS+=("$!")
  SSHD_PID=$!
}

write_ssh_config() { # $1 = the gateway's @cert-authority line, then the ports where the target's host key answers
  local key port
  key="$(cut -d' ' -f1,2 "$WORK/target_host_key.pub")"
  { echo "$1"; shift; for port in "$@"; do echo "[127.0.0.1]:$port $key"; done; } > "$WORK/known_hosts"
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
${BENCH_SSH_KEX:+  KexAlgorithms $BENCH_SSH_KEX}
  Compression no
  ControlMaster no
  ControlPath none
  LogLevel ERROR
CONF
}

# --- figures ----------------------------------------------------------------------------------------------------
upload() { # $1 = MiB, then the ssh arguments before the remote command; prints MiB/s
  local size="$1" start; shift
  start="$(now)"
  head -c "${size}M" /dev/zero | ssh "$@" 'cat > /dev/null'
  python3 -c "import sys; print(f'{$size / float(sys.argv[1]):.1f}')" "$(seconds_since "$start")"
}
download() {
  local size="$1" start; shift
  start="$(now)"
  ssh "$@" "head -c ${size}M /dev/zero" > /dev/null
  python3 -c "import sys; print(f'{$size / float(sys.argv[1]):.1f}')" "$(seconds_since "$start")"
}
pty_cat() { # $1 = MiB of text, then the ssh arguments: `cat` of a text file on a pty (the terminal path); prints MiB/s
  local size="$1" start; shift
  [ -f "$WORK/text-$size.txt" ] || base64 -w 100 /dev/urandom | head -c "${size}M" > "$WORK/text-$size.txt"
  start="$(now)"
  ssh -tt "$@" "cat $WORK/text-$size.txt" > /dev/null
  python3 -c "import sys; print(f'{$size / float(sys.argv[1]):.1f}')" "$(seconds_since "$start")"
}
recorded_mib() { # $1 = the session kind (exec|shell), $2 = a UTC time (date -u +%FT%T): prints the MiB recorded as
  # output by the benchmark person's first such session started since then, once its end is stored
  local kind="$1" since="$2" i
  for i in $(seq 1 120); do
    api "$API/sessions?user=bench&limit=20" | python3 -c '
import json, sys
kind, since = sys.argv[1], sys.argv[2]
s = [x for x in json.load(sys.stdin)["sessions"] if x["kind"] == kind and x["startedAt"] >= since]
if not s or min(s, key=lambda x: x["startedAt"]).get("status") in ("running", "detached"):
    sys.exit(1)
first = min(s, key=lambda x: x["startedAt"])
print("%.1f" % (first["outputBytes"] / 1048576))
' "$kind" "$since" && return 0
    sleep 0.5
  done
  die "no ended $kind session of the benchmark was stored within 60 s"
}
kept_part() { # $1 = a report, $2 = its marker line: prints what follows the marker (hand-written, kept from run to run)
  if [ -f "$1" ]; then awk -v mark="$2" 'kept { print } $0 == mark { kept = 1 }' "$1"; fi
}
end_report() { # $1 = the report just written, ending with its marker, $2 = the marker, $3 = the kept part
  if [ -n "$3" ]; then printf '%s\n' "$3" >> "$1"; fi
  awk -v mark="$2" '$0 == mark { exit } { print }' "$1"
}
warm_up() { # $1 = MiB, then the ssh arguments: one unmeasured upload and download, so the figures after it are for
  # compiled code (a gateway runs for weeks; measured cold, the first gigabyte shares the cores with the JIT compiler)
  local size="$1"; shift
  (( size > 0 )) || return 0
  upload "$size" "$@" >/dev/null
  download "$size" "$@" >/dev/null
}
setup_times() { # $1 = runs, then the ssh arguments: p50 and p99 in milliseconds of `ssh ... true`
  local runs="$1" start; shift
  for _ in $(seq 1 "$runs"); do
    start="$(now)"
    ssh "$@" true
    python3 -c "import sys; print(f'{float(sys.argv[1]) * 1000:.1f}')" "$(seconds_since "$start")"
  done | percentiles
}
percentiles() { # stdin: one number per line; prints "p50 p99" (or the quantiles given as arguments)
  python3 -c '
import sys
v = sorted(float(x) for x in sys.stdin if x.strip())
if not v:
    sys.exit("no samples")
qs = [float(q) for q in sys.argv[1:]] or [0.50, 0.99]
pick = lambda q: v[min(len(v) - 1, int(round(q * (len(v) - 1))))]
print(" ".join(f"{pick(q):.1f}" for q in qs))' "$@"
}
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }
verdict() { # $1 value, $2 op (ge|le), $3 target
  python3 -c "import sys; r, op, t = float(sys.argv[1]), sys.argv[2], float(sys.argv[3]); print('met' if (r >= t if op == 'ge' else r <= t) else 'MISSED')" "$@"
}
machine() { # one line: cores, CPU, RAM, kernel, OpenSSH, JDK
  local cpu
  cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)"
  echo "$(nproc) cores ($cpu), $(free -g | awk '/^Mem:/ { print $2 }') GiB, Linux $(uname -r), $(ssh -V 2>&1), $("$JAVA_HOME/bin/java" -version 2>&1 | head -n1)"
}
process_tree() { # the given process ids and all their live descendants, one per line
  python3 - "$@" <<'PY'
import os, sys
children = {}
for entry in os.listdir("/proc"):
    if entry.isdigit():
        try:
            with open(f"/proc/{entry}/stat") as f:
                children.setdefault(int(f.read().rsplit(")", 1)[1].split()[1]), []).append(int(entry))
        except OSError:
            continue
todo = [int(p) for p in sys.argv[1:]]
while todo:
    pid = todo.pop()
    if os.path.isdir(f"/proc/{pid}"):
        print(pid)
        todo.extend(children.get(pid, []))
PY
}
cpu_seconds() { # the given process ids: CPU seconds (user + system) used so far by each and all its descendants,
  # those still running and those already reaped (a forked sshd session ends with its connection); then, of those,
  # the seconds of the JIT compiler threads still running (C1/C2 CompilerThread: a JVM's warm-up, not its data path)
  # shellcheck disable=SC2046 # one argument per process id
  python3 - $(process_tree "$@") <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
total, jit = 0, 0
for pid in sys.argv[1:]:
    try:
        with open(f"/proc/{pid}/stat") as f:
            # after the name: state ppid ...; utime stime cutime cstime are fields 14-17 of the whole line
            total += sum(int(x) for x in f.read().rsplit(")", 1)[1].split()[11:15])
    except OSError:
        continue
    for task in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else []:
        try:
            with open(f"/proc/{pid}/task/{task}/stat") as f:
                name, rest = f.read().split("(", 1)[1].rsplit(")", 1)
        except OSError:
            continue
        if name.startswith(("C1 CompilerThre", "C2 CompilerThre")):
            jit += sum(int(x) for x in rest.split()[11:13])
print(f"{total / tick:.2f} {jit / tick:.2f}")
PY
}
machine_cpu() { # the whole machine's CPU ticks so far, all cores: "busy idle" (/proc/stat; iowait counts as idle)
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6; exit }' /proc/stat
}
sched_threads() { # the given process ids: one line per live thread of each and of its live descendants,
  # "tid name on-CPU-ns run-queue-ns voluntary involuntary": the time it ran, the time it was runnable but waited for a
  # CPU (/proc/<pid>/task/<tid>/schedstat), its voluntary context switches (it ran out of work and slept: each one a
  # wake-up later) and its involuntary ones (preempted); the name with its digits cut (a pool's threads group together)
  # shellcheck disable=SC2046 # one argument per process id
  python3 - $(process_tree "$@") <<'PY'
import os, re, sys
for pid in sys.argv[1:]:
    task_dir = f"/proc/{pid}/task"
    for task in os.listdir(task_dir) if os.path.isdir(task_dir) else []:
        try:
            with open(f"{task_dir}/{task}/comm") as f:
                name = re.sub(r"[0-9]+", "#", f.read().strip()).replace(" ", "_") or "?"
            with open(f"{task_dir}/{task}/schedstat") as f:
                on_cpu, waited = f.read().split()[:2]
            switches = {}
            with open(f"{task_dir}/{task}/status") as f:
                for line in f:
                    if "ctxt_switches:" in line:
                        key, value = line.split(":")
                        switches[key] = value.strip()
        except (OSError, ValueError):
            continue
        print(task, name, on_cpu, waited, switches.get("voluntary_ctxt_switches", 0),
              switches.get("nonvoluntary_ctxt_switches", 0))
PY
}
sched_waits() { # $1 = a sched_threads snapshot, over all its threads: "run-queue-ms voluntary involuntary"
  awk '{ wait += $4; voluntary += $5; involuntary += $6 }
    END { printf "%.1f %d %d\n", wait / 1e6, voluntary, involuntary }' "$1"
}
gateway_cpu() { # prints the gateway's CPU ticks so far by thread group: relay recorder spool gc jit other
  # (threads that ended are not counted: the groups are the long-lived pools and workers)
  python3 - "$GATEWAY_PID" <<'PY'
import os, sys
groups = {"relay": 0, "recorder": 0, "spool": 0, "gc": 0, "jit": 0, "other": 0}
task_dir = f"/proc/{sys.argv[1]}/task"
for task in os.listdir(task_dir):
    try:
        with open(f"{task_dir}/{task}/stat") as f:
            name, rest = f.read().split("(", 1)[1].rsplit(")", 1)
    except OSError:
        continue
    ticks = sum(int(x) for x in rest.split()[11:13])   # utime stime
    if name.startswith("sshd-"):
        group = "relay"           # MINA's I/O threads: both SSH legs, decryption, encryption, the relay itself
    elif name.startswith("audit-recorder"):
        group = "recorder"        # framing, the stream and chunk SHA-256, search text
    elif name.startswith("audit-spool"):
        group = "spool"           # chunk files written and fsync'd, chain rows inserted
    elif name.startswith(("GC Thread", "G1 ")):
        group = "gc"
    elif name.startswith(("C1 CompilerThre", "C2 CompilerThre")):
        group = "jit"
    else:
        group = "other"
    groups[group] += ticks
print(" ".join(str(groups[g]) for g in groups))
PY
}
cpu_per_mib() { # $1 = gateway_cpu before, $2 = after, $3 = MiB relayed: ms of CPU per MiB by group, then the total
  python3 -c "
import os, sys
tick = os.sysconf('SC_CLK_TCK')
d = [(int(b) - int(a)) * 1000 / tick / float(sys.argv[3]) for a, b in zip(sys.argv[1].split(), sys.argv[2].split())]
print(' '.join(f'{x:.1f}' for x in d + [sum(d)]))" "$1" "$2" "$3"
}
load_average() { cut -d' ' -f1-3 /proc/loadavg; }
