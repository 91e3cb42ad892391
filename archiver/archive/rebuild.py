"""A database built from the WARC files alone, through the crawl's own parsers and saves.

Every response and revisit record becomes a `captures` row, as the crawl made it; each page the
crawl would have parsed (2xx and the error pages LiveJournal answers with) goes through the
crawl plan's `on_body`, and redirects through `on_redirect`, so a rename is told as a crawl
tells it; the rows are stamped with the time the record says the page was fetched. Records are
read in the order they were written, which is the order the crawl saved them, each file with a
plan of its own as each run had.

Not rebuilt, because no page says it: the crawl's bookkeeping (its runs and errors), whether a
run listed a journal whole, the posts a complete run marked gone, and the journals that could
not be reached at all.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from archiver import exitcodes, store, urls
from archiver.archive.verify import whole_records_end
from archiver.archive.warc import read_payload, warc_files
from archiver.clock import iso_seconds, now_iso, served_at
from archiver.items import CaptureRef, FetchedPage, MediaRef, PageItems
from archiver.parse.requisites import FONT, IMAGE, SCRIPT, STYLE
from archiver.plan.crawl_plan import CrawlPlan, SessionLost
from archiver.plan.failures import ANSWERED_ERROR_STATUSES, REDIRECT_STATUSES
from archiver.plan.journal import PlanOptions
from archiver.plan.media import FetchMedia

PAGE_RECORD_TYPES = ("response", "revisit")


@dataclass
class RebuildReport:
    files: int = 0
    records: int = 0
    pages: int = 0
    bytes_read: int = 0  # of the WARC files, for the progress bar
    bytes_total: int = 0
    saved: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return exitcodes.PARTIAL if self.problems else exitcodes.OK

    def lines(self) -> list[str]:
        s = self.saved
        lines = [
            f"WARC files: {self.files}; records read: {self.records}; pages parsed: {self.pages}",
            f"posts: {s['new'] + s['changed'] + s['unchanged']}; comments: {s['comments_new']}; "
            f"journals: {s['journals']}; errors rows: {s['errors']}",
        ]
        if self.problems:
            lines.append(f"SKIPPED:    {len(self.problems)} damaged records or files")
            lines += [f"  {problem}" for problem in self.problems]
        return lines


@dataclass(frozen=True)
class PageRecord:
    """A response or revisit record, with what a captures row and the parser need of it."""

    warc_file: str
    offset: int
    length: int
    record_type: str
    record_id: str
    url: str
    fetched_at: str  # the WARC-Date
    status: int | None
    headers: dict[str, str]
    payload_digest: str | None
    refers_to: str | None
    truncated: bool
    body: bytes | None  # None for a revisit: its payload is in the record it refers to
    # Whose session the crawl that wrote the file used (its warcinfo's `logged-in-as`), and so
    # whose the request carried: the session goes with https requests to LiveJournal's hosts.
    run_reader: str | None = None

    @property
    def logged_in_as(self) -> str | None:
        parts = urlsplit(self.url)
        host = (parts.hostname or "").lower()
        under_lj = host == urls.LJ_DOMAIN or host.endswith("." + urls.LJ_DOMAIN)
        return self.run_reader if parts.scheme == "https" and under_lj else None

    @property
    def fetched(self) -> datetime:
        return datetime.fromisoformat(self.fetched_at)

    def answer(self, journal: str, body: bytes, capture_id: int) -> FetchedPage:
        """The record as the crawl's plan took the live response."""
        return FetchedPage(
            url=self.url,
            journal=journal,
            body=body,
            status=self.status or 0,
            captured_at=served_at(self.headers.get("date"), self.fetched),
            content_type=self.headers.get("content-type"),
            capture=CaptureRef(capture_id, iso_seconds(self.fetched)),
        )


def save_record_capture(db: Any, record: PageRecord, run_id: int | None) -> int:
    """The record's captures row, as the crawl that wrote the record made it."""
    return store.save_capture(
        db,
        url=record.url,
        status=record.status,
        content_type=record.headers.get("content-type"),
        warc_file=record.warc_file,
        warc_offset=record.offset,
        warc_length=record.length,
        record_id=record.record_id,
        payload_digest=record.payload_digest,
        fetched_at=record.fetched_at,
        run_id=run_id,
        record_type=record.record_type,
        refers_to=record.refers_to,
        logged_in_as=record.logged_in_as,
    )


Progress = Callable[[RebuildReport], None]


def rebuild_database(
    warc_directory: Path, database: Path, progress: Progress | None = None
) -> RebuildReport:
    """Build `database` (which must not exist yet) from every WARC file in `warc_directory`."""
    if database.exists():
        raise FileExistsError(f"{database} exists: a rebuild writes a new database")
    report = RebuildReport()
    db = store.open_db(database)
    try:
        run_id = store.start_run(db, now_iso(), [])
        # Committed every few seconds, as a crawl is: a new database, written once over.
        batch = store.WriteBatch(db)
        batch.begin()
        Rebuild(db, run_id, report, progress, batch).run(warc_files(warc_directory))
        batch.commit()
        store.finish_run(
            db, run_id, ended_at=now_iso(), outcome="rebuilt", exit_code=report.exit_code
        )
    finally:
        db.close()
    return report


