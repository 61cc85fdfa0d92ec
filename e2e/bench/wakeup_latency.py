#!/usr/bin/env python3
"""What one hand-off between two processes costs on this machine: a byte sent through a pipe to a sleeping process
that sends it back through another, timed round trip, with a pause between samples (like a typist's keystrokes) so
that the CPUs fall idle in between. Each round trip is two wake-ups. Prints one round trip in microseconds per line.

usage: wakeup_latency.py SAMPLES
"""
import os
import sys
import time


def main():
    samples = int(sys.argv[1])
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(to_child_w)
        while True:
            byte = os.read(to_child_r, 1)
            if not byte:
                os._exit(0)
            os.write(to_parent_w, byte)
    os.close(to_child_r)
    for _ in range(samples):
        start = time.perf_counter_ns()
        os.write(to_child_w, b"x")
        os.read(to_parent_r, 1)
        print((time.perf_counter_ns() - start) // 1000, flush=True)
        time.sleep(0.01)
    os.close(to_child_w)
    os.waitpid(pid, 0)


if __name__ == "__main__":
    main()
