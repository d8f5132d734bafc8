"""The read-model tables. Portable SQL for SQLite and PostgreSQL; money in BIGINT minor units."""

from __future__ import annotations

from projections.store import Cursor

TRACKING_TABLE = "rm_tracking"
VERSION_TABLE = "rm_schema"
# Member and loan ids are unique within their group only (a client may choose them).
# Raise when a table or column changes: a store built under another version is dropped
# and rebuilt from the log by the next projector to start (read models are disposable).
SCHEMA_VERSION = 4

TABLES: dict[str, str] = {
    VERSION_TABLE: "version INTEGER NOT NULL",
    TRACKING_TABLE: "name TEXT PRIMARY KEY, position BIGINT NOT NULL",
    # Keyed by log position (an event books at most one entry), not by the entry's id: the
    # projector appends to the end of a position index, where a random id would land its
    # key on any page of a large index (version 4).
    "rm_journal": (
        "entry_id TEXT NOT NULL, position BIGINT PRIMARY KEY, book_id TEXT NOT NULL, "
        "book_kind TEXT NOT NULL, union_id TEXT NOT NULL, on_date TEXT NOT NULL, "
        "description TEXT NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL, "
        "actor TEXT NOT NULL"
    ),
    "rm_postings": (
        "entry_id TEXT NOT NULL, line INTEGER NOT NULL, book_id TEXT NOT NULL, "
        "on_date TEXT NOT NULL, account TEXT NOT NULL, sub_account TEXT NOT NULL, "
        "debit BIGINT NOT NULL, credit BIGINT NOT NULL, position BIGINT NOT NULL, "
        "PRIMARY KEY (position, line)"
    ),
    "rm_account_balances": (
        "book_id TEXT NOT NULL, account TEXT NOT NULL, sub_account TEXT NOT NULL, "
        "debit BIGINT NOT NULL, credit BIGINT NOT NULL, "
        "PRIMARY KEY (book_id, account, sub_account)"
    ),
    "rm_groups": (
        "group_id TEXT PRIMARY KEY, union_id TEXT NOT NULL, name TEXT NOT NULL, "
        "enterprise TEXT NOT NULL, locality TEXT NOT NULL, affiliated_on TEXT NOT NULL, "
        "currency TEXT NOT NULL, members_count INTEGER NOT NULL, women_count INTEGER NOT NULL, "
        "cycle_number INTEGER NOT NULL, cycle_open INTEGER NOT NULL, cycle_started_on TEXT, "
        "cycle_json TEXT NOT NULL, loan_fund_cash BIGINT NOT NULL, "
        "social_fund_cash BIGINT NOT NULL, loans_outstanding BIGINT NOT NULL, "
        "member_savings BIGINT NOT NULL, surplus BIGINT NOT NULL, cycle_surplus BIGINT NOT NULL, "
        "sar_standing BIGINT NOT NULL, sye_balance BIGINT NOT NULL, "
        "version INTEGER NOT NULL, position BIGINT NOT NULL"
    ),
    "rm_members": (
        "member_id TEXT NOT NULL, group_id TEXT NOT NULL, name TEXT NOT NULL, "
        "gender TEXT NOT NULL, joined_on TEXT NOT NULL, exited_on TEXT, shares INTEGER NOT NULL, "
        "savings BIGINT NOT NULL, loan_outstanding BIGINT NOT NULL, "
        "social_fund_paid BIGINT NOT NULL, fines_paid BIGINT NOT NULL, "
        "exited_in_cycle INTEGER, PRIMARY KEY (group_id, member_id)"
    ),
    "rm_statement": (
        "member_id TEXT NOT NULL, position BIGINT NOT NULL, line INTEGER NOT NULL, "
        "group_id TEXT NOT NULL, on_date TEXT NOT NULL, event_id TEXT NOT NULL, "
        "kind TEXT NOT NULL, description TEXT NOT NULL, amount BIGINT NOT NULL, "
        "shares INTEGER NOT NULL, savings_balance BIGINT NOT NULL, "
        "loan_balance BIGINT NOT NULL, PRIMARY KEY (group_id, member_id, position, line)"
    ),
    "rm_loans": (
        "loan_id TEXT NOT NULL, group_id TEXT NOT NULL, member_id TEXT NOT NULL, "
        "cycle_number INTEGER NOT NULL, principal BIGINT NOT NULL, "
        "service_charge BIGINT NOT NULL, term_months INTEGER NOT NULL, "
        "disbursed_on TEXT NOT NULL, due_on TEXT NOT NULL, outstanding BIGINT NOT NULL, "
        "written_off BIGINT NOT NULL, status TEXT NOT NULL, closed_on TEXT, "
        "PRIMARY KEY (group_id, loan_id)"
    ),
    # How each event changed each loan: the loans' balances as of any date (SAVIX, PAR).
    "rm_loan_movements": (
        "loan_id TEXT NOT NULL, position BIGINT NOT NULL, group_id TEXT NOT NULL, "
        "on_date TEXT NOT NULL, principal_change BIGINT NOT NULL, "
        "outstanding_change BIGINT NOT NULL, written_off_change BIGINT NOT NULL, "
        "PRIMARY KEY (group_id, loan_id, position)"
    ),
    "rm_meetings": (
        "group_id TEXT NOT NULL, held_on TEXT NOT NULL, meeting_id TEXT NOT NULL, "
        "cycle_number INTEGER NOT NULL, attendees INTEGER NOT NULL, "
        "active_members INTEGER NOT NULL, PRIMARY KEY (group_id, held_on)"
    ),
    "rm_cycles": (
        "group_id TEXT NOT NULL, cycle_number INTEGER NOT NULL, started_on TEXT NOT NULL, "
        "closed_on TEXT, members_at_start INTEGER NOT NULL, women_at_start INTEGER NOT NULL, "
        "men_at_start INTEGER NOT NULL, exits INTEGER NOT NULL, disbursed BIGINT NOT NULL, "
        "loans_count INTEGER NOT NULL, "
        "written_off BIGINT NOT NULL, service_charge_rate TEXT NOT NULL, "
        "share_value BIGINT NOT NULL, PRIMARY KEY (group_id, cycle_number)"
    ),
    "rm_unions": (
        "union_id TEXT PRIMARY KEY, code TEXT NOT NULL, name TEXT NOT NULL, "
        "currency TEXT NOT NULL, groups_count INTEGER NOT NULL, "
        "relief_fund_balance BIGINT NOT NULL, sye_liability BIGINT NOT NULL, "
        "subscriptions_received_total BIGINT NOT NULL, relief_policy_json TEXT NOT NULL, "
        "version INTEGER NOT NULL, position BIGINT NOT NULL"
    ),
    "rm_subscriptions": (
        "union_id TEXT NOT NULL, group_id TEXT NOT NULL, period TEXT NOT NULL, "
        "paid BIGINT NOT NULL, PRIMARY KEY (union_id, group_id, period)"
    ),
    "rm_hazards": (
        "hazard_id TEXT PRIMARY KEY, union_id TEXT NOT NULL, kind TEXT NOT NULL, "
        "description TEXT NOT NULL, declared_on TEXT NOT NULL, affected_json TEXT NOT NULL"
    ),
    "rm_entitlements": (
        "hazard_id TEXT NOT NULL, group_id TEXT NOT NULL, union_id TEXT NOT NULL, "
        "eligible INTEGER NOT NULL, reasons_json TEXT NOT NULL, sar_standing BIGINT NOT NULL, "
        "sye_balance BIGINT NOT NULL, base BIGINT NOT NULL, cap BIGINT, paid BIGINT NOT NULL, "
        "entitlement BIGINT NOT NULL, policy_json TEXT NOT NULL, "
        "PRIMARY KEY (hazard_id, group_id)"
    ),
}

