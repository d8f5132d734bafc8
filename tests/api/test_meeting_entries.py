"""Each kind of meeting-sheet entry becomes the application's meeting line field by field."""

from __future__ import annotations

import dataclasses
import typing
from uuid import UUID

import pytest
from pydantic import BaseModel, TypeAdapter

from api.routes.meetings import meeting_entry
from api.schemas.money import MeetingEntryIn
from union_ledger.group_cases import MeetingEntry

MEMBER = "5e7e873e-27c3-4496-a650-17c80a7d1d1a"
LOAN = "a4c8f912-29b0-4b33-94a0-c17d0f873201"
ENTRY = TypeAdapter(MeetingEntryIn)


def entry_models() -> list[type[BaseModel]]:
    union = typing.get_args(MeetingEntryIn)[0]
    return list(typing.get_args(union))


def test_every_entry_models_fields_are_the_lines_own() -> None:
    line_fields = {field.name for field in dataclasses.fields(MeetingEntry)}
    models = entry_models()
    assert len(models) == 7
    for model in models:
        assert set(model.model_fields) <= line_fields, model.__name__


@pytest.mark.parametrize(("sent", "line"), [
    ({"type": "share_purchase", "member_id": MEMBER, "shares": 2},
     MeetingEntry("share_purchase", member_id=MEMBER, shares=2)),
    ({"type": "social_fund_contribution", "member_id": MEMBER, "amount": "500"},
     MeetingEntry("social_fund_contribution", member_id=MEMBER, amount="500")),
    ({"type": "social_fund_grant", "member_id": MEMBER, "amount": "3000", "reason": "burial"},
     MeetingEntry("social_fund_grant", member_id=MEMBER, amount="3000",
                  reason="burial")),
    ({"type": "loan", "member_id": MEMBER, "principal": "20000", "term_months": 3},
     MeetingEntry("loan", member_id=MEMBER, principal="20000", term_months=3)),
    ({"type": "repayment", "loan_id": LOAN, "amount": "4000"},
     MeetingEntry("repayment", loan_id=LOAN, amount="4000")),
    ({"type": "fine", "member_id": MEMBER, "amount": "500", "reason": "late"},
     MeetingEntry("fine", member_id=MEMBER, amount="500", reason="late")),
    ({"type": "write_off", "loan_id": LOAN, "reason": "member died"},
     MeetingEntry("write_off", loan_id=LOAN, reason="member died")),
])
def test_an_entry_becomes_its_line(sent: dict[str, object], line: MeetingEntry) -> None:
    converted = meeting_entry(ENTRY.validate_python(sent))
    assert converted == line
    # Ids go to the domain as text, never as UUID objects.
    for name in ("member_id", "loan_id"):
        value = getattr(converted, name)
        assert value is None or (isinstance(value, str) and UUID(value))
