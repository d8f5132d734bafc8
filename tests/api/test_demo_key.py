"""The demo accountant key `union-ledger serve` prints: issued once, kept, reused."""

from __future__ import annotations

import stat
from pathlib import Path
from uuid import UUID

import pytest

from api.app import create_app
from domain.ledger import SYSTEM
from tests.api.conftest import client_for
from tests.api.support import TODAY
from union_ledger import cli
from union_ledger.demo_access import DemoKey, curl_line, ensure_demo_key, key_file
from union_ledger.runtime import start_runtime
from union_ledger.settings import Settings, load_settings
from union_ledger.union_cases import ScheduleInput


def sqlite_settings(tmp_path: Path, **overrides: object) -> Settings:
    return load_settings(persistence="sqlite", sqlite_path=tmp_path / "ledger.sqlite3",
                         **overrides)


def register_union(settings: Settings) -> str:
    runtime = start_runtime(settings, background_projection=False, clock=lambda: TODAY)
    try:
        union = runtime.app.register_union(
            code="DEMO", name="Demo union", currency="UGX",
            schedule=ScheduleInput("annual", "12000", 30), policy=None, meta=SYSTEM)
        return str(union.value.id)
    finally:
        runtime.close()


def test_no_key_without_a_union_or_outside_development(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    assert ensure_demo_key(settings, clock=lambda: TODAY) is None
    register_union(settings)
    production = sqlite_settings(tmp_path, environment="production")
    assert ensure_demo_key(production, clock=lambda: TODAY) is None
    assert ensure_demo_key(load_settings(persistence="memory")) is None
    postgres = load_settings(persistence="postgres", postgres_url="postgresql://u@h/db")
    assert ensure_demo_key(postgres) is None


def test_the_key_is_issued_once_and_works(tmp_path: Path) -> None:
    settings = sqlite_settings(tmp_path)
    union_id = register_union(settings)
    first = ensure_demo_key(settings, clock=lambda: TODAY)
    assert first is not None and str(first.union_id) == union_id
    assert stat.S_IMODE(key_file(settings).stat().st_mode) == 0o600
    assert ensure_demo_key(settings, clock=lambda: TODAY) == first
    runtime = start_runtime(settings, clock=lambda: TODAY)
    try:
        client = client_for(create_app(settings, runtime))
        response = client.get(f"/v1/unions/{union_id}",
                              headers={"Authorization": f"Bearer {first.secret}"},
                              params={"min_position": runtime.app.position()})
        assert response.status_code == 200, response.text
        refused = client.post("/v1/api-keys", json={"role": "admin", "label": "x"},
                              headers={"Authorization": f"Bearer {first.secret}"})
        assert refused.status_code == 403
    finally:
        runtime.close()


def test_serve_prints_a_ready_to_paste_curl_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = sqlite_settings(tmp_path)
    register_union(settings)
    monkeypatch.setenv("UNION_LEDGER_SQLITE_PATH", str(settings.sqlite_path))
    monkeypatch.setenv("UNION_LEDGER_PERSISTENCE", "sqlite")
    served: list[dict[str, object]] = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: served.append(kwargs))
    assert cli.main(["serve", "--port", "8001"]) == 0
    output = capsys.readouterr().out
    assert "curl -H 'Authorization: Bearer ul_" in output
    assert "http://127.0.0.1:8001/v1/unions/" in output
    assert served and served[0]["factory"] is True


def test_curl_line_uses_a_reachable_host() -> None:
    key = DemoKey("ul_secret", UUID(int=1))
    assert "http://127.0.0.1:8000/" in curl_line(key, "0.0.0.0", 8000)
    assert "http://localhost:9000/" in curl_line(key, "localhost", 9000)
