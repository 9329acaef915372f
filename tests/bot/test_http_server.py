"""The HTTP server's accepting: every connection waiting when the listening socket wakes the
server is accepted in that one turn (waitress alone takes one per turn of its loop)."""

from __future__ import annotations

import socket
import time

from bot.server import _waitress


def test_one_wake_accepts_every_waiting_connection() -> None:
    server = _waitress(lambda environ, start_response: [], "127.0.0.1", 0)
    clients: list[socket.socket] = []
    try:
        before = len(server._map)
        for _ in range(12):
            clients.append(socket.create_connection(("127.0.0.1", server.effective_port)))
        time.sleep(0.1)  # the kernel has completed every handshake; none is accepted yet
        server.handle_accept()
        assert len(server._map) - before == 12
        server.handle_accept()  # nothing more waiting: nothing happens
        assert len(server._map) - before == 12
    finally:
        for client in clients:
            client.close()
        server.close()
        server.task_dispatcher.shutdown()


def test_accepting_stops_at_the_connection_limit() -> None:
    server = _waitress(lambda environ, start_response: [], "127.0.0.1", 0)
    clients: list[socket.socket] = []
    try:
        server.adj.connection_limit = len(server._map) + 3
        for _ in range(8):
            clients.append(socket.create_connection(("127.0.0.1", server.effective_port)))
        time.sleep(0.1)
        server.handle_accept()
        assert len(server._map) == server.adj.connection_limit
    finally:
        for client in clients:
            client.close()
        server.close()
        server.task_dispatcher.shutdown()
