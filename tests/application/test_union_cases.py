"""Union use cases: registration, group↔union transfers booked on both sides or neither."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from domain import errors
from domain import group_events as gev
from domain.ledger import LedgerAggregate, Meta
from domain.money import Money
from domain.union import Union
from tests.application.support import build_app, register_union
from tests.application.union_support import (
    account_balance,
    add_group,
    events_of,
    hazard_id_of,
    journal_balances,
    recorded_since,
    topic,
    ugx,
)
from tests.support.persistence import event_store_bytes
from union_ledger.application import LedgerApplication
from union_ledger.core import Outcome
from union_ledger.union_cases import Transfer

META = Meta("test-key", "req-union")
AFFILIATED_ON = date(2026, 1, 5)
PAID_ON = date(2026, 2, 2)
REVERSED_ON = date(2026, 2, 10)

TransferCase = Callable[[LedgerApplication, UUID], Outcome[Transfer]]
EventClass = type[LedgerAggregate.Event]


@pytest.fixture
def app(persistence_env: dict[str, str]) -> Iterator[LedgerApplication]:
    application = build_app(persistence_env)
    try:
        yield application
    finally:
        application.close()


def union_with_group(app: LedgerApplication, cash: str = "100000") -> tuple[UUID, UUID]:
    union_id = register_union(app)
    return union_id, add_group(app, union_id, "Tusubira", affiliated_on=AFFILIATED_ON, cash=cash)


# --- registration ----------------------------------------------------------------------


def test_a_group_is_registered_with_its_union_in_one_save(app: LedgerApplication) -> None:
    union_id = register_union(app)
    union = app.load_union(union_id)
    assert (union.code, union.currency, union.version) == ("GUL", "UGX", 1)

    before = app.position()
    first = app.register_group(union_id, name="Tusubira", enterprise="poultry", locality="Gulu",
                               affiliated_on=AFFILIATED_ON, meta=META)
    group_id = first.value.id
    assert recorded_since(app, before) == [
        (group_id, topic(gev.Registered)), (union_id, topic(Union.GroupAffiliated)),
    ]
    assert first.position == before + 2
    second_id = add_group(app, union_id, "Kwo Pe Tek", affiliated_on=date(2026, 3, 1),
                          cash="1000")

    union = app.load_union(union_id)
    assert [(g.group_id, g.name, g.affiliated_on) for g in union.groups()] == [
        (group_id, "Tusubira", AFFILIATED_ON), (second_id, "Kwo Pe Tek", date(2026, 3, 1)),
    ]
    group = app.load_group(group_id)
    assert (group.union_id, group.currency, group.affiliated_on) == (
        union_id, "UGX", AFFILIATED_ON)


def test_a_group_of_an_unknown_union_is_not_registered(app: LedgerApplication) -> None:
    register_union(app)
    before = event_store_bytes(app)
    with pytest.raises(errors.UnionNotFound):
        app.register_group(UUID(int=9), name="Lost", enterprise="x", locality="y",
                           affiliated_on=AFFILIATED_ON, meta=META)
    assert event_store_bytes(app) == before


# --- transfers: one event on each side, one transaction -------------------------------

# kind: (book it, the group's event, the union's event)
TRANSFER_EVENTS: dict[str, tuple[TransferCase, EventClass, EventClass]] = {
    "subscription": (
        lambda app, g: app.pay_subscription(g, "2026", "12000", on=PAID_ON, meta=META),
        gev.SubscriptionPaid, Union.SubscriptionReceived),
    "sar": (
        lambda app, g: app.contribute_sar(g, "5000", on=PAID_ON, meta=META),
        gev.SarContributed, Union.SarContributionReceived),
    "sye_deposit": (
        lambda app, g: app.deposit_sye(g, "8000", on=PAID_ON, meta=META),
        gev.SyeDeposited, Union.SyeDepositReceived),
    "sye_withdrawal": (
        lambda app, g: app.withdraw_sye(g, "3000", on=PAID_ON, meta=META),
        gev.SyeWithdrawn, Union.SyeWithdrawn),
}


def prepare(app: LedgerApplication, group_id: UUID, kind: str) -> None:
    """What a transfer of `kind` needs first: a withdrawal needs SYE savings to withdraw."""
    if kind == "sye_withdrawal":
        app.deposit_sye(group_id, "8000", on=PAID_ON, meta=META)


def figures(app: LedgerApplication, union_id: UUID, group_id: UUID) -> list[Money]:
    """Every balance a transfer moves, on both sides."""
    group, union = app.load_group(group_id), app.load_union(union_id)
    return [
        group.loan_fund_cash, group.social_fund_cash, group.sar_standing, group.sye_balance,
        union.relief_fund_balance(), union.unallocated_income(), union.sye_liability(),
        union.sar_standing(group_id), union.subscriptions_received_total(),
    ]


@pytest.mark.parametrize("kind", list(TRANSFER_EVENTS))
def test_a_transfer_books_one_event_on_each_side_in_one_save(
    app: LedgerApplication, kind: str
) -> None:
    union_id, group_id = union_with_group(app)
    prepare(app, group_id, kind)
    book, group_event, union_event = TRANSFER_EVENTS[kind]
    before = app.position()

    outcome = book(app, group_id)

    assert recorded_since(app, before) == [
        (group_id, topic(group_event)), (union_id, topic(union_event)),
    ]
    assert outcome.position == before + 2
    transfer = outcome.value
    group, union = app.load_group(group_id), app.load_union(union_id)
    assert group.transfers[str(transfer.transfer_id)] == str(transfer.group_event.event_id)
    assert union.event_for_transfer(transfer.transfer_id) == transfer.union_event.event_id


def test_transfers_move_both_books_by_the_same_amount(app: LedgerApplication) -> None:
    union_id, group_id = union_with_group(app)
    app.pay_subscription(group_id, "2026", "5000", on=PAID_ON, meta=META)
    app.contribute_sar(group_id, "7000", on=PAID_ON, meta=META)
    app.deposit_sye(group_id, "9000", on=PAID_ON, meta=META)
    app.withdraw_sye(group_id, "4000", on=PAID_ON, meta=META)
    assert figures(app, union_id, group_id) == [
        ugx(100000 - 5000 - 7000 - 9000 + 4000), ugx(0), ugx(7000), ugx(5000),
        ugx(7000), ugx(5000), ugx(5000), ugx(7000), ugx(5000),
    ]


def test_a_refused_transfer_books_nothing_on_either_side(app: LedgerApplication) -> None:
    union_id, group_id = union_with_group(app, cash="30000")
    app.pay_subscription(group_id, "2026", "12000", on=PAID_ON, meta=META)
    app.deposit_sye(group_id, "5000", on=PAID_ON, meta=META)
    before, union_version = event_store_bytes(app), app.load_union(union_id).version
    refusals: list[tuple[type[errors.DomainError], Callable[[], object]]] = [
        # The union refuses: the group does not owe 2025 (affiliated in 2026) ...
        (errors.InvalidPeriod, lambda: app.pay_subscription(
            group_id, "2025", "12000", on=PAID_ON, meta=META)),
        # ... 2026 is paid in full ...
        (errors.SubscriptionOverpaid, lambda: app.pay_subscription(
            group_id, "2026", "1", on=PAID_ON, meta=META)),
        # ... and it holds only 5000 of the group's SYE savings.
        (errors.InsufficientSyeBalance, lambda: app.withdraw_sye(
            group_id, "5001", on=PAID_ON, meta=META)),
        # The group refuses: its loan fund holds 13000, so the union is never asked.
        (errors.InsufficientLoanFund, lambda: app.contribute_sar(
            group_id, "13001", on=PAID_ON, meta=META)),
        (errors.InsufficientLoanFund, lambda: app.deposit_sye(
            group_id, "13001", on=PAID_ON, meta=META)),
        (errors.GroupNotFound, lambda: app.contribute_sar(
            UUID(int=5), "100", on=PAID_ON, meta=META)),
    ]
    for error_class, command in refusals:
        with pytest.raises(error_class):
            command()
        assert event_store_bytes(app) == before, error_class.code
    assert app.load_union(union_id).version == union_version

    # Nothing refused lingers in either aggregate: the whole loan fund still goes as SAR.
    app.contribute_sar(group_id, "13000", on=PAID_ON, meta=META)
    assert app.load_group(group_id).loan_fund_cash == ugx(0)
    assert app.load_union(union_id).relief_fund_balance() == ugx(13000)


def test_a_conflict_on_the_union_side_rolls_the_group_side_back_and_retries(
    app: LedgerApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another writer saves the union between load and save: the group's event, already in
    the same save, must not be stored; the retry books the transfer exactly once."""
    union_id, group_id = union_with_group(app)
    load_union = app.load_union
    interfered: list[UUID] = []

    def load_union_then_interfere(union_id: UUID) -> Union:
        union = load_union(union_id)
        if not interfered:
            interfered.append(union_id)
            app.receive_relief_fund_grant(union_id, "Red Cross", "1000", on=PAID_ON, meta=META)
        return union

    monkeypatch.setattr(app, "load_union", load_union_then_interfere)
    app.contribute_sar(group_id, "5000", on=PAID_ON, meta=META)

    assert app.conflicts_retried == 1
    group = app.load_group(group_id)
    assert sum(isinstance(e, gev.SarContributed) for e in app.events.get(group_id)) == 1
    assert group.loan_fund_cash == ugx(95000)
    assert app.load_union(union_id).relief_fund_balance() == ugx(6000)


