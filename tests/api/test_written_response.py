"""A write's answer, rendered by orjson, is the bytes the standard library's encoder wrote."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from starlette.responses import JSONResponse

from api.idempotency import WrittenResponse, _answer

# What `model_dump(mode="json")` answers for a write: text (any characters a name, a
# reason or a description may hold, control characters included), 64-bit integers,
# booleans, nulls, and lists and objects of them. Money is text; no write answers a float.
scalars = (st.text() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.booleans()
           | st.none())
bodies = st.dictionaries(st.text(), st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20))


@given(bodies, st.integers(min_value=0, max_value=2**62))
def test_the_answer_is_the_standard_encoders_bytes(body: dict[str, Any], position: int) -> None:
    answer = _answer(201, body, position)
    assert isinstance(answer, WrittenResponse)
    assert answer.body == JSONResponse({**body, "position": position}).body
    assert answer.status_code == 201
    assert answer.headers["content-type"] == "application/json"


def test_a_meeting_answer_reads_back_as_it_was_shaped() -> None:
    body = {"id": "0f0e", "held_on": "2026-11-30", "results": [
        {"index": 0, "type": "fine", "amount": "500", "member_id": None,
         "due_on": None, "shares": None}]}
    answer = _answer(201, body, 42)
    assert answer.body == (b'{"id":"0f0e","held_on":"2026-11-30","results":[{"index":0,'
                           b'"type":"fine","amount":"500","member_id":null,"due_on":null,'
                           b'"shares":null}],"position":42}')
