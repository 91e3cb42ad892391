"""Captures: where each archived response lives in the WARC files, and whether it was parsed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archiver.store.rows import atomic, upsert


@dataclass(frozen=True)
class CaptureRow:
    """A response record's `captures` row, as recovery and verification read it."""

    capture_id: int
    url: str
    warc_file: str
    offset: int
    status: int | None
    content_type: str | None
    fetched_at: str  # WARC-Date
    record_id: str
    payload_digest: str | None
    logged_in_as: str | None = None  # read by `unparsed_responses` only (a migrated database)


def save_capture(
    db: Database,
    *,
    url: str,
    status: int | None,
    warc_file: str,
    warc_offset: int,
    warc_length: int,
    record_id: str,
    fetched_at: str,
    content_type: str | None = None,
    payload_digest: str | None = None,
    run_id: int | None = None,
    record_type: str = "response",
    refers_to: str | None = None,
    logged_in_as: str | None = None,
) -> int:
    """Record where a response lives in the WARC files; idempotent on the WARC record id.
    `logged_in_as`: the account whose session the request carried."""
    row = {
        "url": url,
        "status": status,
        "content_type": content_type,
        "warc_file": warc_file,
        "warc_offset": warc_offset,
        "warc_length": warc_length,
        "record_id": record_id,
        "payload_digest": payload_digest,
        "fetched_at": fetched_at,
        "run_id": run_id,
        "record_type": record_type,
        "refers_to": refers_to,
        "logged_in_as": logged_in_as,
    }
    with atomic(db):
        upsert(db, "captures", row, ["record_id"], insert_only=True)
        capture_id: int = db.execute(
            "SELECT id FROM captures WHERE record_id = ?", [record_id]
        ).fetchone()[0]
    return capture_id


def mark_parsed(db: Database, capture_id: int) -> None:
    db.execute("UPDATE captures SET parsed = 1 WHERE id = ?", [capture_id])


# `parsed`: 1 saved; NULL archived, not saved yet; -1, -2: read back that many times and still
# not saved; at -RECOVERY_ATTEMPTS recovery gives up on it (a page that kills the parser must not
# stop every later run); 0 never to be read back (a body cut short).
RECOVERY_ATTEMPTS = 3


def mark_recovery_tried(db: Database, capture_id: int) -> None:
    """Before a page is read back from the WARC, so that a page that kills the process is
    tried only RECOVERY_ATTEMPTS times; saving it sets `parsed` to 1."""
    with atomic(db):
        db.execute(
            "UPDATE captures SET parsed = COALESCE(parsed, 0) - 1 WHERE id = ? "
            "AND (parsed IS NULL OR parsed < 0)",
            [capture_id],
        )


def mark_not_recoverable(db: Database, capture_id: int) -> None:
    """A response archived as received but never to be parsed into rows: one cut short, or
    one served logged out to a logged-in crawl."""
    with atomic(db):
        db.execute("UPDATE captures SET parsed = 0 WHERE id = ?", [capture_id])


def prior_response(
    db: Database, url: str, digest: str, *, any_url: bool = False
) -> tuple[str, str, str] | None:
    """(record id, URL, WARC-Date) of the first response record of `url` with this payload;
    with `any_url`, else of any URL (a requisite: the same userpic under two addresses)."""
    searches = [("url = ? AND ", [url, digest])] + ([("", [digest])] if any_url else [])
    for condition, args in searches:
        row = db.execute(
            f"SELECT record_id, url, fetched_at FROM captures WHERE {condition}"
            "payload_digest = ? AND record_type = 'response' ORDER BY id LIMIT 1",
            args,
        ).fetchone()
        if row:
            return (row[0], row[1], row[2])
    return None


_CAPTURE_COLUMNS = (
    "id, url, warc_file, warc_offset, status, content_type, fetched_at, record_id, payload_digest"
)


def unparsed_responses(db: Database, url_prefix: str) -> list[CaptureRow]:
    """The 200 responses under `url_prefix` that a run archived but whose rows it never saved
    (it was killed, or could not write the database), oldest first."""
    rows = db.execute(
        f"SELECT {_CAPTURE_COLUMNS}, logged_in_as FROM captures WHERE record_type = 'response' "
        "AND status = 200 AND (parsed IS NULL OR parsed BETWEEN ? AND -1) "
        "AND substr(url, 1, length(?)) = ? ORDER BY id",
        [1 - RECOVERY_ATTEMPTS, url_prefix, url_prefix],
    ).fetchall()
    return [_capture_row(row) for row in rows]


def warc_file_ends(db: Any) -> dict[str, int]:
    """For each WARC file `captures` knows, where its last known response or revisit ends."""
    rows = db.execute(
        "SELECT warc_file, MAX(warc_offset + warc_length) FROM captures GROUP BY warc_file"
    ).fetchall()
    return {name: int(end) for name, end in rows}


def all_captures(db: Any) -> list[CaptureRow]:
    """Every captures row (`db`: a sqlite3 connection or a sqlite-utils Database)."""
    rows = db.execute(f"SELECT {_CAPTURE_COLUMNS} FROM captures ORDER BY id").fetchall()
    return [_capture_row(row) for row in rows]


def _capture_row(row: Any) -> CaptureRow:
    return CaptureRow(
        capture_id=row[0],
        url=row[1],
        warc_file=row[2],
        offset=row[3],
        status=row[4],
        content_type=row[5],
        fetched_at=row[6],
        record_id=row[7],
        payload_digest=row[8],
        logged_in_as=row[9] if len(row) > 9 else None,
    )