# --- reversals of transfers -----------------------------------------------------------

def reverse_from(
    app: LedgerApplication, side: str, union_id: UUID, group_id: UUID, transfer: Transfer
) -> Outcome[list[LedgerAggregate.Event]]:
    if side == "group":
        return app.reverse_group_entry(group_id, transfer.group_event.event_id, "typed twice",
                                       on=REVERSED_ON, meta=META)
    return app.reverse_union_entry(union_id, transfer.union_event.event_id, "typed twice",
                                   on=REVERSED_ON, meta=META)


@pytest.mark.parametrize("side", ["group", "union"])
@pytest.mark.parametrize("kind", list(TRANSFER_EVENTS))
def test_reversing_a_transfer_from_either_side_reverses_both_in_one_save(
    app: LedgerApplication, kind: str, side: str
) -> None:
    union_id, group_id = union_with_group(app)
    prepare(app, group_id, kind)
    unmoved = figures(app, union_id, group_id)
    transfer = TRANSFER_EVENTS[kind][0](app, group_id).value
    before = app.position()

    outcome = reverse_from(app, side, union_id, group_id, transfer)

    assert sorted(recorded_since(app, before)) == sorted([
        (group_id, topic(gev.EntryReversed)), (union_id, topic(Union.EntryReversed)),
    ])
    assert outcome.position == before + 2
    assert figures(app, union_id, group_id) == unmoved
    group, union = app.load_group(group_id), app.load_union(union_id)
    assert union.is_reversed(transfer.union_event.event_id)
    assert group.entries[str(transfer.group_event.event_id)].reversed_by is not None

    stored = event_store_bytes(app)
    for again in ("group", "union"):
        with pytest.raises(errors.AlreadyReversed):
            reverse_from(app, again, union_id, group_id, transfer)
    assert event_store_bytes(app) == stored


