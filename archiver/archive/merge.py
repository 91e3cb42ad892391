"""`archiver merge`: worker outputs folded into one archive, while the workers go on.

For each worker output, in this order:
1. a read transaction on its database: the rows as they are now, whatever the worker writes
   next;
2. its WARC files put into the archive's `warc/` under their own names (each worker names its
   files after its host): a hard link where both are on one file system, else a copy, which a
   later merge extends with what the worker appended since. A record is in a WARC file before
   its captures row exists, so every capture the rows of step 1 name is now in the archive;
3. its rows folded into the archive's database on their natural keys (`store.merge`), in one
   transaction.
Then the archive's CDXJ index is written again (only the files that changed are re-indexed).
Merging the same outputs twice changes nothing.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from archiver.archive.layout import DATABASE_FILE, WARC_DIRECTORY
from archiver.archive.lock import output_lock
from archiver.archive.verify import whole_records_end
from archiver.archive.warc import warc_files, write_cdxj_index
from archiver.store import open_db, reads
from archiver.store.merge import FoldCounts, begin_snapshot, fold

_COPY_CHUNK = 1 << 20


class MergeError(Exception):
    """A worker output that cannot be merged (no database, a different schema)."""


@dataclass
class MergedOutput:
    source: Path
    linked: list[str] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)  # copied whole, or extended
    rows: FoldCounts = field(default_factory=FoldCounts)


def merge_outputs(sources: Sequence[Path], into: Path) -> list[MergedOutput]:
    """Fold each of `sources` into the archive at `into`, holding the archive's lock."""
    with output_lock(into):
        (into / WARC_DIRECTORY).mkdir(parents=True, exist_ok=True)
        archive = open_db(into / DATABASE_FILE)
        try:
            merged = [_merge_one(source, into, archive.conn) for source in sources]
        finally:
            archive.conn.close()
        write_cdxj_index(into / WARC_DIRECTORY)
    return merged


def _merge_one(source: Path, into: Path, archive: sqlite3.Connection) -> MergedOutput:
    if source.resolve() == into.resolve():
        raise MergeError(f"{source} is the archive itself")
    database = source / DATABASE_FILE
    if not database.exists():
        raise MergeError(f"{source} holds no {DATABASE_FILE}: not an archiver output")
    merged = MergedOutput(source)
    with closing(sqlite3.connect(database)) as worker:
        begin_snapshot(worker)
        for warc in warc_files(source / WARC_DIRECTORY):
            how = _put_warc(warc, into / WARC_DIRECTORY / warc.name)
            if how == "linked":
                merged.linked.append(warc.name)
            elif how == "copied":
                merged.copied.append(warc.name)
        with archive:
            merged.rows = fold(worker, archive)
        worker.rollback()
    return merged


def _put_warc(warc: Path, target: Path) -> str | None:
    """Link or copy `warc` to `target`, or extend an earlier copy; None if it was there."""
    if not target.exists():
        try:
            os.link(warc, target)
            return "linked"
        except OSError:  # another file system
            partial = target.with_name(target.name + ".partial")
            partial.unlink(missing_ok=True)  # what a merge cut short left
            _copy_whole_records(warc, partial, start=0)
            partial.replace(target)
            return "copied"
    if os.path.samefile(warc, target) or warc.stat().st_size == target.stat().st_size:
        return None
    # A worker only appends to its WARC files: what is new is the tail past our copy, which
    # ends in whole records (a merge cut short mid-copy leaves a half record: cut it off).
    have = whole_records_end(target)
    if have < target.stat().st_size:
        os.truncate(target, have)
    return "copied" if _copy_whole_records(warc, target, start=have) else None


def _copy_whole_records(warc: Path, target: Path, start: int) -> int:
    """Append `warc`'s whole records from `start` on to `target` (never a record the worker is
    still writing); return how many bytes."""
    end = whole_records_end(warc, start)
    with open(warc, "rb") as source, open(target, "ab") as out:
        source.seek(start)
        left = end - start
        while left > 0:
            chunk = source.read(min(_COPY_CHUNK, left))
            if not chunk:
                break
            out.write(chunk)
            left -= len(chunk)
    return end - start


def seed_journal(archive: Path, output: Path, journal: str) -> FoldCounts:
    """Fold the archive's rows of `journal` into `output`'s database, so that a crawl of it
    there is as incremental as one into the archive itself. Nothing is written to the archive;
    no WARC file is brought over (the seeded captures name the archive's files)."""
    database = archive / DATABASE_FILE
    if not database.exists():
        return FoldCounts()
    with output_lock(output), reads.connect(database) as source:
        target = open_db(output / DATABASE_FILE)
        try:
            with target.conn:
                return fold(source, target.conn, journals=[journal])
        finally:
            target.conn.close()
