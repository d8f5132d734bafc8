"""The HTTP protocol the API is served with: uvicorn's h11 protocol with TCP_NODELAY always on.

asyncio turns Nagle's algorithm off only for sockets created with `proto=IPPROTO_TCP`.
With more than one worker, uvicorn binds the listening socket itself with `proto=0`, so
the accepted connections keep Nagle on: a response written as headers, then body, waits
for the client's delayed ACK of the headers, about 40 ms on Linux. Every keep-alive
request then took 40-50 ms, even `/health`, against about 1 ms with one worker.
"""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol


class NoDelayH11Protocol(H11Protocol):
    """h11, with TCP_NODELAY set on every TCP connection it is given."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        connection = transport.get_extra_info("socket")
        if connection is not None and connection.family in (socket.AF_INET, socket.AF_INET6):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