def test_a_reversal_of_a_transfer_cannot_be_reversed(app: LedgerApplication) -> None:
    union_id, group_id = union_with_group(app)
    transfer = app.contribute_sar(group_id, "5000", on=PAID_ON, meta=META).value
    group_reversal, union_reversal = reverse_from(app, "group", union_id, group_id,
                                                  transfer).value
    stored = event_store_bytes(app)
    with pytest.raises(errors.NotReversible):
        app.reverse_group_entry(group_id, group_reversal.event_id, "undo", on=REVERSED_ON,
                                meta=META)
    with pytest.raises(errors.NotReversible):
        app.reverse_union_entry(union_id, union_reversal.event_id, "undo", on=REVERSED_ON,
                                meta=META)
    assert event_store_bytes(app) == stored


def test_a_group_entry_that_is_no_transfer_is_reversed_on_the_group_alone(
    app: LedgerApplication,
) -> None:
    union_id, group_id = union_with_group(app)
    earnings = next(e for e in app.events.get(group_id)
                    if isinstance(e, gev.EnterpriseEarningsRecorded))
    union_version = app.load_union(union_id).version
    before = app.position()
    app.reverse_group_entry(group_id, earnings.event_id, "wrong group", on=REVERSED_ON,
                            meta=META)
    assert recorded_since(app, before) == [(group_id, topic(gev.EntryReversed))]
    assert app.load_union(union_id).version == union_version
    assert app.load_group(group_id).loan_fund_cash == ugx(0)


