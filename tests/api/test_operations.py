"""Operations and documentation: health, readiness, metrics, OpenAPI, the app's lifespan."""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI

from api.app import create_app
from tests.api.conftest import ApiFactory, client_for
from tests.api.support import ADMIN, ADMIN_SECRET, Api, World
from union_ledger.settings import load_settings

MAIN_BODIES = ("UnionIn", "GroupIn", "MemberIn", "CycleIn", "LoanIn", "RepaymentIn",
               "MeetingIn", "HazardIn", "PayoutIn", "SubscriptionIn", "ApiKeyIn", "PolicyIn")


def test_health_and_readiness(api: Api, world: World) -> None:
    assert api.call("GET", "/health", headers={}).json() == {"status": "ok"}
    api.get(f"/v1/groups/{world.group_id}")  # waits until projected
    ready = api.call("GET", "/ready", headers={})
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready" and ready.json()["lag_events"] == 0


def test_not_ready_while_the_read_models_lag(make_api: ApiFactory) -> None:
    api = make_api(projecting=False, ready_lag_events_max=0)
    api.post("/v1/unions", {"code": "GUL", "name": "Gulu", "currency": "UGX",
                            "subscription_schedule": {"frequency": "annual", "amount": "1",
                                                      "grace_days": 0}})
    lagging = api.call("GET", "/ready", headers={})
    assert lagging.status_code == 503
    assert lagging.json()["lag_events"] == 1
    api.runtime.projector.catch_up()
    assert api.call("GET", "/ready", headers={}).status_code == 200


def test_metrics_are_prometheus_text(api: Api, world: World) -> None:
    api.get(f"/v1/groups/{world.group_id}")
    api.call("GET", f"/v1/groups/{world.group_id}", headers={})
    text = api.call("GET", "/metrics", headers={}).text
    route = 'route="/v1/groups/{group_id}"'
    assert re.search(rf'union_ledger_http_requests_total{{method="GET",{route},status="200"}} '
                     r"\d+", text)
    assert 'status="401"' in text
    assert f'union_ledger_http_request_duration_seconds_bucket{{method="GET",{route},le="+Inf"}}' \
        in text
    written = re.search(r"^union_ledger_events_written_total (\d+)$", text, re.MULTILINE)
    assert written and int(written.group(1)) > 0
    assert re.search(r"^union_ledger_projection_lag_events \d+$", text, re.MULTILINE)
    assert re.search(r"^union_ledger_projection_lag_seconds [0-9.]+$", text, re.MULTILINE)
    assert world.group_id not in text  # labels are route templates, never raw paths


def test_openapi_documents_every_route(api: Api) -> None:
    spec: dict[str, Any] = api.call("GET", "/openapi.json", headers={}).json()
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            success = next(code for code in operation["responses"] if code.startswith("2"))
            content = operation["responses"][success].get("content", {})
            assert content and all("schema" in media for media in content.values()), \
                (method, path)
            if path.startswith("/v1/"):
                assert operation.get("security"), (method, path)
                assert "401" in operation["responses"] or "403" in operation["responses"]
    schemas = spec["components"]["schemas"]
    for name in MAIN_BODIES:
        assert schemas[name].get("examples"), name
    money = schemas["ContributionIn"]["properties"]["amount"]
    assert money["type"] == "string" and "pattern" in money
    assert api.call("GET", "/docs", headers={}).status_code == 200


def test_create_app_starts_and_stops_its_own_runtime() -> None:
    app: FastAPI = create_app(load_settings(persistence="memory", admin_key=ADMIN_SECRET))
    assert not hasattr(app.state, "runtime")  # nothing connects at import or build time
    with client_for(app) as client:
        runtime = app.state.runtime
        created = client.post("/v1/unions", headers=ADMIN, json={
            "code": "GUL", "name": "Gulu", "currency": "UGX",
            "subscription_schedule": {"frequency": "annual", "amount": "1", "grace_days": 0}})
        assert created.status_code == 201
        assert client.get("/ready").status_code == 200
    assert runtime.projector._thread is None  # stopped with the lifespan
