#!/usr/bin/env python3
"""The private TCP service of the tunnel benchmark, and its client.

The service (`serve PORT`) writes one banner byte as soon as a connection is accepted, then reads one command line:
  push        the client sends bytes until it half-closes; the service answers how many it got, then closes
  pull N      the service sends N bytes, then closes
A connection closed right after the banner (the open-latency probe) is fine.

The client:
  push PORT MIB     sends MIB MiB through 127.0.0.1:PORT; prints MiB/s (timed from the banner to the service's count)
  pull PORT MIB     receives MIB MiB; prints MiB/s (timed from the banner to the last byte)
  open PORT RUNS    opens RUNS connections one after another; prints connect-to-banner milliseconds, one per line
"""
import socket
import sys
import threading
import time

CHUNK = 1 << 20
ZEROS = bytes(CHUNK)
BANNER = b"G"


def serve(port):
    listener = socket.create_server(("127.0.0.1", port), backlog=128)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def handle(conn):
    with conn:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            conn.sendall(BANNER)
            command = read_line(conn)
            if command == "push":
                received = 0
                buffer = bytearray(CHUNK)
                while True:
                    n = conn.recv_into(buffer)
                    if n == 0:
                        break
                    received += n
                conn.sendall(b"%d\n" % received)
            elif command.startswith("pull "):
                left = int(command.split()[1])
                view = memoryview(ZEROS)
                while left > 0:
                    n = min(left, CHUNK)
                    conn.sendall(view[:n])
                    left -= n
        except OSError:
            pass


def read_line(conn):
    line = b""
    while not line.endswith(b"\n"):
        byte = conn.recv(1)
        if not byte:
            return ""
        line += byte
    return line.decode().strip()


def connect(port):
    conn = socket.create_connection(("127.0.0.1", port))
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if conn.recv(1) != BANNER:
        sys.exit("no banner from the service on port %d" % port)
    return conn


def push(port, mib):
    total = mib * CHUNK
    with connect(port) as conn:
        start = time.perf_counter()
        conn.sendall(b"push\n")
        view = memoryview(ZEROS)
        for _ in range(mib):
            conn.sendall(view)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while not answer.endswith(b"\n"):
            chunk = conn.recv(64)
            if not chunk:
                break
            answer += chunk
        elapsed = time.perf_counter() - start
    if answer.strip() != str(total).encode():
        sys.exit("push: sent %d bytes, the service got %r" % (total, answer.strip()))
    print("%.1f" % (mib / elapsed))


def pull(port, mib):
    total = mib * CHUNK
    buffer = bytearray(CHUNK)
    received = 0
    with connect(port) as conn:
        start = time.perf_counter()
        conn.sendall(b"pull %d\n" % total)
        while True:
            n = conn.recv_into(buffer)
            if n == 0:
                break
            received += n
        elapsed = time.perf_counter() - start
    if received != total:
        sys.exit("pull: asked for %d bytes, got %d" % (total, received))
    print("%.1f" % (mib / elapsed))


def open_latency(port, runs):
    for _ in range(runs):
        start = time.perf_counter()
        conn = socket.create_connection(("127.0.0.1", port))
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        first = conn.recv(1)
        elapsed = time.perf_counter() - start
        conn.close()
        if first != BANNER:
            sys.exit("open: no banner (got %r)" % first)
        print("%.3f" % (elapsed * 1000), flush=True)
        time.sleep(0.01)


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    if mode == "serve":
        serve(port)
    elif mode == "push":
        push(port, int(sys.argv[3]))
    elif mode == "pull":
        pull(port, int(sys.argv[3]))
    elif mode == "open":
        open_latency(port, int(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
