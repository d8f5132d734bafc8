"""The served protocol turns Nagle's algorithm off on every TCP connection it is given."""

from __future__ import annotations

import asyncio
import socket

from union_ledger.serving import no_delay


class SocketTransport(asyncio.BaseTransport):
    def __init__(self, connection: socket.socket) -> None:
        super().__init__()
        self._connection = connection

    def get_extra_info(self, name: str, default: object = None) -> object:
        return self._connection if name == "socket" else default


def test_tcp_connections_get_no_delay_and_other_sockets_are_left_alone() -> None:
    with socket.create_server(("127.0.0.1", 0)) as server, \
            socket.create_connection(server.getsockname()):
        accepted, _ = server.accept()
        with accepted:
            # uvicorn's own listening socket (proto=0) leaves Nagle on by default.
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
            no_delay(SocketTransport(accepted))
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    left, right = socket.socketpair()
    with left, right:
        assert left.family == socket.AF_UNIX
        no_delay(SocketTransport(left))  # not TCP: nothing to set, nothing raised
