"""Request logs are JSON lines with the request id, the key id and the latency; no secret."""

from __future__ import annotations

import io
import json
import logging
import os

from union_ledger.logs import JsonFormatter


def test_a_request_line_is_json_with_its_fields_and_no_secret() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("union_ledger.requests.test")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    logger.info("POST /v1/groups/{group_id}/meetings 201",
                extra={"request_id": "r-1", "key_id": "k-1", "latency_ms": 12.5,
                       "status": 201, "secret": "ul_do-not-print", "authorization": "Bearer x"})
    entry = json.loads(stream.getvalue())
    assert entry["request_id"] == "r-1" and entry["key_id"] == "k-1"
    assert entry["latency_ms"] == 12.5 and entry["level"] == "info"
    assert entry["pid"] == os.getpid()  # which worker answered
    assert entry["secret"] == "[redacted]" and entry["authorization"] == "[redacted]"
    assert "ul_do-not-print" not in stream.getvalue()


def test_the_api_logs_each_request_with_its_key_id() -> None:
    """The middleware's request log carries the ids (checked on the record, not the text)."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from union_ledger.settings import load_settings

    settings = load_settings(persistence="memory", admin_key="an-admin-key-for-this-test-only")
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    keep = Keep()
    request_log = logging.getLogger("union_ledger.requests")
    level = request_log.level
    request_log.setLevel(logging.INFO)
    request_log.addHandler(keep)
    try:
        with TestClient(create_app(settings)) as client:
            answer = client.get("/v1/unions", headers={
                "Authorization": "Bearer an-admin-key-for-this-test-only",
                "X-Request-Id": "trace-42"})
            assert answer.status_code == 200
    finally:
        request_log.removeHandler(keep)
        request_log.setLevel(level)
    line = next(r for r in records if getattr(r, "route", "") == "/v1/unions")
    assert getattr(line, "request_id") == "trace-42"  # noqa: B009
    assert getattr(line, "key_id")  # noqa: B009
    assert getattr(line, "status") == 200  # noqa: B009
    assert isinstance(getattr(line, "latency_ms"), float)  # noqa: B009
