"""Crawl runs and their errors: the bookkeeping cron and Datasette read."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Literal

from sqlite_utils import Database

from archiver.store.rows import atomic, insert

PostOutcome = Literal["new", "changed", "unchanged"]
_RUN_COUNTERS: dict[PostOutcome, str] = {
    "new": "new_posts",
    "changed": "changed_posts",
    "unchanged": "unchanged_posts",
}


def start_run(
    db: Database, started_at: str, journals: Sequence[str], logged_in_as: str | None = None
) -> int:
    """A new crawl_runs row; `logged_in_as`: the account whose session the run uses."""
    with atomic(db):
        return insert(
            db,
            "crawl_runs",
            {
                "started_at": started_at,
                "journals": json.dumps(list(journals), ensure_ascii=False),
                "requests": 0,
                "new_posts": 0,
                "changed_posts": 0,
                "unchanged_posts": 0,
                "errors": 0,
                "logged_in_as": logged_in_as,
                "uid": uuid.uuid4().hex,
            },
        )


def close_killed_runs(db: Database, current_run: int, at: str) -> int:
    """Runs that never finished (killed, or the machine lost) before `current_run`: closed as
    `killed`, at `at`, the time the next run found them. Returns how many."""
    with atomic(db):
        cursor = db.execute(
            "UPDATE crawl_runs SET ended_at = ?, outcome = 'killed', "
            "errors = (SELECT COUNT(*) FROM errors WHERE run_id = crawl_runs.id) "
            "WHERE ended_at IS NULL AND id < ?",
            [at, current_run],
        )
        closed: int = cursor.rowcount
    return closed


def run_started_by(db: Database, at: str, before_run: int) -> int | None:
    """The last run before `before_run` that had started by `at` (ISO 8601, UTC)."""
    row = db.execute(
        "SELECT MAX(id) FROM crawl_runs WHERE started_at <= ? AND id < ?", [at, before_run]
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def finish_run(
    db: Database,
    run_id: int,
    *,
    ended_at: str,
    outcome: str,
    exit_code: int,
    requests: int | None = None,
) -> None:
    """Close a run. The post counters were kept by save_post; `errors` counts its errors rows."""
    with atomic(db):
        cursor = db.execute(
            """
            UPDATE crawl_runs SET
                ended_at = ?,
                outcome = ?,
                exit_code = ?,
                requests = COALESCE(?, requests),
                errors = (SELECT COUNT(*) FROM errors WHERE run_id = crawl_runs.id)
            WHERE id = ?
            """,
            [ended_at, outcome, exit_code, requests, run_id],
        )
        require_run(cursor.rowcount, run_id)


def fail_run(db: Database, run_id: int, *, outcome: str, exit_code: int) -> None:
    """A run that went wrong after it was finished (its index could not be rebuilt)."""
    with atomic(db):
        cursor = db.execute(
            """
            UPDATE crawl_runs SET
                outcome = ?,
                exit_code = ?,
                errors = (SELECT COUNT(*) FROM errors WHERE run_id = crawl_runs.id)
            WHERE id = ?
            """,
            [outcome, exit_code, run_id],
        )
        require_run(cursor.rowcount, run_id)


def count_post(db: Database, run_id: int, outcome: PostOutcome) -> None:
    column = _RUN_COUNTERS[outcome]
    cursor = db.execute(
        f"UPDATE crawl_runs SET [{column}] = COALESCE([{column}], 0) + 1 WHERE id = ?", [run_id]
    )
    require_run(cursor.rowcount, run_id)


def record_error(
    db: Database, run_id: int | None, url: str | None, kind: str, message: str, at: str
) -> int:
    with atomic(db):
        return insert(
            db,
            "errors",
            {"run_id": run_id, "url": url, "kind": kind, "message": message, "at": at},
        )


def require_run(rowcount: int, run_id: int) -> None:
    if rowcount != 1:
        raise ValueError(f"no crawl run with id {run_id}")
