"""Schemas of group ↔ union transfers, the relief fund, hazards and entitlements."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, RootModel, StringConstraints

from api.schemas.admin import PolicyOut
from api.schemas.common import Amount, AmountOut, Day, LongText, RequestBody, Text, Written

Period = Annotated[str, StringConstraints(
    pattern=r"^(19|2[0-9])[0-9]{2}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"),
                   Field(description="2026 (annual), 2026-Q3 (quarterly), 2026-07 (monthly)",
                         examples=["2026"])]


class SubscriptionIn(RequestBody):
    period: Period
    amount: Amount
    on: Day

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"period": "2026", "amount": "12000", "on": "2026-02-01"}]})


class AmountOnIn(RequestBody):
    amount: Amount
    on: Day

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"amount": "5000", "on": "2026-02-01"}]})


class DonorGrantIn(RequestBody):
    donor: Text
    amount: Amount
    on: Day

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"donor": "Red Cross Uganda", "amount": "1000000", "on": "2026-02-01"}]})


class HazardIn(RequestBody):
    kind: Text
    description: LongText
    declared_on: Day
    affected_group_ids: Annotated[list[UUID], Field(min_length=1, max_length=10_000)]

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "kind": "flood", "description": "Aswa river flood", "declared_on": "2026-08-14",
        "affected_group_ids": ["3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"]}]})


class PayoutIn(RequestBody):
    group_id: UUID
    amount: Amount
    on: Day

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "group_id": "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c", "amount": "150000",
        "on": "2026-08-20"}]})


class TransferOut(Written):
    """Both sides of a transfer, booked in one save."""

    id: UUID = Field(description="The event id in the book that asked for the transfer.")
    group_event_id: UUID
    union_event_id: UUID
    transfer_id: UUID
    group_id: UUID
    amount: AmountOut


class UnionEntryOut(Written):
    id: UUID = Field(description="The event id in the union's book.")
    amount: AmountOut


class HazardDeclaredOut(Written):
    id: UUID = Field(description="The hazard id (its entitlements and payouts name it).")
    event_id: UUID


class HazardOut(BaseModel):
    id: UUID
    union_id: UUID
    kind: str
    description: str
    declared_on: date
    affected_group_ids: list[UUID]


class EntitlementOut(BaseModel):
    """Every term of a group's relief entitlement, so the officer can explain the figure."""

    group_id: UUID
    eligible: bool
    reasons: list[str]
    sar_standing: AmountOut
    sye_balance: AmountOut
    base: AmountOut
    cap: AmountOut | None
    paid: AmountOut
    entitlement: AmountOut
    policy: PolicyOut


class Entitlements(RootModel[list[EntitlementOut]]):
    """The entitlement lines of one hazard, in group order."""
