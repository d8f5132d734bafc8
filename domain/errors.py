"""The one hierarchy of domain errors: each refusal has a stable machine `code`."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

ErrorKind = Literal["invalid", "conflict", "not_found"]


class DomainError(Exception):
    """A command was refused. Nothing was recorded.

    `kind` says why in terms any client understands: ``invalid`` can never succeed
    as written (HTTP 422), ``conflict`` clashes with the current state (HTTP 409),
    ``not_found`` names something that does not exist (HTTP 404).
    """

    code: ClassVar[str] = "domain_error"
    kind: ClassVar[ErrorKind] = "invalid"

    def __init__(self, message: str, **details: object) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class HistoryNeeded(Exception):
    """Not a refusal: a decision needs part of an aggregate's history that its snapshots
    leave out (a group's closed cycles' entries, see `Group.Snapshot`).

    The aggregate in hand was restored from such a snapshot. When the decision asks about
    one closed entry (`event_id`), the application looks that entry up in the aggregate's
    stored events; otherwise it replays the aggregate from its first event. Either way it
    makes the decision again (`LedgerCore.run`). Nothing was recorded, and no client ever
    sees this.
    """

    def __init__(self, aggregate_id: UUID, what: str, *, event_id: str | None = None) -> None:
        super().__init__(f"{what} of {aggregate_id} are not in memory")
        self.aggregate_id = aggregate_id
        self.event_id = event_id


class InvariantViolation(RuntimeError):
    """A broken invariant: a programmer error, never an operating error. Stops loudly."""


def invariant(condition: bool, message: str) -> None:
    """Check an invariant explicitly (unlike `assert`, never stripped by `python -O`)."""
    if not condition:
        raise InvariantViolation(message)


# --- money and input shape -------------------------------------------------------------


class InvalidAmount(DomainError):
    code = "invalid_amount"


class CurrencyMismatch(DomainError):
    code = "currency_mismatch"


class UnknownCurrency(DomainError):
    code = "unknown_currency"


class InvalidDate(DomainError):
    code = "invalid_date"


class DateInFuture(DomainError):
    code = "date_in_future"


class DateBeforeAffiliation(DomainError):
    code = "date_before_affiliation"


class DateBeforeJoining(DomainError):
    code = "date_before_joining"


class DateInClosedCycle(DomainError):
    code = "date_in_closed_cycle"
    kind = "conflict"


class InvalidInput(DomainError):
    code = "invalid_input"


# --- membership and cycles -------------------------------------------------------------


class MemberNotFound(DomainError):
    code = "member_not_found"
    kind = "not_found"


class MemberNotActive(DomainError):
    code = "member_not_active"
    kind = "conflict"


class NoOpenCycle(DomainError):
    code = "no_open_cycle"
    kind = "conflict"


class CycleAlreadyOpen(DomainError):
    code = "cycle_already_open"
    kind = "conflict"


class InvalidCycleRules(DomainError):
    code = "invalid_cycle_rules"


class ShareLimitExceeded(DomainError):
    code = "share_limit_exceeded"


class MeetingAlreadyHeld(DomainError):
    code = "meeting_already_held"
    kind = "conflict"


# --- loans and cash --------------------------------------------------------------------


class LoanNotFound(DomainError):
    code = "loan_not_found"
    kind = "not_found"


class LoanLimitExceeded(DomainError):
    code = "loan_limit_exceeded"
    kind = "conflict"


class LoanTermExceeded(DomainError):
    code = "loan_term_exceeded"


class LoanAlreadyOpen(DomainError):
    code = "loan_already_open"
    kind = "conflict"


class LoanNotOpen(DomainError):
    code = "loan_not_open"
    kind = "conflict"


class RepaymentExceedsOutstanding(DomainError):
    code = "repayment_exceeds_outstanding"
    kind = "conflict"


class InsufficientLoanFund(DomainError):
    code = "insufficient_loan_fund"
    kind = "conflict"


class InsufficientSocialFund(DomainError):
    code = "insufficient_social_fund"
    kind = "conflict"


class LoanExceedsPayout(DomainError):
    code = "loan_exceeds_payout"
    kind = "conflict"


class LoanExceedsSavings(DomainError):
    code = "loan_exceeds_savings"
    kind = "conflict"


class InsufficientSyeBalance(DomainError):
    code = "insufficient_sye_balance"
    kind = "conflict"


# --- reversals -------------------------------------------------------------------------


class EventNotFound(DomainError):
    code = "event_not_found"
    kind = "not_found"


class NotReversible(DomainError):
    code = "not_reversible"
    kind = "conflict"


class AlreadyReversed(DomainError):
    code = "already_reversed"
    kind = "conflict"


class ReversalBreaksRule(DomainError):
    code = "reversal_breaks_rule"
    kind = "conflict"


# --- union, relief ---------------------------------------------------------------------


class GroupNotFound(DomainError):
    code = "group_not_found"
    kind = "not_found"


class UnionNotFound(DomainError):
    code = "union_not_found"
    kind = "not_found"


class GroupAlreadyAffiliated(DomainError):
    code = "group_already_affiliated"
    kind = "conflict"


class InvalidPeriod(DomainError):
    code = "invalid_period"


class HazardNotFound(DomainError):
    code = "hazard_not_found"
    kind = "not_found"


class GroupNotAffected(DomainError):
    code = "group_not_affected"
    kind = "conflict"


class GroupNotEligible(DomainError):
    code = "group_not_eligible"
    kind = "conflict"


class EntitlementExceeded(DomainError):
    code = "entitlement_exceeded"
    kind = "conflict"


class ReliefFundInsufficient(DomainError):
    code = "relief_fund_insufficient"
    kind = "conflict"


class InsufficientReserve(DomainError):
    code = "insufficient_reserve"
    kind = "conflict"


class InvalidPolicy(DomainError):
    code = "invalid_policy"


# --- application level -----------------------------------------------------------------


class ConcurrencyConflict(DomainError):
    code = "concurrency_conflict"
    kind = "conflict"


# --- union: schedules, transfers, dated changes ----------------------------------------


class InvalidSchedule(DomainError):
    code = "invalid_subscription_schedule"


class DuplicateTransfer(DomainError):
    code = "duplicate_transfer"
    kind = "conflict"


class SubscriptionOverpaid(DomainError):
    code = "subscription_overpaid"
    kind = "conflict"


class ChangeAffectsHistory(DomainError):
    """A schedule or policy change would rewrite what was already decided or paid."""

    code = "change_affects_history"
    kind = "conflict"
