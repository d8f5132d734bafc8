"""Idempotency beyond the per-endpoint retries: races, per-key scope, refusals, restarts."""

from __future__ import annotations

import threading
from typing import Any

import httpx
import pytest

from api.idempotency import fingerprint
from domain.idempotency import IdempotencyRecord
from tests.api.conftest import ApiFactory, client_for
from tests.api.support import ADMIN, Api, World
from tests.support.persistence import event_store_bytes


def earnings(amount: str = "700") -> dict[str, str]:
    return {"amount": amount, "description": "honey", "on": "2026-10-01"}


def keyed(key: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    return {**(headers or ADMIN), "Idempotency-Key": key}


def test_a_twin_that_loses_the_race_answers_from_the_record(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = f"/v1/groups/{world.group_id}/enterprise-earnings"
    first = api.call("POST", path, earnings(), keyed("race-1"))
    stored = event_store_bytes(api.runtime.app)
    # The twin does not see the record before its first attempt: its save conflicts on
    # the record's id, and the retry finds the record.
    real_find = api.runtime.app.find
    misses = {"left": 1}

    def late_find(aggregate_id: Any, cls: Any) -> Any:
        if cls is IdempotencyRecord and misses["left"] > 0:
            misses["left"] -= 1
            return None
        return real_find(aggregate_id, cls)

    monkeypatch.setattr(api.runtime.app, "find", late_find)
    retried = api.runtime.app.conflicts_retried
    twin = api.call("POST", path, earnings(), keyed("race-1"))
    assert twin.status_code == 201
    assert twin.json()["id"] == first.json()["id"]
    assert api.runtime.app.conflicts_retried == retried + 1
    assert event_store_bytes(api.runtime.app) == stored


def test_concurrent_twins_book_once(api: Api, world: World) -> None:
    path = f"/v1/groups/{world.group_id}/enterprise-earnings"
    start = threading.Barrier(4)
    answers: list[httpx.Response] = []
    position = api.runtime.app.position()

    def send() -> None:
        client = client_for(api.client.app)  # type: ignore[arg-type]
        start.wait()
        answers.append(client.post(path, json=earnings("900"), headers=keyed("twins")))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.json()["id"] for a in answers}) == 1
    # one earnings event and one idempotency record
    assert api.runtime.app.position() == position + 2


def test_keys_are_scoped_to_the_api_key(api: Api, world: World) -> None:
    path = f"/v1/groups/{world.group_id}/enterprise-earnings"
    mine = api.call("POST", path, earnings(), keyed("shared"))
    theirs = api.call("POST", path, earnings(), keyed("shared", world.keys["accountant"]))
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_refusal_is_not_remembered(api: Api, world: World) -> None:
    path = f"/v1/groups/{world.group_id}/loans"
    loan = {"member_id": world.members["m2"], "principal": "25000", "term_months": 2,
            "on": "2026-10-01"}
    refused = api.call("POST", path, loan, keyed("loan-1"))
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_loan_fund"
    api.post(f"/v1/groups/{world.group_id}/enterprise-earnings", earnings("20000"))
    accepted = api.call("POST", path, loan, keyed("loan-1"))
    assert accepted.status_code == 201, accepted.text


def test_answers_survive_a_restart(make_api: ApiFactory) -> None:
    api = make_api()
    world = api.seed("GUL")
    path = f"/v1/groups/{world.group_id}/enterprise-earnings"
    first = api.call("POST", path, earnings(), keyed("restart-1")).json()
    api.runtime.close()
    restarted = make_api()  # the same store, a new process as far as the API can tell
    again = restarted.call("POST", path, earnings(), keyed("restart-1"))
    assert again.status_code == 201
    assert again.json()["id"] == first["id"]
    assert again.json()["position"] >= first["position"]
    group = restarted.get(f"/v1/groups/{world.group_id}", min_position=again.json()["position"])
    assert group["id"] == world.group_id


def test_only_a_write_with_an_idempotency_key_is_fingerprinted(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request's fingerprint (its canonical body's sha256) is what a replay must
    match; a write without a key is never replayed, so its body is not canonicalised."""
    fingerprinted: list[str] = []

    def counting(method: str, path: str, body: bytes) -> str:
        fingerprinted.append(path)
        return fingerprint(method, path, body)

    monkeypatch.setattr("api.deps.fingerprint", counting)
    path = f"/v1/groups/{world.group_id}/enterprise-earnings"
    assert api.call("POST", path, earnings("300"), ADMIN).status_code == 201
    assert fingerprinted == []
    first = api.call("POST", path, earnings("400"), keyed("once"))
    again = api.call("POST", path, earnings("400"), keyed("once"))
    other = api.call("POST", path, earnings("500"), keyed("once"))
    assert (first.status_code, again.status_code, other.status_code) == (201, 201, 409)
    assert again.json()["id"] == first.json()["id"]
    assert fingerprinted == [path] * 3


def test_a_keyed_write_looks_its_record_up_once(
    api: Api, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One look before the one attempt a write needs; its replay needs one look too."""
    path = f"/v1/groups/{world.group_id}/enterprise-earnings"
    real_find = api.runtime.app.find
    looks: list[Any] = []

    def counting_find(aggregate_id: Any, cls: Any) -> Any:
        if cls is IdempotencyRecord:
            looks.append(aggregate_id)
        return real_find(aggregate_id, cls)

    monkeypatch.setattr(api.runtime.app, "find", counting_find)
    first = api.call("POST", path, earnings(), keyed("once-looked"))
    assert first.status_code == 201
    assert len(looks) == 1
    again = api.call("POST", path, earnings(), keyed("once-looked"))
    assert again.json()["id"] == first.json()["id"]
    assert len(looks) == 2 and looks[0] == looks[1]


def test_a_replay_answers_text_beyond_ascii_as_first_answered(api: Api, world: World) -> None:
    """The stored answer is the answer's own UTF-8 JSON; read back, it is the same body."""
    path = f"/v1/groups/{world.group_id}/members"
    member = {"name": "Nakato Ñambi — 蜂蜜 \u0007", "gender": "female",
              "joined_on": "2026-01-05"}
    first = api.call("POST", path, member, keyed("member-utf8"))
    assert first.status_code == 201, first.text
    again = api.call("POST", path, member, keyed("member-utf8"))
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert {**again.json(), "position": 0} == {**first.json(), "position": 0}
    assert first.json()["name"] == member["name"]
