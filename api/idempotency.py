"""Running a write once per Idempotency-Key: the answer is saved with the events it booked.

Flow: before each attempt to decide and save (`core.saving_with`), look the (key,
Idempotency-Key) record up; found with the same request fingerprint → the stored answer,
nothing booked; found with another fingerprint → 409 `idempotency_key_reused`. Otherwise
the command runs and its record joins the very save of its events. A concurrent twin
conflicts on the record's id; the retry then finds the record and answers as above.
Refused commands record nothing, so a retry of a refused request is judged afresh.

The record is looked up once per attempt: a look of its own before the first attempt
found what the first attempt's look finds, at the cost of a round trip and a decoding
(about 0.2 ms of CPU per write, docs/PERFORMANCE.md).

The stored body omits `position`; a replay answers with the current log position, which
is at least the original one, so read-your-writes (`?min_position=`) still holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

import orjson
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.auth import Caller
from api.errors import ApiProblem
from domain.idempotency import IdempotencyRecord, record_id_for
from domain.ledger import LedgerAggregate, Meta
from union_ledger.core import Outcome, SaveWith, saving_with
from union_ledger.runtime import Runtime

T = TypeVar("T")
REPLAY_HEADER = "Idempotent-Replayed"


class Replay(Exception):
    """The record appeared while the command was being decided: answer from it."""

    def __init__(self, record: IdempotencyRecord) -> None:
        super().__init__("idempotent replay")
        self.record = record


def fingerprint(method: str, path: str, body: bytes) -> str:
    """sha256 of the method, the path and the canonical JSON of the body."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True,
                               separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, UnicodeError):
        canonical = body
    return hashlib.sha256(f"{method}\n{path}\n".encode() + canonical).hexdigest()


class Command:
    """A write route's way to run its use case: once per Idempotency-Key."""

    def __init__(
        self, runtime: Runtime, caller: Caller, idempotency_key: str | None, request_hash: str
    ) -> None:
        self.runtime = runtime
        self.caller = caller
        self.idempotency_key = idempotency_key
        self.request_hash = request_hash

    @property
    def meta(self) -> Meta:
        return self.caller.meta

    def execute(
        self, command: Callable[[Meta], Outcome[T]],
        shape: Callable[[T], BaseModel | dict[str, Any]], *,
        status_code: int = 201, private: tuple[str, ...] = (),
    ) -> JSONResponse:
        """Run `command` with the caller's Meta and answer `shape(value)` with `position`.

        `shape` gives the answer's model, or the dict its `model_dump(mode="json")` would
        be, built directly (a meeting sheet's, see `MeetingAnswer`). Fields named in
        `private` (an API key's secret) are answered but stored as null.
        """
        if self.idempotency_key is None:
            outcome = command(self.meta)
            return _answer(status_code, _body(shape(outcome.value)), outcome.position)
        app = self.runtime.app
        record_id = record_id_for(self.caller.principal.key_id, self.idempotency_key)
        answered: dict[str, Any] = {}
        stored_body: dict[str, Any] = {}

        def check() -> None:
            # Before each attempt, the first included: a record found answers the request
            # and nothing is decided. A twin's record saved after this look conflicts with
            # this attempt's own, and the next attempt finds it.
            found = app.find(record_id, IdempotencyRecord)
            if found is not None:
                raise Replay(found)

        def build(value: Any) -> list[LedgerAggregate]:
            answered.clear()
            answered.update(_body(shape(value)))
            stored_body.clear()
            stored_body.update(answered, **{name: None for name in private})
            return [self._record(status_code, stored_body)]

        try:
            with saving_with(SaveWith(check=check, build=build)):
                outcome = command(self.meta)
        except Replay as replay:
            return self._replay(replay.record)
        return _answer(status_code, answered, outcome.position)

    def _record(self, status_code: int, body: dict[str, Any]) -> IdempotencyRecord:
        # The body as the answer's own bytes (`WrittenResponse`): a replay parses it back.
        principal = self.caller.principal
        return IdempotencyRecord.record(
            key_id=principal.key_id, union_id=principal.union_id,
            idempotency_key=self.idempotency_key or "", fingerprint=self.request_hash,
            status=status_code, body_json=orjson.dumps(body).decode(),
            meta=self.meta, today=self.runtime.app.today(),
        )

    def _replay(self, record: IdempotencyRecord) -> JSONResponse:
        if not record.same_request(self.request_hash):
            raise ApiProblem(
                409, "idempotency_key_reused",
                "this Idempotency-Key was used for a different request; use a new key",
            )
        body = json.loads(record.body_json)
        response = _answer(record.status, body, self.runtime.app.position())
        response.headers[REPLAY_HEADER] = "true"
        return response


def _body(model: BaseModel | dict[str, Any]) -> dict[str, Any]:
    body = dict(model) if isinstance(model, dict) else model.model_dump(mode="json")
    body.pop("position", None)
    return body


class WrittenResponse(JSONResponse):
    """A write's answer, rendered by orjson: its body is `model_dump(mode="json")` output
    (strings, integers, booleans, nulls, lists and dicts of them) plus the position, which
    orjson writes as the standard library's encoder would, compact and in UTF-8, at a
    fraction of the cost for a meeting sheet's 75 results."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def _answer(status_code: int, body: dict[str, Any], position: int) -> JSONResponse:
    return WrittenResponse({**body, "position": position}, status_code=status_code)