INDEXES: tuple[str, ...] = (
    # A book's postings by account: a group's SAR standing reads one account's postings,
    # not the whole book's (version 3); a book's sums as of a date still use its prefix.
    "CREATE INDEX IF NOT EXISTS rm_postings_book_account ON rm_postings "
    "(book_id, account, on_date)",
    "CREATE INDEX IF NOT EXISTS rm_journal_book_date ON rm_journal (book_id, on_date, position)",
    "CREATE INDEX IF NOT EXISTS rm_groups_union ON rm_groups (union_id, name, group_id)",
    # (A group's members: the prefix of rm_members' own key, which needs no index of its own.)
    "CREATE INDEX IF NOT EXISTS rm_loans_group ON rm_loans (group_id, status)",
    "CREATE INDEX IF NOT EXISTS rm_loan_movements_group ON rm_loan_movements "
    "(group_id, on_date)",
    "CREATE INDEX IF NOT EXISTS rm_entitlements_union ON rm_entitlements (union_id)",
)

# Tables whose rows the projector updates in place at every batch that touches them (a
# member's figures, an account's sums, a group's or loan's row). With PostgreSQL their
# pages keep room for the next version of a row, so an update can stay on its page and
# leave the indexes alone (a heap-only tuple, when no indexed column changes): without
# it, every update of a full page adds an entry to each of the table's indexes and a
# dead row elsewhere, and a 1,000-group log's catch-up left 46 dead versions of each
# member's row behind. New pages only: existing tables take the setting as they grow.
UPDATED_IN_PLACE: tuple[str, ...] = (
    "rm_account_balances", "rm_groups", "rm_members", "rm_loans", "rm_cycles",
    "rm_unions", "rm_subscriptions", "rm_entitlements",
)
POSTGRES_FILLFACTOR = 70

READ_MODEL_TABLES = tuple(
    name for name in TABLES if name not in (TRACKING_TABLE, VERSION_TABLE)
)


def create_all(cursor: Cursor, dialect: str = "sqlite") -> None:
    """Create what is missing; drop everything first when it was built by another version."""
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} ({TABLES[VERSION_TABLE]})")
    row = cursor.fetchone(f"SELECT MAX(version) FROM {VERSION_TABLE}")
    found = None if row is None or row[0] is None else int(row[0])
    if found != SCHEMA_VERSION:
        drop_all(cursor)
        cursor.execute(f"CREATE TABLE {VERSION_TABLE} ({TABLES[VERSION_TABLE]})")
        cursor.execute(f"INSERT INTO {VERSION_TABLE} (version) VALUES (?)", (SCHEMA_VERSION,))
    for name, columns in TABLES.items():
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
    for statement in INDEXES:
        cursor.execute(statement)
    if dialect == "postgres":
        _keep_room_for_updates(cursor)


def _keep_room_for_updates(cursor: Cursor) -> None:
    setting = f"fillfactor={POSTGRES_FILLFACTOR}"
    names = ", ".join(f"'{name}'" for name in UPDATED_IN_PLACE)
    rows = cursor.fetchall(
        "SELECT relname, COALESCE(array_to_string(reloptions, ','), '') FROM pg_class "
        f"WHERE relname IN ({names}) AND relnamespace = current_schema()::regnamespace"
    )
    for name, options in rows:
        if setting not in str(options).split(","):
            cursor.execute(f"ALTER TABLE {name} SET (fillfactor = {POSTGRES_FILLFACTOR})")


def drop_all(cursor: Cursor) -> None:
    for name in TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")
