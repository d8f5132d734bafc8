"""Claims of docs/SECURITY.md that no other test proves: how secrets are kept and shown.

How keys are stored and compared, and that secrets reach neither the event store nor the
logs; that a forged request id is replaced; that `serve` binds loopback by default.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from domain import api_keys
from tests.api.support import ADMIN, ADMIN_SECRET, TODAY, Api
from tests.support.persistence import event_store_bytes
from union_ledger.cli import build_parser
from union_ledger.runtime import start_runtime
from union_ledger.settings import load_settings

UNION = {"code": "SEC", "name": "Security union", "currency": "UGX",
         "subscription_schedule": {"frequency": "annual", "amount": "1000", "grace_days": 0}}


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    settings = load_settings(persistence="sqlite", sqlite_path=tmp_path / "ledger.sqlite3",
                             admin_key=ADMIN_SECRET)
    runtime = start_runtime(settings, background_projection=True, clock=lambda: TODAY)
    try:
        yield Api(TestClient(create_app(runtime=runtime), raise_server_exceptions=False),
                  runtime)
    finally:
        runtime.close()


def issue(api: Api, idempotency_key: str) -> tuple[str, dict[str, object]]:
    union = api.post("/v1/unions", UNION)
    body = {"role": "accountant", "union_id": union["id"], "label": "clerk"}
    answer = api.post("/v1/api-keys", body, {**ADMIN, "Idempotency-Key": idempotency_key})
    return str(answer["secret"]), body


def test_a_secret_is_stored_only_as_its_sha256(api: Api) -> None:
    secret, body = issue(api, "issue-once")
    stored = event_store_bytes(api.runtime.app)
    assert secret.encode() not in stored and secret.encode().hex().encode() not in stored
    digest = hashlib.sha256(secret.encode()).hexdigest()
    key = api.runtime.app.find(api_keys.key_id_for(digest), api_keys.ApiKey)
    assert key is not None and key.secret_hash == digest
    # The remembered answer of an idempotent replay holds no secret either.
    replay = api.post("/v1/api-keys", body, {**ADMIN, "Idempotency-Key": "issue-once"})
    assert replay["secret"] is None and replay["id"] == str(key.id)


def test_secrets_are_compared_with_compare_digest(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret, _ = issue(api, "issue-for-compare")
    compared: list[tuple[bytes, bytes]] = []

    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    # Both modules hold the standard library's hmac: patch what they call.
    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert api.call("GET", "/v1/unions").status_code == 200  # the bootstrap admin key
    assert api.call("GET", "/v1/unions", headers={"Authorization": f"Bearer {secret}"}
                    ).status_code == 403  # an accountant's key: known, but not an admin
    digests = {hashlib.sha256(s.encode()).hexdigest().encode() for s in (secret, ADMIN_SECRET)}
    assert digests <= {value for pair in compared for value in pair}
    assert all(secret.encode() not in pair for pair in compared)  # digests, never secrets


def test_no_secret_reaches_the_logs(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    with caplog.at_level(logging.DEBUG):
        secret, _ = issue(api, "issue-for-logs")
        headers = {"Authorization": f"Bearer {secret}"}
        assert api.call("GET", "/v1/unions", headers={"Authorization": "Bearer wrong"}
                        ).status_code == 401
        monkeypatch.setattr(api.runtime.app, "register_union", broken)
        assert api.call("POST", "/v1/unions", {**UNION, "code": "BRK"}).status_code == 500
        assert api.call("GET", "/v1/unions", headers=headers).status_code == 403
    logged = caplog.text + "".join(repr(record.__dict__) for record in caplog.records)
    assert "disk on fire" in logged  # the programmer error is logged, with its traceback
    for needle in (secret, ADMIN_SECRET):
        assert needle not in logged


def test_settings_never_show_the_admin_key_or_the_database_password() -> None:
    settings = load_settings(persistence="postgres", admin_key=ADMIN_SECRET,
                             postgres_url="postgresql://ledger:hunter2@db:5432/ledger")
    assert ADMIN_SECRET not in repr(settings) and ADMIN_SECRET not in str(settings)
    assert "hunter2" not in repr(settings)


def test_a_forged_request_id_is_replaced(api: Api) -> None:
    """A client's X-Request-Id is echoed and logged only when it is short and plain."""
    for forged in ("a b", "x" * 129, 'evil" status=200', "{injected}", "a;b"):
        response = api.client.get("/health", headers={"X-Request-Id": forged})
        echoed = response.headers["X-Request-Id"]
        assert echoed != forged and len(echoed) == 32


def test_serve_binds_loopback_by_default() -> None:
    arguments = build_parser().parse_args(["serve"])
    assert arguments.host == "127.0.0.1"
