"""The public copy of an archive's database, written beside the archive to be shared (no
Scrapy): copied, what `archiver.store.public_copy` leaves out deleted, the full-text index
rebuilt and the file compacted, then put in place whole."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from archiver.store.public_copy import (
    LeftOut,
    PrivateContent,
    compact,
    kept_record_ids,
    leave_out_private,
    prepare_copy,
    private_content,
    public_posts_fetched_logged_in_only,
    rebuild_full_text,
)
from archiver.store.reads import connect

__all__ = [
    "LeftOut",
    "PrivateContent",
    "kept_record_ids",
    "missing_public_pages_note",
    "private_content",
    "write_public_copy",
]


def write_public_copy(source: Path, target: Path) -> LeftOut:
    """Write the public copy of the archive database `source` to `target`, replacing it: the
    copy is made beside it first, so a copy cut short is never at `target`."""
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    try:
        with connect(source) as origin, closing(sqlite3.connect(partial)) as copy:
            origin.backup(copy)
        with closing(sqlite3.connect(partial, isolation_level=None)) as db:
            prepare_copy(db)
            left_out = leave_out_private(db)
            rebuild_full_text(db)
            compact(db)
        _remove_sidecars(target)  # an old -wal would be replayed into the new file
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
        _remove_sidecars(partial)
    return left_out


def missing_public_pages_note(database: Path) -> str | None:
    """What a public copy of `database` lacks for want of logged-out pages, and the remedy."""
    with connect(database) as db:
        missing = public_posts_fetched_logged_in_only(db)
    if not missing:
        return None
    return (
        f"{missing} public posts were fetched logged in only, so their pages are not in the "
        "public copy: `archiver crawl JOURNAL --output OUTPUT --logged-out --full` fetches "
        "them as anyone sees them"
    )


def _remove_sidecars(database: Path) -> None:
    for suffix in ("-journal", "-wal", "-shm"):
        database.with_name(database.name + suffix).unlink(missing_ok=True)
