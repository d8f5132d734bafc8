"""Tusubira: a small group whose figures are worked out by hand in this docstring (UGX).

The group, Tusubira, starts its cycle on 2026-01-05 with five members (Akello, Amony,
Lanyero: women; Okot, Opio: men). Share value 2000, social fund 500, service charge 10 %
a month, flat.

    01-12  earnings 20000; everyone pays the social fund (5 × 500 = 2500);
           meeting, 5 of 5 present; shares: Akello 5, Okot 5, Amony 3, Lanyero 2, Opio 1
           = 16 shares = 32000 of savings                        loan fund 52000
    01-19  meeting, 4 of 5; loans: Akello 20000 × 1 month (charge 2000, due 02-19),
           Okot 10000 × 2 (charge 2000, due 03-19), Amony 6000 × 1 (charge 600, due
           02-19)                                                 loan fund 16000
    02-16  meeting, 3 of 5; Akello repays 22000 in full; Lanyero fined 1000
                                                                  loan fund 39000
    02-20  Opio leaves with his 2000 of savings                   loan fund 37000
    03-16  Okot repays 4000 (2000 charge, 2000 principal): owes 8000
                                                                  loan fund 41000
    04-10  Amony's loan written off: 6600 (6000 + 600 charge)
    04-13  meeting, 3 of 4; Lanyero borrows 4000 × 2 (charge 800, due 06-13)
                                                                  loan fund 37000
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from tests.application.support import META, RULES, register_union
from union_ledger.application import LedgerApplication
from union_ledger.group_cases import MeetingEntry

MEMBERS = (("Akello", "female"), ("Okot", "male"), ("Amony", "female"),
           ("Lanyero", "female"), ("Opio", "male"))


def record_tusubira(app: LedgerApplication) -> UUID:
    union_id = register_union(app)
    start = date(2026, 1, 5)
    group_id = app.register_group(union_id, name="Tusubira", enterprise="poultry",
                                  locality="Gulu", affiliated_on=start, meta=META).value.id
    ids = [app.join_member(group_id, name=name, gender=gender, joined_on=start,
                           meta=META).value.member_id for name, gender in MEMBERS]
    akello, okot, amony, lanyero, opio = ids
    app.start_cycle(group_id, RULES, started_on=start, meta=META)

    def meeting(on: date, present: list[str], entries: list[MeetingEntry]) -> list[str]:
        results = app.record_meeting(group_id, held_on=on, attendance=present,
                                     entries=entries, meta=META).value.results
        return [getattr(event, "loan_id", "") for event in results]

    day = date(2026, 1, 12)
    app.record_enterprise_earnings(group_id, "20000", "egg sales", on=day, meta=META)
    meeting(day, ids, [MeetingEntry("social_fund_contribution", member_id=m, amount="500")
                       for m in ids]
            + [MeetingEntry("share_purchase", member_id=m, shares=n)
               for m, n in zip(ids, (5, 5, 3, 2, 1), strict=True)])
    loans = meeting(date(2026, 1, 19), [akello, okot, amony, lanyero], [
        MeetingEntry("loan", member_id=akello, principal="20000", term_months=1),
        MeetingEntry("loan", member_id=okot, principal="10000", term_months=2),
        MeetingEntry("loan", member_id=amony, principal="6000", term_months=1)])
    meeting(date(2026, 2, 16), [akello, okot, lanyero], [
        MeetingEntry("repayment", loan_id=loans[0], amount="22000"),
        MeetingEntry("fine", member_id=lanyero, amount="1000", reason="late")])
    app.exit_member(group_id, opio, on=date(2026, 2, 20), meta=META)
    app.repay_loan(group_id, loans[1], "4000", on=date(2026, 3, 16), meta=META)
    app.write_off_loan(group_id, loans[2], "moved away", on=date(2026, 4, 10), meta=META)
    meeting(date(2026, 4, 13), [akello, okot, lanyero], [
        MeetingEntry("loan", member_id=lanyero, principal="4000", term_months=2)])
    return group_id