class Rebuild:
    def __init__(
        self,
        db: Any,
        run_id: int,
        report: RebuildReport,
        progress: Progress | None,
        batch: store.WriteBatch | None = None,
    ):
        self.db = db
        self.batch = batch
        self.run_id = run_id
        self.report = report
        self.progress = progress
        self.plan = CrawlPlan([])
        self.bodies: dict[str, tuple[str, int]] = {}  # record id -> where its payload is
        self.media_roles: dict[str, str] = {}  # requisite URL -> its role, from the pages
        self.directory = Path()

    def run(self, files: list[Path]) -> None:
        run = None
        self.report.bytes_total = sum(path.stat().st_size for path in files)
        before = 0  # bytes of the files read before this one
        for path in sorted(files, key=run_order):
            self.directory = path.parent
            self.report.files += 1
            # A plan lives as long as its run (what it saves once a run, a rename, it saves once
            # here too); a run's files share the time stamp in their names.
            fresh = run is None or run_order(path)[0] != run
            run = run_order(path)[0]
            for record in page_records(path, self.report.problems):
                if fresh:  # the run's reader is known from its first file's warcinfo
                    self.plan = CrawlPlan([], PlanOptions(reader=record.run_reader))
                    fresh = False
                self.report.records += 1
                self.report.bytes_read = before + record.offset
                self.take(record)
                if self.batch is not None:
                    self.batch.commit_if_due()
                if self.progress and self.report.records % 500 == 0:
                    self.progress(self.report)
            before += path.stat().st_size
            self.report.bytes_read = before
        if self.progress:
            self.progress(self.report)

    def take(self, record: PageRecord) -> None:
        capture_id = save_record_capture(self.db, record, self.run_id)
        if record.body is not None:
            self.bodies[record.record_id] = (record.warc_file, record.offset)
        journal = urls.classify(record.url).journal
        if urlsplit(record.url).path == "/robots.txt":  # read by Scrapy, never by the plan
            return
        if record.truncated:
            store.mark_not_recoverable(self.db, capture_id)
        elif record.status is None:
            return
        elif record.url in self.media_roles or not (journal and urls.is_valid_username(journal)):
            self.requisite(record, journal or "", capture_id)
        else:
            self.parse(record, journal, capture_id)

    def requisite(self, record: PageRecord, journal: str, capture_id: int) -> None:
        """A resource a page loaded, as the crawl's media plan took its answer."""
        body = self.body_of(record)
        if body is None:
            return
        role = self.media_roles.get(record.url) or role_by_type(record.headers.get("content-type"))
        answer = record.answer(journal, body, capture_id)
        self.follow(self.plan.media.on_answer(FetchMedia(record.url, role, journal), answer))

    def parse(self, record: PageRecord, journal: str, capture_id: int) -> None:
        status = record.status or 0
        if status in REDIRECT_STATUSES:
            location = record.headers.get("location", "")
            capture = CaptureRef(capture_id, iso_seconds(record.fetched))
            steps = self.plan.on_redirect(record.url, status, location, journal, capture)
        elif 200 <= status < 300 or status in ANSWERED_ERROR_STATUSES:
            body = self.body_of(record)
            if body is None:
                return
            steps = self.plan.on_body(record.answer(journal, body, capture_id))
            self.report.pages += 1
        else:  # a 5xx or 429 the crawl retried or gave up on: archived, never parsed
            return
        self.follow(steps)

    def follow(self, steps: Sequence[object]) -> None:
        """Save what a page gave; remember the role of every requisite it would have fetched."""
        for step in steps:
            if isinstance(step, PageItems):
                self.save(step)
                for item in step.items:
                    if isinstance(item, MediaRef):
                        self.media_roles.setdefault(item.url, item.role)
            elif isinstance(step, FetchMedia):
                self.media_roles.setdefault(step.url, step.role)
            elif isinstance(step, SessionLost) and step.capture is not None:
                # Served logged out to a logged-in run: the crawl did not save it either.
                store.mark_not_recoverable(self.db, step.capture.capture_id)

    def body_of(self, record: PageRecord) -> bytes | None:
        if record.body is not None:
            return record.body
        place = self.bodies.get(record.refers_to or "")
        if place is None:
            self.report.problems.append(
                f"{record.warc_file} @{record.offset}: a revisit of {record.url} whose "
                f"original record {record.refers_to} is not in the WARC files"
            )
            return None
        return read_payload(self.directory / place[0], place[1])

    def save(self, page: PageItems) -> None:
        seen_at = page.capture.seen_at if page.capture else now_iso()
        capture_id = page.capture.capture_id if page.capture else None
        saved = store.save_page(self.db, page.items, seen_at, capture_id=capture_id, run_id=None)
        self.report.saved.update(saved)


