#!/usr/bin/env python3
"""A TCP relay the tunnel benchmark puts between the agent and the gateway's tunnel port, so that it can cut the
links: on the command `cut` (a line on the control port) it resets every connection it relays, both sides, with an
RST (SO_LINGER 0), and answers `cut N` (how many it reset). `count` answers how many it relays now.

usage: cut_relay.py LISTEN_PORT TARGET_PORT CONTROL_PORT     (all on 127.0.0.1)

One thread and non-blocking sockets, so a reset happens at once and nothing is half-closed in another thread.
"""
import selectors
import socket
import struct
import sys

CHUNK = 256 << 10


class Pipe:
    """One relayed connection: two sockets and the bytes each still owes the other."""

    def __init__(self, client, upstream):
        self.ends = {client: upstream, upstream: client}
        self.pending = {client: b"", upstream: b""}  # bytes waiting to be written to that socket


def main():
    listen_port, target_port, control_port = (int(a) for a in sys.argv[1:4])
    selector = selectors.DefaultSelector()
    listener = socket.create_server(("127.0.0.1", listen_port), backlog=1024)
    control = socket.create_server(("127.0.0.1", control_port))
    for server in (listener, control):
        server.setblocking(False)
        selector.register(server, selectors.EVENT_READ, server)
    pipes = {}  # socket -> Pipe

    def interest(sock):
        pipe = pipes[sock]
        events = selectors.EVENT_READ if not pipe.pending[pipe.ends[sock]] else 0
        if pipe.pending[sock]:
            events |= selectors.EVENT_WRITE
        registered = selector.get_map().get(sock) is not None
        if events and registered:
            selector.modify(sock, events, pipe)
        elif events:
            selector.register(sock, events, pipe)
        elif registered:
            selector.unregister(sock)

    def close(pipe, reset):
        for sock in pipe.ends:
            if selector.get_map().get(sock):
                selector.unregister(sock)
            pipes.pop(sock, None)
            if reset:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()

    def cut():
        live = {id(p): p for p in pipes.values()}
        for pipe in live.values():
            close(pipe, reset=True)
        return len(live)

    while True:
        for key, events in selector.select():
            sock = key.fileobj
            if sock is listener:
                client, _ = listener.accept()
                try:
                    upstream = socket.create_connection(("127.0.0.1", target_port))
                except OSError:
                    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    client.close()
                    continue
                for s in (client, upstream):
                    s.setblocking(False)
                    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                pipe = Pipe(client, upstream)
                pipes[client] = pipe
                pipes[upstream] = pipe
                interest(client)
                interest(upstream)
            elif sock is control:
                conn, _ = control.accept()
                with conn:
                    conn.setblocking(True)
                    command = conn.makefile().readline().strip()
                    if command == "cut":
                        conn.sendall(b"cut %d\n" % cut())
                    elif command == "count":
                        conn.sendall(b"%d\n" % (len(pipes) // 2))
            else:
                pipe = key.data
                if sock not in pipes:
                    continue  # reset earlier in this round
                other = pipe.ends[sock]
                try:
                    if events & selectors.EVENT_WRITE and pipe.pending[sock]:
                        sent = sock.send(pipe.pending[sock])
                        pipe.pending[sock] = pipe.pending[sock][sent:]
                    if events & selectors.EVENT_READ:
                        data = sock.recv(CHUNK)
                        if not data:
                            close(pipe, reset=False)
                            continue
                        try:
                            sent = other.send(data)
                        except BlockingIOError:
                            sent = 0
                        pipe.pending[other] = data[sent:]
                except OSError:
                    close(pipe, reset=True)
                    continue
                interest(sock)
                interest(other)


if __name__ == "__main__":
    main()
