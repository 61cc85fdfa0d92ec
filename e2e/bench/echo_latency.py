#!/usr/bin/env python3
"""Keystroke echo latency: types one character at a time into an interactive ssh session (a real pty on both ends)
and times until the remote terminal's echo comes back. Prints one latency in microseconds per line.

usage: echo_latency.py SAMPLES -- ssh-command...
With ECHO_LOG set, each sample is also appended to that file as "<epoch ns at the keystroke> <microseconds>", to line
slow keystrokes up with a profile of the gateway taken at the same time. With ECHO_SWITCHES set, that file gets the
whole machine's context switches per keystroke (/proc/stat "ctxt", read just before the key and just after its echo):
every thread that slept and was woken on the way there and back counts.
"""
import os
import pty
import select
import sys
import time


def read_until(fd, needle, deadline):
    seen = b""
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no %r within the deadline; got %r" % (needle, seen[-200:]))
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                raise EOFError("ssh ended; last output %r" % seen[-200:])
            seen += chunk
    return seen


def context_switches():
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("ctxt "):
                return int(line.split()[1])
    raise RuntimeError("no ctxt line in /proc/stat")


def main():
    samples = int(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # A prompt-free remote: the remote pty echoes each typed byte at once (non-canonical mode); cat swallows input.
    os.write(fd, b"stty -icanon echo; echo READY; exec cat > /dev/null\n")
    read_until(fd, b"READY\r\n", time.monotonic() + 30)
    time.sleep(0.3)
    while select.select([fd], [], [], 0.2)[0]:
        os.read(fd, 4096)
    log = open(os.environ["ECHO_LOG"], "a") if os.environ.get("ECHO_LOG") else None
    letters = b"abcdefghijklmnopqrstuvwxyz"
    switches = 0
    for i in range(samples):
        ch = letters[i % len(letters):i % len(letters) + 1]
        switches_before = context_switches()
        wall = time.time_ns()
        start = time.perf_counter_ns()
        os.write(fd, ch)
        read_until(fd, ch, time.monotonic() + 10)
        elapsed = time.perf_counter_ns() - start
        switches += context_switches() - switches_before
        print(elapsed // 1000, flush=True)
        if log:
            log.write("%d %d\n" % (wall, elapsed // 1000))
        time.sleep(0.01)
    if log:
        log.close()
    if os.environ.get("ECHO_SWITCHES"):
        with open(os.environ["ECHO_SWITCHES"], "w") as f:
            f.write("%.1f\n" % (switches / samples))
    os.write(fd, b"\x04")
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
