"""ASGI middleware: request ids, the request body limit, and per-route metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import problem_response
from api.metrics import Metrics

REQUEST_ID_HEADER = "x-request-id"
request_log = logging.getLogger("union_ledger.requests")
# A client's request id is echoed and logged: printable, short, no separators that
# could forge log lines or headers.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._:-]{1,128}")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class RequestIdMiddleware:
    """Accept the client's `X-Request-Id` (or make one), keep it in the request state,
    and echo it on the response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        presented = Request(scope).headers.get(REQUEST_ID_HEADER, "")
        request_id = presented if REQUEST_ID_PATTERN.fullmatch(presented) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != REQUEST_ID_HEADER.encode()]
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)


class BodyLimitMiddleware:
    """Refuse a request body above `limit_bytes` with 413 before any route reads it.

    The body is read (at most the limit) and handed on unchanged; a declared
    Content-Length above the limit is refused without reading.
    """

    def __init__(self, app: ASGIApp, limit_bytes: int) -> None:
        self.app = app
        self.limit_bytes = limit_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = Request(scope).headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            Request(scope), 413, "body_too_large",
            f"the request body exceeds {self.limit_bytes} bytes", extras={
                "limit_bytes": self.limit_bytes},
        )
        await response(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


class MetricsMiddleware:
    """Count every request by its route template (never the raw path) and status.

    A route included under `prefix` knows its path without it; the label adds it back.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics, prefix: str) -> None:
        self.app = app
        self.metrics = metrics
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recording)
        finally:
            elapsed = time.perf_counter() - started
            route = self._route_of(scope)
            self.metrics.observe(scope["method"], route, status, elapsed)
            state = scope.get("state", {})
            request_log.info(
                "%s %s %s", scope["method"], route, status,
                extra={"method": scope["method"], "route": route, "status": status,
                       "latency_ms": round(elapsed * 1000, 2),
                       "request_id": state.get("request_id"), "key_id": state.get("key_id")},
            )

    def _route_of(self, scope: Scope) -> str:
        route: Any = scope.get("route")
        path = getattr(route, "path", None)
        if not isinstance(path, str):
            return "unmatched"
        if str(scope.get("path", "")).startswith(self.prefix + "/"):
            return self.prefix + path
        return path
