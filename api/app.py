"""Builds the FastAPI application; uvicorn calls `create_app` as a factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api import errors
from api.metrics import Metrics
from api.middleware import BodyLimitMiddleware, MetricsMiddleware, RequestIdMiddleware
from api.routes import (
    admin,
    audit,
    cycles,
    groups,
    meetings,
    members,
    money,
    ops,
    reports,
    transfers,
)
from union_ledger.logs import configure_logging
from union_ledger.runtime import Runtime, start_runtime
from union_ledger.settings import Settings, load_settings

VERSION = "0.1.0"
API_PREFIX = "/v1"
DESCRIPTION = """Event-sourced accounting for unions (CLUNs) of community savings groups.

Every path below `/v1` needs `Authorization: Bearer <API key>`. Money is a decimal *string*
(`"1250"`, `"12.50"`), never a JSON number. Every POST and PUT accepts an `Idempotency-Key`.
Every write answers its log `position`; pass it as `?min_position=` to read your writes.
Errors are RFC 9457 problem documents with a stable `code`.
"""
# FastAPI tries routes in the order they were included, and no path matches two routes
# (a test checks): the routes used every minute (reports, entitlements, meeting sheets,
# share purchases) come first, so a request is matched after a few patterns, not fifty.
V1_ROUTERS = (reports.router, transfers.router, meetings.router, money.router, groups.router,
              members.router, cycles.router, admin.router, audit.router)
# The documentation lists them in the order a reader meets them, whatever the order above.
OPENAPI_TAGS = [{"name": name} for name in (
    "operations", "administration", "groups", "members", "cycles", "money", "transfers",
    "reports", "audit")]


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> FastAPI:
    """A new application. Nothing connects here: the runtime starts with the lifespan,
    unless one is given (its owner started it and closes it)."""
    chosen = settings or (runtime.settings if runtime is not None else load_settings())
    if settings is None and runtime is None:
        # The server path (uvicorn's factory call): every line it logs is JSON, with the
        # request id, the key id (never the secret) and the latency of each request.
        configure_logging(chosen.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime is not None:
            yield
            return
        running = await run_in_threadpool(start_runtime, chosen)
        app.state.runtime = running
        try:
            yield
        finally:
            await run_in_threadpool(running.close)

    app = FastAPI(title="union-ledger", version=VERSION, description=DESCRIPTION,
                  openapi_tags=OPENAPI_TAGS, lifespan=lifespan)
    metrics = Metrics()
    app.state.metrics = metrics
    app.state.settings = chosen
    if runtime is not None:
        app.state.runtime = runtime
    errors.install(app)
    # The last added runs first: request id, then metrics, then the body limit.
    app.add_middleware(BodyLimitMiddleware, limit_bytes=chosen.request_body_bytes_max)
    app.add_middleware(MetricsMiddleware, metrics=metrics, prefix=API_PREFIX)
    app.add_middleware(RequestIdMiddleware)
    app.include_router(ops.router)
    # Each router straight under the application (not nested in one `/v1` router): FastAPI
    # matches a request against every level it is nested in, twice; one level less is
    # more than half of the routing work of every request.
    for router in V1_ROUTERS:
        app.include_router(router, prefix=API_PREFIX)
    return app
