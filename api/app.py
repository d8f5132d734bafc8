"""Builds the FastAPI application; uvicorn calls `create_app` as a factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
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
V1_ROUTERS = (admin.router, groups.router, members.router, cycles.router, money.router,
              meetings.router, transfers.router, reports.router, audit.router)


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
                  lifespan=lifespan)
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
    v1 = APIRouter(prefix=API_PREFIX)
    for router in V1_ROUTERS:
        v1.include_router(router)
    app.include_router(v1)
    return app
