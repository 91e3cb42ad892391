"""Journals: one row per username, its status as the latest page showed it."""

from __future__ import annotations

from sqlite_utils import Database

from archiver import urls
from archiver.items import JournalItem
from archiver.store.rows import atomic, first_in_page, item_row, upsert


def save_journal(
    db: Database, item: JournalItem, seen_at: str, capture_id: int | None = None
) -> None:
    """Upsert a journal; status fields follow the latest page, known identity fields stay."""
    row = item_row(item, first_seen=seen_at, last_seen=seen_at, capture_id=capture_id)
    with atomic(db):
        upsert(
            db, "journals", row, ["username"], keep_known=("journal_id", "title", "journal_type")
        )


def ensure_journal(db: Database, username: str, seen_at: str) -> None:
    """A placeholder row (status NULL) so that rows of a journal not yet saved keep their FK."""
    if not first_in_page(db, username):
        return
    row = {
        "username": username,
        "url": urls.journal_root(username),
        "first_seen": seen_at,
        "last_seen": seen_at,
    }
    upsert(db, "journals", row, ["username"], insert_only=True)


def mark_listed(db: Database, journal: str, run_id: int) -> None:
    with atomic(db):
        db.execute("UPDATE journals SET listed_in_run = ? WHERE username = ?", [run_id, journal])
