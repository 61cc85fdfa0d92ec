#!/usr/bin/env python3
"""Recovery after a cut: runs a steady stream through an SSH session, cuts the agent's links (cut_relay.py) several
times during it, and measures for each cut how long until bytes flow again; then checks that the session survived
and that every byte arrived, in order (count and SHA-256 against what the remote end sent).

usage: cut_recovery.py watch CONTROL_PORT CUTS INTERVAL_S -- ssh-arguments-before-the-remote-command...
       cut_recovery.py source SECONDS     (the remote command: about 4 MiB/s of random bytes for SECONDS, then
                                           "SENT <bytes> <sha256>" on stderr)

watch prints one line per cut, "<stall ms> <gap ms> <links reset>": the stall runs from the cut to the end of the
longest pause in arrivals that follows it (bytes already on their way still arrive for a moment after a cut), the gap
is that pause alone. The last line is "OK <bytes> <sha256>", or the script exits non-zero saying what went wrong.
"""
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time

CHUNK = 16 << 10
PACE_S = 0.004
LEAD_S = 2.0


def source(seconds):
    digest = hashlib.sha256()
    sent = 0
    out = sys.stdout.buffer
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        block = os.urandom(CHUNK)
        out.write(block)
        out.flush()
        digest.update(block)
        sent += len(block)
        time.sleep(PACE_S)
    sys.stderr.write("SENT %d %s\n" % (sent, digest.hexdigest()))


def cut(control_port):
    with socket.create_connection(("127.0.0.1", control_port)) as conn:
        conn.sendall(b"cut\n")
        return int(conn.makefile().readline().split()[1])


def watch(control_port, cuts, interval, ssh):
    seconds = LEAD_S + cuts * interval + 1
    remote = "python3 %s source %.1f" % (os.path.abspath(__file__), seconds)
    process = subprocess.Popen(ssh + [remote], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    arrivals = []  # monotonic time of each read
    digest = hashlib.sha256()
    received = [0]

    def read():
        fd = process.stdout.fileno()
        while True:
            data = os.read(fd, 1 << 16)
            if not data:
                return
            arrivals.append(time.monotonic())
            digest.update(data)
            received[0] += len(data)

    errors = []
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    error_reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    error_reader.start()
    time.sleep(LEAD_S)
    if not arrivals:
        process.kill()
        error_reader.join(5)
        sys.exit("no bytes through the session after %.0f s: %s" % (LEAD_S, b"".join(errors).decode(errors="replace")))
    cut_times, resets = [], []
    for _ in range(cuts):
        cut_times.append(time.monotonic())
        resets.append(cut(control_port))
        time.sleep(interval)
    process.wait(timeout=seconds + 120)
    reader.join(10)
    error_reader.join(10)
    stderr = b"".join(errors).decode(errors="replace")
    if process.returncode != 0:
        sys.exit("the SSH session did not survive the cuts (exit %d): %s" % (process.returncode, stderr.strip()))
    sent = [line.split() for line in stderr.splitlines() if line.startswith("SENT ")]
    if not sent:
        sys.exit("the remote end did not report what it sent: %s" % stderr.strip())
    count, sha = int(sent[-1][1]), sent[-1][2]
    if count != received[0] or sha != digest.hexdigest():
        sys.exit("bytes lost or altered: sent %d %s, received %d %s" % (count, sha, received[0], digest.hexdigest()))
    for i, at in enumerate(cut_times):
        until = cut_times[i + 1] if i + 1 < len(cut_times) else float("inf")
        before = [t for t in arrivals if t <= at]
        window = ([before[-1]] if before else [at]) + [t for t in arrivals if at < t < until]
        if len(window) < 2:
            sys.exit("no bytes arrived after cut %d" % (i + 1))
        gap, resumed = max((b - a, b) for a, b in zip(window, window[1:]))
        print("%.1f %.1f %d" % ((resumed - at) * 1000, gap * 1000, resets[i]))
    print("OK %d %s" % (count, sha))


def main():
    if sys.argv[1] == "source":
        source(float(sys.argv[2]))
    elif sys.argv[1] == "watch":
        separator = sys.argv.index("--")
        control, cuts, interval = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
        watch(control, cuts, interval, sys.argv[separator + 1:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
