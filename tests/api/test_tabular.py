"""Reports as JSON: pydantic's own serializer writes the bytes `JSONResponse` wrote from the
model's dump (compact separators, UTF-8 text as it is, nulls, dates, ids)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.schemas.admin import PolicyOut
from api.schemas.transfers import EntitlementOut, Entitlements
from api.tabular import json_response

POLICY = PolicyOut(sar_multiplier="3", sye_multiplier="0.5", cap_per_hazard=None,
                   waiting_period_days=90, require_paid_subscriptions=True,
                   effective_on=date(2026, 1, 5))


def _line(number: int, reasons: list[str]) -> EntitlementOut:
    return EntitlementOut(
        group_id=UUID(int=number), eligible=not reasons, reasons=reasons,
        sar_standing="120000", sye_balance="0", base="360000",
        cap=None if number % 2 else "500000", paid="0", entitlement="360000",
        policy=POLICY if number % 2 else POLICY.model_copy(update={"effective_on": None}))


@pytest.mark.parametrize("model", [
    Entitlements(root=[]),
    Entitlements(root=[_line(1, []), _line(2, ["subscription of 2026 unpaid — «Wakiso»"]),
                       _line(3, ['quote " and backslash \\ and tab \t', "Ñandú 🐓"])]),
    POLICY,
])
def test_a_report_is_the_bytes_json_response_wrote(model: BaseModel) -> None:
    expected = JSONResponse(model.model_dump(mode="json"))
    response = json_response(model)
    assert response.body == expected.body
    assert response.headers["content-type"] == expected.headers["content-type"]
    assert response.headers["content-length"] == expected.headers["content-length"]
