"""Read-only queries of a finished archive: for `archiver wacz`, `verify` and the demo summary.

They take a plain sqlite3 connection (`connect`), which leaves no `-wal` or `-shm` files behind.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

# What the demo summary counts, in the order it prints them.
SUMMARY_TABLES = ("posts", "tags", "comments", "recent_posts", "comment_policies", "errors")


def connect(path: Path) -> closing[sqlite3.Connection]:
    """A plain connection, only read from: one opened with mode=ro would leave the WAL
    database's -wal and -shm files behind, since it may not remove them when it closes. On
    read-only media, where SQLite could not create them, the file is opened as immutable."""
    if os.access(path.parent, os.W_OK):
        return closing(sqlite3.connect(path))
    return closing(sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True))


def database_problem(path: Path) -> str | None:
    """Why the archive database at `path` cannot be opened (a file that is no SQLite database,
    a damaged header), or None; it is only read."""
    if not path.exists():
        return None
    try:
        with connect(path) as db:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        return (
            f"{path} is not a readable SQLite database ({error}): nothing was changed; restore "
            "it from a backup, or move it aside and let a crawl rebuild the archive"
        )
    return None


def front_page_captures(
    db: sqlite3.Connection,
) -> list[tuple[str, str, str, str | None, str | None]]:
    """(username, URL, fetched_at, title, status) of each journal's latest front page capture."""
    return db.execute(
        "SELECT j.username, c.url, c.fetched_at, j.title, j.status "
        "FROM journals j JOIN captures c ON c.id = ("
        "  SELECT max(id) FROM captures WHERE url = j.url"
        ")"
    ).fetchall()


def post_page_captures(db: sqlite3.Connection) -> list[tuple[str, int, str, str, str]]:
    """(journal, ditemid, URL, fetched_at, title) of each post at the capture it was parsed
    from, else at its URL's latest capture."""
    return db.execute(
        "SELECT p.journal, p.ditemid, c.url, c.fetched_at, p.title "
        "FROM posts p JOIN captures c ON c.id = coalesce("
        "  (SELECT id FROM captures WHERE id = p.capture_id),"
        "  (SELECT max(id) FROM captures WHERE url = p.url)"
        ")"
    ).fetchall()


def journal_names(db: sqlite3.Connection) -> list[str]:
    return [row[0] for row in db.execute("SELECT username FROM journals ORDER BY username")]


def _tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def journal_statuses(db: sqlite3.Connection) -> list[tuple[str | None, int]]:
    """(status, how many journals have it), by status."""
    if "journals" not in _tables(db):
        return []
    return db.execute(
        "SELECT status, count(*) FROM journals GROUP BY status ORDER BY status"
    ).fetchall()


def table_counts(db: sqlite3.Connection) -> dict[str, int]:
    """Rows in each of SUMMARY_TABLES (0 for a table the database does not have)."""
    present = _tables(db)
    return {
        table: db.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0]
        if table in present
        else 0
        for table in SUMMARY_TABLES
    }


def pages_of_last_run(path: Path) -> int:
    """How many pages (captures) the database's latest run has archived so far."""
    if not path.exists():
        return 0
    try:
        with connect(path) as db:
            row = db.execute(
                "SELECT count(*) FROM captures WHERE run_id = (SELECT max(id) FROM crawl_runs)"
            ).fetchone()
    except sqlite3.Error:  # created a moment ago, not migrated yet
        return 0
    return int(row[0]) if row else 0
