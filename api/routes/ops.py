"""Operations endpoints at the root, without a key: health, readiness and metrics."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel

from api.deps import GuardedRoute, Rt
from api.metrics import Metrics
from union_ledger.audit import stored_fields
from union_ledger.runtime import Runtime

log = logging.getLogger("union_ledger.api")
PROMETHEUS_MEDIA_TYPE = "text/plain; version=0.0.4; charset=utf-8"

router = APIRouter(route_class=GuardedRoute, tags=["operations"])


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not_ready"]
    database: bool
    log_position: int | None
    projection_position: int | None
    lag_events: int | None
    lag_events_max: int


@router.get("/health", response_model=Health, summary="The process is up")
def health() -> Health:
    return Health(status="ok")


@router.get("/ready", response_model=Readiness,
            responses={503: {"model": Readiness, "description": "Not ready"}},
            summary="Database reachable and read models close enough to the log")
def ready(rt: Rt) -> JSONResponse:
    limit = rt.settings.ready_lag_events_max
    try:
        log_position, projected = rt.app.position(), rt.projector.position()
    except Exception:
        log.warning("readiness check could not reach the database", exc_info=True)
        body = Readiness(status="not_ready", database=False, log_position=None,
                         projection_position=None, lag_events=None, lag_events_max=limit)
        return JSONResponse(body.model_dump(), status_code=503)
    lag = max(log_position - projected, 0)
    body = Readiness(status="ready" if lag <= limit else "not_ready", database=True,
                     log_position=log_position, projection_position=projected,
                     lag_events=lag, lag_events_max=limit)
    return JSONResponse(body.model_dump(), status_code=200 if lag <= limit else 503)


@router.get("/metrics", response_class=PlainTextResponse,
            summary="Prometheus text: requests, latencies, events written, projection lag")
def metrics(request: Request, rt: Rt) -> Response:
    registry = request.app.state.metrics
    if not isinstance(registry, Metrics):  # pragma: no cover - create_app sets it
        raise RuntimeError("no metrics registry")
    try:
        log_position, projected = rt.app.position(), rt.projector.position()
    except Exception:
        log.warning("metrics could not read the log positions", exc_info=True)
        log_position = projected = -1
    gauges = [
        ("union_ledger_events_written_total", "counter",
         "Events this process has written.", float(rt.app.events_written)),
        ("union_ledger_save_conflicts_retried_total", "counter",
         "Saves retried after a concurrent write.", float(rt.app.conflicts_retried)),
        ("union_ledger_log_position", "gauge",
         "Newest position of the global event log (-1: unreachable).", float(log_position)),
        ("union_ledger_projection_position", "gauge",
         "Position the read models have reached (-1: unreachable).", float(projected)),
        ("union_ledger_projection_lag_events", "gauge",
         "Events the read models are behind the log.",
         float(max(log_position - projected, 0))),
        ("union_ledger_projection_lag_seconds", "gauge",
         "Age of the oldest event the read models have not applied yet (0: caught up).",
         _lag_seconds(rt, projected, log_position)),
    ]
    return PlainTextResponse(registry.exposition(gauges), media_type=PROMETHEUS_MEDIA_TYPE)


def _lag_seconds(rt: Runtime, projected: int, log_position: int) -> float:
    """How long ago the first event the read models still miss was recorded."""
    if projected < 0 or log_position <= projected:
        return 0.0
    try:
        waiting = rt.app.recorder.select_notifications(projected, 1, inclusive_of_start=False)
        if not waiting:
            return 0.0
        recorded = stored_fields(rt.app, waiting[0])["timestamp"]
        return float(max((datetime.now(UTC) - recorded).total_seconds(), 0.0))
    except Exception:
        log.warning("metrics could not read the projection lag", exc_info=True)
        return -1.0