# --- the union's books ----------------------------------------------------------------


def busy_union(app: LedgerApplication) -> tuple[UUID, list[UUID]]:
    """Three groups using every kind of transfer, a grant, an allocation, a hazard with
    payouts, and reversals from both sides."""
    union_id = register_union(app)
    a = add_group(app, union_id, "Tusubira", affiliated_on=AFFILIATED_ON, cash="100000")
    b = add_group(app, union_id, "Rwot Ogwok", affiliated_on=AFFILIATED_ON, cash="60000")
    c = add_group(app, union_id, "Can Deg", affiliated_on=date(2026, 3, 1), cash="30000")
    app.pay_subscription(a, "2026", "12000", on=PAID_ON, meta=META)
    app.contribute_sar(a, "10000", on=PAID_ON, meta=META)
    app.deposit_sye(a, "20000", on=PAID_ON, meta=META)
    app.withdraw_sye(a, "5000", on=PAID_ON, meta=META)
    for _ in range(2):
        app.pay_subscription(b, "2026", "6000", on=PAID_ON, meta=META)
    app.contribute_sar(b, "4000", on=PAID_ON, meta=META)
    app.deposit_sye(b, "8000", on=PAID_ON, meta=META)
    mistaken = app.deposit_sye(b, "3000", on=PAID_ON, meta=META).value
    app.reverse_union_entry(union_id, mistaken.union_event.event_id, "typed twice",
                            on=REVERSED_ON, meta=META)
    c_on = date(2026, 3, 2)
    sar = app.contribute_sar(c, "2000", on=c_on, meta=META).value
    app.reverse_group_entry(c, sar.group_event.event_id, "wrong group", on=c_on, meta=META)
    app.deposit_sye(c, "1000", on=c_on, meta=META)
    app.receive_relief_fund_grant(union_id, "Red Cross", "50000", on=PAID_ON, meta=META)
    app.allocate_income_to_relief_fund(union_id, "10000", on=PAID_ON, meta=META)
    hazard_id = hazard_id_of(app.declare_hazard(
        union_id, kind="flood", description="Aswa river", declared_on=date(2026, 6, 1),
        affected_group_ids=[a, b], meta=META,
    ).value)
    app.pay_relief(union_id, hazard_id, a, "20000", on=date(2026, 6, 10), meta=META)
    payout = app.pay_relief(union_id, hazard_id, b, "5000", on=date(2026, 6, 10),
                            meta=META).value
    app.reverse_group_entry(b, payout.group_event.event_id, "paid to the wrong group",
                            on=date(2026, 6, 11), meta=META)
    return union_id, [a, b, c]


def test_the_union_trial_balance_agrees_with_the_union_and_its_groups(
    app: LedgerApplication,
) -> None:
    union_id, group_ids = busy_union(app)
    union = app.load_union(union_id)
    books = journal_balances(events_of(app, union_id))

    assert sum(books.values()) == 0
    # Account 3000 (credit): SAR 10000 + 4000, grant 50000, allocation 10000, payout 20000.
    assert -account_balance(books, "3000") == union.relief_fund_balance().amount == 54000
    assert -account_balance(books, "4000") == union.unallocated_income().amount == 24000 - 10000
    groups = [app.load_group(group_id) for group_id in group_ids]
    assert [g.sye_balance for g in groups] == [ugx(15000), ugx(8000), ugx(1000)]
    held = sum((g.sye_balance for g in groups), ugx(0))
    assert -account_balance(books, "2000") == union.sye_liability().amount == held.amount
    for group in groups:
        assert -books.get(("2000", str(group.id)), Decimal(0)) == (
            union.sye_balance(group.id).amount) == group.sye_balance.amount
    assert account_balance(books, "1000") == 24000 + 14000 + 24000 + 50000 - 20000


def test_each_group_journal_balances_and_matches_the_group(app: LedgerApplication) -> None:
    _union_id, group_ids = busy_union(app)
    for group_id in group_ids:
        group = app.load_group(group_id)
        books = journal_balances(events_of(app, group_id))
        assert sum(books.values()) == 0
        assert account_balance(books, "1000") == group.loan_fund_cash.amount
        assert account_balance(books, "1010") == group.social_fund_cash.amount
        assert account_balance(books, "1200") == group.sye_balance.amount
        assert account_balance(books, "5010") == group.sar_standing.amount
