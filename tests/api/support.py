"""The API under test: an HTTP client that checks its answers, and a seeded union ("world")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from fastapi.testclient import TestClient

from union_ledger.runtime import Runtime

TODAY = date(2026, 11, 1)
ADMIN_SECRET = "admin-secret-for-the-api-tests-0123"
ADMIN = {"Authorization": f"Bearer {ADMIN_SECRET}"}
ROLES = ("admin", "accountant", "relief_officer", "auditor")
Json = dict[str, Any]


@dataclass
class World:
    """The ids of one seeded union: a working group, an empty one, keys for every role."""

    union_id: str
    group_id: str
    empty_group_id: str
    members: dict[str, str]
    loan_id: str
    loan_event_id: str
    hazard_id: str
    sar_event_id: str
    grant_event_id: str
    keys: dict[str, dict[str, str]] = field(default_factory=dict)
    key_ids: dict[str, str] = field(default_factory=dict)

    def ids(self) -> dict[str, str]:
        """Values for every path parameter of the API."""
        return {
            "union_id": self.union_id, "group_id": self.group_id,
            "member_id": self.members["m1"], "loan_id": self.loan_id,
            "hazard_id": self.hazard_id, "key_id": self.key_ids["auditor"],
            "aggregate_id": self.group_id,
        }


class Api:
    """Requests with assertions that print the problem document when they fail."""

    def __init__(self, client: TestClient, runtime: Runtime) -> None:
        self.client = client
        self.runtime = runtime

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        response: httpx.Response = self.client.request(
            method, path, json=body, headers=ADMIN if headers is None else headers,
            params=params)
        return response

    def ok(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None,
        status: int = 201, params: dict[str, Any] | None = None,
    ) -> Json:
        response = self.call(method, path, body, headers, params)
        assert response.status_code == status, (method, path, response.text)
        found: Json = response.json()
        return found

    def post(self, path: str, body: Json, headers: dict[str, str] | None = None) -> Json:
        return self.ok("POST", path, body, headers)

    def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        fresh = {"min_position": self.runtime.app.position(), **params}
        response = self.call("GET", path, None, headers, fresh)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    def issue_key(self, role: str, union_id: str | None) -> tuple[dict[str, str], str]:
        body = self.post("/v1/api-keys", {"role": role, "union_id": union_id,
                                          "label": f"{role} key"})
        return {"Authorization": f"Bearer {body['secret']}"}, str(body["id"])

    def seed(self, code: str, currency: str = "UGX") -> World:
        """A union with group G1 (three members, an open cycle, a loan, SAR, SYE and a paid
        subscription), an empty group G2, a relief fund grant, a hazard and role keys.

        The projector pauses meanwhile: SQLite writers then never wait on its batches."""
        self.runtime.projector.stop()
        try:
            return self._seed(code, currency)
        finally:
            self.runtime.projector.start()

    def _seed(self, code: str, currency: str) -> World:
        union = self.post("/v1/unions", {
            "code": code, "name": f"{code} union", "currency": currency,
            "subscription_schedule": {"frequency": "annual", "amount": "12000",
                                      "grace_days": 30}})
        union_id = union["id"]
        group_id = self._group(union_id, "Tusubira")
        empty_group_id = self._group(union_id, "Kica")
        members = {name: self.post(f"/v1/groups/{group_id}/members", {
            "name": name.upper(), "gender": gender, "joined_on": "2026-01-05"})["id"]
            for name, gender in (("m1", "female"), ("m2", "male"), ("m3", "female"))}
        loan, sar, grant, hazard = self._activity(union_id, group_id, members)
        world = World(union_id, group_id, empty_group_id, members, loan["loan_id"],
                      loan["id"], hazard, sar, grant)
        for role in ROLES[1:]:
            world.keys[role], world.key_ids[role] = self.issue_key(role, union_id)
        world.keys["admin"] = ADMIN
        return world

    def _group(self, union_id: str, name: str) -> str:
        group = self.post(f"/v1/unions/{union_id}/groups", {
            "name": name, "enterprise": "poultry", "locality": "Gulu",
            "affiliated_on": "2026-01-05"})
        return str(group["id"])

    def _activity(
        self, union_id: str, group_id: str, members: dict[str, str]
    ) -> tuple[Json, str, str, str]:
        g = f"/v1/groups/{group_id}"
        self.post(f"{g}/cycles", CYCLE)
        self.post(f"{g}/enterprise-earnings",
                  {"amount": "20000", "description": "egg sales", "on": "2026-01-05"})
        for member in ("m1", "m2"):
            self.post(f"{g}/share-purchases",
                      {"member_id": members[member], "shares": 5, "on": "2026-01-12"})
        self.post(f"{g}/social-fund/contributions",
                  {"member_id": members["m1"], "amount": "500", "on": "2026-01-12"})
        loan = self.post(f"{g}/loans", {"member_id": members["m1"], "principal": "3000",
                                        "term_months": 2, "on": "2026-01-12"})
        sar = self.post(f"{g}/sar-contributions", {"amount": "5000", "on": "2026-02-01"})
        self.post(f"{g}/sye-deposits", {"amount": "5000", "on": "2026-02-01"})
        self.post(f"{g}/subscriptions",
                  {"period": "2026", "amount": "12000", "on": "2026-02-01"})
        grant = self.post(f"/v1/unions/{union_id}/relief-fund/grants",
                          {"donor": "Red Cross", "amount": "100000", "on": "2026-02-01"})
        hazard = self.post(f"/v1/unions/{union_id}/hazards", {
            "kind": "flood", "description": "river flood", "declared_on": "2026-06-01",
            "affected_group_ids": [group_id]})
        return loan, str(sar["id"]), str(grant["id"]), str(hazard["id"])


CYCLE = {
    "started_on": "2026-01-05", "share_value": "2000", "min_shares": 1, "max_shares": 5,
    "social_fund_contribution": "500", "service_charge_rate_monthly": "0.10",
    "max_loan_multiple": "3", "max_term_months": 3,
}


def fill(template: str, ids: dict[str, str]) -> str:
    """A concrete path: every {name} of the template replaced by its id."""
    path = template
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    return path
