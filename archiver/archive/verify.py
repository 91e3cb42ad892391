"""`archiver verify`: are the WARC files whole, their digests right, and every capture row true?

Each WARC file is walked gzip member by member (one record per member), so a record that a
killed crawl left half-written is found exactly, not read as a short record. Every complete
record is read with warcio, which checks its block and payload digests. Then every `captures`
row must point at a record with its record id, URL and payload digest.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archiver import store
from archiver.archive.layout import DATABASE_FILE, WARC_DIRECTORY
from archiver.archive.warc import warc_files
from archiver.store.reads import connect

READ_SIZE = 1 << 20


@dataclass(frozen=True)
class Member:
    start: int
    end: int
    complete: bool


@dataclass(frozen=True)
class RecordFacts:
    warc_file: str
    offset: int
    record_type: str
    record_id: str
    url: str | None
    payload_digest: str | None


@dataclass
class VerifyReport:
    files: int = 0
    records: Counter[str] = field(default_factory=Counter)
    captures_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.records.items())) or "none"
        lines = [
            f"WARC files: {self.files}",
            f"records:    {sum(self.records.values())} ({kinds})",
            f"captures:   {self.captures_checked} rows checked against their records",
        ]
        if self.problems:
            lines.append(f"PROBLEMS:   {len(self.problems)}")
            lines += [f"  {problem}" for problem in self.problems]
            if any("to the end of the file" in problem for problem in self.problems):
                lines.append(
                    "A damaged tail is moved aside (never deleted) and the index rebuilt by "
                    "`archiver verify --repair`."
                )
        else:
            lines.append("OK: every record is complete and its digests match")
        return lines


def gzip_members(path: Path, start: int = 0) -> Iterator[Member]:
    """The gzip members of a file in order from offset `start` (where one begins); the last is
    incomplete if the file ends inside it."""
    with open(path, "rb") as stream:
        stream.seek(start)
        consumed = start
        inflater = zlib.decompressobj(wbits=31)
        pending = b""
        while True:
            block = pending or stream.read(READ_SIZE)
            pending = b""
            if not block:
                break
            inflater.decompress(block)
            consumed += len(block) - len(inflater.unused_data)
            if inflater.eof:
                yield Member(start, consumed, True)
                pending = inflater.unused_data
                start = consumed
                inflater = zlib.decompressobj(wbits=31)
        if consumed > start:
            yield Member(start, consumed, False)


def read_record(path: Path, offset: int) -> tuple[RecordFacts, list[str]]:
    """The record at `offset`, read whole with warcio's digest checks; and its digest problems."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream, check_digests=True)))
        content = record.content_stream()
        while content.read(READ_SIZE):
            pass
        headers = record.rec_headers
        facts = RecordFacts(
            warc_file=path.name,
            offset=offset,
            record_type=record.rec_type,
            record_id=headers.get_header("WARC-Record-ID"),
            url=headers.get_header("WARC-Target-URI"),
            payload_digest=headers.get_header("WARC-Payload-Digest"),
        )
        problems = (
            list(record.digest_checker.problems) if record.digest_checker.passed is False else []
        )
    return facts, problems


def check_file(
    path: Path, report: VerifyReport, read_to: Callable[[int], None] | None = None
) -> dict[int, RecordFacts]:
    """Check one WARC file; return its complete records by offset. `read_to` is told how far
    into the file the check has got, now and then."""
    records: dict[int, RecordFacts] = {}
    whole_end = 0
    try:
        for member in gzip_members(path):
            if not member.complete:
                report.problems.append(
                    f"{path.name}: incomplete record at offset {member.start} "
                    f"({member.end - member.start} bytes to the end of the file): the crawl "
                    "stopped while writing it; every record before it is readable"
                )
                break
            whole_end = member.end
            facts, problems = read_record(path, member.start)
            if not facts.record_id:
                report.problems.append(f"{path.name} @{member.start}: not a WARC record")
                continue
            records[member.start] = facts
            report.records[facts.record_type] += 1
            if read_to is not None and len(records) % 200 == 0:
                read_to(member.end)
            report.problems += [f"{path.name} @{member.start}: {p}" for p in problems]
    except (zlib.error, ValueError, StopIteration, ArchiveLoadFailed) as error:
        size = path.stat().st_size
        report.problems.append(
            f"{path.name}: damaged from offset {whole_end} ({size - whole_end} bytes to the end "
            f"of the file, {type(error).__name__}: {error}); every record before it is readable"
        )
    return records


def whole_records_end(path: Path, start: int = 0) -> int:
    """Where the file's leading whole gzip members, its whole records, end: the file's size
    unless it ends in a half-written record or in bytes that are no gzip member at all.
    `start`: where a record begins, to look only from there on."""
    end = start
    try:
        for member in gzip_members(path, start):
            if not member.complete:
                break
            end = member.end
    except zlib.error:
        pass
    return end


def check_captures(
    db: sqlite3.Connection, records: dict[tuple[str, int], RecordFacts], report: VerifyReport
) -> None:
    for row in store.all_captures(db):
        report.captures_checked += 1
        where = f"captures row {row.capture_id} ({row.url})"
        facts = records.get((row.warc_file, row.offset))
        if facts is None:
            report.problems.append(f"{where}: no complete record at {row.warc_file} @{row.offset}")
            continue
        for name, ours, theirs in (
            ("record id", row.record_id, facts.record_id),
            ("URL", row.url, facts.url),
            ("payload digest", row.payload_digest, facts.payload_digest),
        ):
            if ours != theirs:
                report.problems.append(f"{where}: {name} {ours!r} but the record has {theirs!r}")


def _told(progress: Callable[[int, int], None], before: int, total: int, offset: int) -> None:
    progress(before + offset, total)


def verify_output(output: Path, progress: Callable[[int, int], None] | None = None) -> VerifyReport:
    """Check every WARC file and every captures row; `progress(bytes_read, bytes_total)` is
    called as the files are read."""
    report = VerifyReport()
    records: dict[tuple[str, int], RecordFacts] = {}
    files = warc_files(output / WARC_DIRECTORY)
    total, before = sum(path.stat().st_size for path in files), 0
    for path in files:
        report.files += 1
        read_to = None if progress is None else partial(_told, progress, before, total)
        for offset, facts in check_file(path, report, read_to).items():
            records[(path.name, offset)] = facts
        before += path.stat().st_size
        if progress is not None:
            progress(before, total)
    database = output / DATABASE_FILE
    if database.exists():
        with connect(database) as db:
            check_captures(db, records, report)
    else:
        report.problems.append(f"{database}: no such database")
    return report
