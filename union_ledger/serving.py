"""The HTTP protocol the API is served with: uvicorn's httptools protocol (llhttp, in C)
with TCP_NODELAY always on, on uvloop's event loop.

asyncio turns Nagle's algorithm off only for sockets created with `proto=IPPROTO_TCP`.
With more than one worker, uvicorn binds the listening socket itself with `proto=0`, so
the accepted connections keep Nagle on: a response written as headers, then body, waits
for the client's delayed ACK of the headers, about 40 ms on Linux. Every keep-alive
request then took 40-50 ms, even `/health`, against about 1 ms with one worker.

httptools and uvloop replace uvicorn's pure-Python defaults (h11, asyncio's loop): the
same requests, less of each worker's CPU per request (docs/PERFORMANCE.md).

Each worker also freezes what survives a full garbage collection (`freeze_after_full_
collections`): a worker caches every group it serves, millions of long-lived objects,
and each full collection walked all of them again while every request of the worker
waited (about 100 ms with a hundred small groups, seconds with a thousand large ones).
"""

from __future__ import annotations

import asyncio
import gc
import socket
from typing import Any

from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def no_delay(transport: asyncio.BaseTransport) -> None:
    """TCP_NODELAY on the transport's socket, when it is a TCP one."""
    connection = transport.get_extra_info("socket")
    if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    """httptools, with TCP_NODELAY set on every TCP connection it is given."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        no_delay(transport)
        super().connection_made(transport)


def _freeze_survivors(phase: str, info: dict[str, Any]) -> None:
    if phase == "stop" and info.get("generation") == 2:
        gc.freeze()


def freeze_after_full_collections() -> None:
    """After each full (generation 2) collection, move its survivors to the permanent
    generation, which later collections do not walk: each full collection then only
    walks what was allocated since the one before (groups loaded since, say), not every
    cached aggregate again. Objects frozen are still freed by reference counting when
    dropped (an aggregate evicted from the cache); only a reference cycle that was alive
    at a full collection and dies later is never collected, and the process's requests
    leave none behind between collections. Installed once per process."""
    if _freeze_survivors not in gc.callbacks:
        gc.callbacks.append(_freeze_survivors)


def create_served_app() -> FastAPI:
    """The application as `union-ledger serve` runs it, in each worker process."""
    from api.app import create_app

    freeze_after_full_collections()
    return create_app()
