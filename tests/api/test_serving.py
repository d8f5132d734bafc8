"""How the API is served: Nagle's algorithm off on every TCP connection, and full garbage
collections that do not walk the whole cache again."""

from __future__ import annotations

import asyncio
import gc
import socket

from uvicorn.importer import import_from_string

from union_ledger.cli import APP_FACTORY
from union_ledger.collector import _freeze_survivors, freeze_after_full_collections
from union_ledger.serving import create_served_app, no_delay


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


def test_serve_runs_the_served_factory() -> None:
    assert import_from_string(APP_FACTORY) is create_served_app


def test_a_full_collection_freezes_its_survivors_and_a_young_one_does_not() -> None:
    assert gc.get_freeze_count() == 0
    freeze_after_full_collections()
    freeze_after_full_collections()  # installed once
    try:
        assert gc.callbacks.count(_freeze_survivors) == 1
        gc.collect(1)
        assert gc.get_freeze_count() == 0
        survivor = [object()]
        gc.collect()
        assert gc.get_freeze_count() > 0
        assert gc.is_tracked(survivor)  # frozen, not dropped: still alive and reachable
    finally:
        gc.callbacks.remove(_freeze_survivors)
        gc.unfreeze()
