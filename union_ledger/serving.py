"""The HTTP protocol the API is served with: uvicorn's httptools protocol (llhttp, in C)
with TCP_NODELAY always on, on uvloop's event loop.

asyncio turns Nagle's algorithm off only for sockets created with `proto=IPPROTO_TCP`.
With more than one worker, uvicorn binds the listening socket itself with `proto=0`, so
the accepted connections keep Nagle on: a response written as headers, then body, waits
for the client's delayed ACK of the headers, about 40 ms on Linux. Every keep-alive
request then took 40-50 ms, even `/health`, against about 1 ms with one worker.

httptools and uvloop replace uvicorn's pure-Python defaults (h11, asyncio's loop): the
same requests, less of each worker's CPU per request (docs/PERFORMANCE.md).

Each worker also freezes what survives a full garbage collection (see
union_ledger/collector.py): a worker caches every group it serves, millions of long-lived
objects, and each full collection walked all of them again while its requests waited.
"""

from __future__ import annotations

import asyncio
import socket

from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from union_ledger.collector import freeze_after_full_collections


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


def create_served_app() -> FastAPI:
    """The application as `union-ledger serve` runs it, in each worker process."""
    from api.app import create_app

    freeze_after_full_collections()
    return create_app()