def replace_database(database: Path, rebuilt: Path) -> Path | None:
    """Put `rebuilt` in the place of `database`; the old one, if any, is kept beside it under a
    name with the time, its WAL folded in first. Returns where it was kept. A WAL left without
    its database is moved aside too: SQLite would replay it into the new file."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    kept = database.with_name(f"{database.name}.before-rebuild-{stamp}")
    if database.exists():
        store.fold_wal(database)
        database.rename(kept)
    for suffix in ("-wal", "-shm"):
        side = database.with_name(database.name + suffix)
        if side.exists():
            side.rename(kept.with_name(kept.name + suffix))
    rebuilt.rename(database)
    return kept if kept.exists() else None


def page_records(path: Path, problems: list[str], start: int = 0) -> Iterator[PageRecord]:
    """The file's response and revisit records in order (from offset `start`, where a record
    begins). A record whose digest is wrong is reported and skipped; where the file is damaged,
    the rest of it is reported and skipped. Where the whole records end is found by inflating
    the file's gzip members first: warcio itself passes over some damage (a bad checksum deep
    in a record) with a line on stderr."""
    whole = whole_records_end(path, start)
    size = path.stat().st_size
    if whole < size:
        problems.append(
            f"{path.name}: damaged from offset {whole} ({size - whole} bytes to the end of the "
            "file are no whole record); the records before it were read"
        )
    reader = file_reader(path) if start else None
    with open(path, "rb") as stream:
        stream.seek(start)
        records = ArchiveIterator(stream, check_digests=True)
        try:
            for record in records:
                if record.rec_type == "warcinfo":
                    reader = warcinfo_reader(record.content_stream().read())
                # warcio knows a record's place only once the record has been read to its end.
                body = record.content_stream().read() if record.rec_type == "response" else None
                records.read_to_end(record)
                offset, length = records.get_record_offset(), records.get_record_length()
                if offset + length > whole:
                    return
                if record.rec_type not in PAGE_RECORD_TYPES:
                    continue
                if record.digest_checker.passed is False:
                    damage = ", ".join(record.digest_checker.problems)
                    problems.append(f"{path.name} @{offset}: {damage}; skipped")
                    continue
                yield page_record(path.name, offset, length, record, body, reader)
        except (zlib.error, ValueError, ArchiveLoadFailed, EOFError) as error:
            if whole == size:  # damage the gzip layer did not show: say where warcio stopped
                problems.append(f"{path.name}: unreadable ({type(error).__name__}: {error})")


def file_reader(path: Path) -> str | None:
    """Whose session the crawl that wrote the file used: its first record, the warcinfo."""
    with open(path, "rb") as stream:
        try:
            first = next(iter(ArchiveIterator(stream)))
        except (StopIteration, zlib.error, ValueError, ArchiveLoadFailed, EOFError):
            return None
        if first.rec_type != "warcinfo":
            return None
        return warcinfo_reader(first.content_stream().read())


def warcinfo_reader(payload: bytes) -> str | None:
    """The `logged-in-as` field of a warcinfo record's payload, if the crawl had a session."""
    for line in payload.decode("utf-8", "replace").splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() == "logged-in-as" and value.strip():
            return value.strip()
    return None


def page_record(
    warc_file: str,
    offset: int,
    length: int,
    record: ArcWarcRecord,
    body: bytes | None,
    run_reader: str | None = None,
) -> PageRecord:
    fields = record.rec_headers
    http = record.http_headers
    return PageRecord(
        warc_file=warc_file,
        offset=offset,
        length=length,
        record_type=record.rec_type,
        record_id=fields.get_header("WARC-Record-ID"),
        url=fields.get_header("WARC-Target-URI"),
        fetched_at=fields.get_header("WARC-Date"),
        status=int(http.get_statuscode()) if http and http.get_statuscode() else None,
        headers={name.lower(): value for name, value in http.headers} if http else {},
        payload_digest=fields.get_header("WARC-Payload-Digest"),
        refers_to=fields.get_header("WARC-Refers-To"),
        truncated=bool(fields.get_header("WARC-Truncated")),
        body=body,
        run_reader=run_reader,
    )


_FILE_NAME = re.compile(r"-(\d{14,20})-(\d{5})\.warc\.gz$")


def run_order(path: Path) -> tuple[str, int, str]:
    """(the run's time stamp, the file's serial, its name): the order the crawls wrote them, and
    one stamp per run, whatever ARCHIVER_WARC_PREFIX was; a name of another shape is its own run."""
    found = _FILE_NAME.search(path.name)
    if found is None:
        return (path.name, 0, path.name)
    return (found.group(1), int(found.group(2)), path.name)


def role_by_type(content_type: str | None) -> str:
    """A requisite no page in the WARC names: its role by what it is."""
    kind = (content_type or "").casefold()
    if "css" in kind:
        return STYLE
    if "javascript" in kind or "ecmascript" in kind:
        return SCRIPT
    if "font" in kind:
        return FONT
    return IMAGE
