"""A meeting sheet's answer, built straight from its events, is what its models would dump."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any, cast
from uuid import UUID

import orjson

from api.routes.meetings import MeetingAnswer
from api.schemas.money import MeetingRecordedOut, MeetingResult
from domain import group_events as ev
from domain.ledger import Meta
from domain.money import Money
from tests.api.support import Api, World
from union_ledger.group_cases import MeetingEntry, MeetingRecorded

HELD_ON = "2026-03-02"


def sheet(world: World) -> list[dict[str, Any]]:
    """One entry of every kind."""
    m1, m2, m3 = (world.members[name] for name in ("m1", "m2", "m3"))
    return [
        {"type": "share_purchase", "member_id": m2, "shares": 2},
        {"type": "social_fund_contribution", "member_id": m1, "amount": "500"},
        {"type": "social_fund_grant", "member_id": m3, "amount": "200", "reason": "burial"},
        {"type": "loan", "member_id": m2, "principal": "1000", "term_months": 2},
        {"type": "repayment", "loan_id": world.loan_id, "amount": "1000"},
        {"type": "fine", "member_id": m3, "amount": "300", "reason": "late"},
        {"type": "write_off", "loan_id": world.loan_id, "reason": "member moved away"},
    ]


def by_models(recorded: MeetingRecorded, kinds: list[str]) -> dict[str, Any]:
    """The answer as the models give it: each result validated, then all dumped."""

    def text(event: ev.MoneyEvent, name: str) -> str | None:
        value = getattr(event, name, None)
        return str(value.amount) if isinstance(value, Money) else None

    results = []
    for index, event in enumerate(recorded.results):
        member = getattr(event, "member_id", None)
        loan = getattr(event, "loan_id", None)
        result = MeetingResult(
            index=index, type=kinds[index], id=event.event_id,
            member_id=UUID(member) if member else None, loan_id=UUID(loan) if loan else None,
            shares=getattr(event, "shares", None),
            amount=text(event, "amount") or text(event, "principal"),
            charge_paid=text(event, "charge_paid"),
            principal_paid=text(event, "principal_paid"))
        if isinstance(event, ev.LoanDisbursed):
            result.service_charge = str(event.service_charge.amount)
            result.amount_due = str((event.principal + event.service_charge).amount)
            result.due_on = event.due_on
        results.append(result)
    meeting = recorded.meeting
    body = MeetingRecordedOut(id=meeting.event_id, meeting_id=UUID(meeting.meeting_id),
                              held_on=meeting.on, results=results).model_dump(mode="json")
    body.pop("position")
    return body


def test_every_kind_of_result_is_the_models_dump_byte_for_byte(api: Api, world: World) -> None:
    entries = sheet(world)
    kinds = [entry["type"] for entry in entries]
    recorded = api.runtime.app.record_meeting(
        UUID(world.group_id), held_on=date.fromisoformat(HELD_ON),
        attendance=list(world.members.values()),
        entries=[MeetingEntry(**entry) for entry in entries],
        meta=Meta(actor="test", request_id="answer")).value
    assert {type(event) for event in recorded.results} >= {
        ev.SharesPurchased, ev.LoanDisbursed, ev.LoanRepaid, ev.LoanWrittenOff}
    built = MeetingAnswer().body(recorded, kinds)
    assert orjson.dumps(built) == orjson.dumps(by_models(recorded, kinds))


def test_the_served_answer_reads_as_its_model_and_says_what_was_booked(
    api: Api, world: World
) -> None:
    answer = api.post(f"/v1/groups/{world.group_id}/meetings", {
        "held_on": HELD_ON, "attendance": list(world.members.values()),
        "entries": sheet(world)})
    # The model reads it back and dumps the same fields, in the same order (a write's
    # answer ends with its position).
    again = MeetingRecordedOut.model_validate(answer).model_dump(mode="json")
    position = again.pop("position")
    assert [*again.items(), ("position", position)] == list(answer.items())
    results = answer["results"]
    assert [r["type"] for r in results] == [e["type"] for e in sheet(world)]
    assert [r["index"] for r in results] == list(range(7))
    shares, contribution, grant, loan, repayment, fine, write_off = results
    assert (shares["member_id"], shares["shares"]) == (world.members["m2"], 2)
    assert (contribution["amount"], grant["amount"], fine["amount"]) == ("500", "200", "300")
    # 1000 at 10 % a month for 2 months
    assert (loan["amount"], loan["service_charge"], loan["amount_due"], loan["due_on"]) == (
        "1000", "200", "1200", "2026-05-02")
    assert loan["member_id"] == world.members["m2"] and loan["loan_id"]
    assert repayment["loan_id"] == write_off["loan_id"] == world.loan_id
    assert repayment["charge_paid"] is not None and repayment["principal_paid"] is not None
    for result in results:
        UUID(result["id"])
        if result is not loan:
            assert result["service_charge"] is result["amount_due"] is result["due_on"] is None


def test_ids_stored_in_another_form_are_answered_as_the_model_answers_them() -> None:
    """A UUID's text in capitals or without hyphens is still answered in canonical form."""
    member = "5E7E873E27C34496A65017C80A7D1D1A"
    loan = "A4C8F912-29B0-4B33-94A0-C17D0F873201"
    event = cast(ev.MoneyEvent, SimpleNamespace(
        event_id=UUID(int=7), member_id=member, loan_id=loan,
        amount=Money.of("1500", "UGX"), charge_paid=Money.of("500", "UGX"),
        principal_paid=Money.of("1000", "UGX")))
    built = MeetingAnswer().result(3, "repayment", event)
    expected = MeetingResult(
        index=3, type="repayment", id=UUID(int=7), member_id=UUID(member),
        loan_id=UUID(loan), amount="1500", charge_paid="500", principal_paid="1000",
    ).model_dump(mode="json")
    assert list(built.items()) == list(expected.items())
    assert built["member_id"] == "5e7e873e-27c3-4496-a650-17c80a7d1d1a"
