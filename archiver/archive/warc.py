"""WARC/1.1 writer for raw HTTP exchanges: records, revisits, rotation (warcio; no Scrapy).

Each exchange becomes a `response` (or `revisit`) record and a `request` record, each its own
gzip member, flushed as soon as it is written so that a killed crawl leaves every finished
record readable. The HTTP blocks are the bytes that crossed the wire: warcio writes our raw
header bytes instead of re-serialising the headers it parsed. The records themselves are built
in `warc_records.py`, here or in the crawl's parsing process; the writer decides their IDs and
whether a response is a revisit, and appends them.
"""

from __future__ import annotations

import heapq
import os
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator

from archiver import __version__
from archiver.archive.cdxj_lines import cdxj_line
from archiver.archive.sorted_lines import SortedLines
from archiver.archive.warc_records import (
    BuiltRecords,
    Exchange,
    PriorCapture,
    RecordOrder,
    build_records,
    new_record_id,
    payload_digest,
    split_message,
    warc_date,
    warcinfo_member,
)

DEFAULT_MAX_FILE_BYTES = 1_000_000_000
WARC_SUFFIX = ".warc.gz"


@dataclass(frozen=True)
class StoredRecord:
    """Where a response or revisit record was written, and what it holds."""

    url: str
    record_type: str  # response, revisit
    warc_file: str  # file name inside the WARC directory
    offset: int
    length: int  # bytes of the gzip member
    record_id: str
    payload_digest: str
    status: int | None
    content_type: str | None
    fetched_at: str
    refers_to: str | None = None


FindPrior = Callable[[str, str], PriorCapture | None]


class WarcWriter:
    """Writes exchanges into `{prefix}-{timestamp}-{serial}.warc.gz` files under `directory`."""

    def __init__(
        self,
        directory: Path,
        warcinfo: Mapping[str, str],
        *,
        prefix: str = "archiver",
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        new_id: Callable[[], str] = new_record_id,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.directory = directory
        self.warcinfo = dict(warcinfo)
        self.prefix = prefix
        self.max_file_bytes = max_file_bytes
        self.new_id = new_id
        self.now = now
        self.serial = 0
        self.stamp = now().astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
        self.files: list[Path] = []
        self._file: IO[bytes] | None = None
        # The open file's CDXJ lines, written beside it when it closes; None: cdxj-indexer
        # reads the file instead (a head it would read otherwise, a file not all ours).
        self._index_lines: SortedLines | None = None

    @property
    def current_file(self) -> Path | None:
        return self.files[-1] if self._file is not None else None

    def write(self, exchange: Exchange, find_prior: FindPrior | None = None) -> StoredRecord:
        """Append the exchange (response or revisit, then request); return the response's place."""
        return self.write_built(build_records(self.order(exchange, find_prior)))

    def order(self, exchange: Exchange, find_prior: FindPrior | None = None) -> RecordOrder:
        """The IDs of the exchange's records, and whether its response is a revisit."""
        # Files turn here, not when the records are written: a new file's warcinfo record comes
        # first, and its ID too; records ordered before a turn may follow it into the new file.
        self._rotate_if_full()
        body = split_message(exchange.response)[1]
        digest = payload_digest(body)
        # A body cut short is kept whole as received: never a revisit of some other body.
        wanted = find_prior is not None and bool(body) and not exchange.truncated
        prior = find_prior(exchange.url, digest) if find_prior and wanted else None
        return RecordOrder(exchange, self.new_id(), self.new_id(), digest, prior)

    def write_built(self, built: BuiltRecords) -> StoredRecord:
        """Append records built from one of this writer's orders, here or in another process."""
        if self._file is None:
            self._open_next()
        offset, length = self._append(built.response_member)
        if self._index_lines is not None:
            self._index_record(built, offset, length)
        self._append(built.request_member)
        return StoredRecord(
            url=built.url,
            record_type=built.record_type,
            warc_file=self.files[-1].name,
            offset=offset,
            length=length,
            record_id=built.record_id,
            payload_digest=built.payload_digest,
            status=built.status,
            content_type=built.content_type,
            fetched_at=built.date,
            refers_to=built.refers_to,
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            lines, self._index_lines = self._index_lines, None
            if lines is not None:
                # Not writable now (a full disk): cdxj-indexer reads the file instead, later.
                with suppress(OSError):
                    _replace_whole(file_index(self.files[-1]), lines.write)
                lines.close()  # raises no OSError

    def _index_record(self, built: BuiltRecords, offset: int, length: int) -> None:
        assert self._index_lines is not None
        if not built.head_parsed:  # a head warcio could not parse: cdxj-indexer decides
            self._forget_index()
            return
        line = cdxj_line(
            url=built.url,
            warc_date=built.date,
            record_type=built.record_type,
            mime=built.index_mime,
            status=built.index_status,
            payload_digest=built.payload_digest,
            offset=offset,
            length=length,
            filename=self.files[-1].name,
        )
        try:
            self._index_lines.add(line)
        except OSError:  # no room for its sorted runs: cdxj-indexer reads the file, later
            self._forget_index()

    def _forget_index(self) -> None:
        if self._index_lines is not None:
            self._index_lines.close()
            self._index_lines = None

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ files

    def _rotate_if_full(self) -> None:
        if self._file is not None and self._file.tell() >= self.max_file_bytes:
            self.close()
        if self._file is None:
            self._open_next()

    def _open_next(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{self.prefix}-{self.stamp}-{self.serial:05d}{WARC_SUFFIX}"
        self.serial += 1
        path = self.directory / name
        # Unbuffered: a record is either in the file whole or, after a failed write, cut away.
        self._file = open(path, "ab", buffering=0)  # noqa: SIM115 - kept open across records
        self._index_lines = SortedLines(self.directory) if self._file.tell() == 0 else None
        self.files.append(path)
        info = warcinfo_member(name, self._warcinfo_fields(), self.new_id(), warc_date(self.now()))
        self._append(info)

    def _warcinfo_fields(self) -> dict[str, str]:
        return {
            "software": f"archiver/{__version__} (warcio/{version('warcio')})",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            **self.warcinfo,
        }

    def _append(self, member: bytes) -> tuple[int, int]:
        """Write one gzip member at the end of the file: its offset and length."""
        assert self._file is not None
        offset = self._file.tell()
        view = memoryview(member)
        try:
            written = 0
            while written < len(member):
                written += self._file.write(view[written:]) or 0
        except BaseException:
            # No half record may stay in the file: the records after it would be unreadable.
            os.ftruncate(self._file.fileno(), offset)
            self._file.seek(offset)
            raise
        return offset, written


CDXJ_INDEX = "index.cdxj"
FILE_INDEX_SUFFIX = ".cdxj"  # OUTPUT/warc/NAME.warc.gz.cdxj, one WARC file's index


def read_payload(path: Path, offset: int) -> bytes:
    """The body of the record at `offset`, transfer and content codings undone."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        record = next(iter(ArchiveIterator(stream)))
        payload: bytes = record.content_stream().read()
    return payload


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob(f"*{WARC_SUFFIX}"))


def index_warcs(warcs: Sequence[Path], target: Path, root: Path | None = None) -> Path:
    """A sorted CDXJ index of `warcs` (cdxj-indexer); `filename` fields relative to `root`."""
    from cdxj_indexer.main import write_cdx_index

    options: dict[str, Any] = {"sort": True}
    if root is not None:
        options["dir_root"] = str(root)
    write_cdx_index(str(target), [str(path) for path in warcs], options)
    return target


def file_index(warc: Path) -> Path:
    """NAME.warc.gz.cdxj beside the file: that file's own sorted CDXJ lines."""
    return warc.with_name(warc.name + FILE_INDEX_SUFFIX)


def write_cdxj_index(directory: Path) -> Path:
    """(Re)write `index.cdxj` beside the WARC files: one sorted CDXJ line per capture.

    Each WARC file has an index of its own, written by the writer as it closes the file
    (`cdxj_lines.py`), else here by cdxj-indexer (a killed run's file; again only if the file
    changed since: a repair cut its tail), so a run indexes only the files it wrote;
    `index.cdxj` is those indexes merged, which reads text, not WARC records."""
    indexes = []
    for warc in warc_files(directory):
        own = file_index(warc)
        if not own.exists() or own.stat().st_mtime_ns < warc.stat().st_mtime_ns:
            _replace_whole(own, partial(index_warcs, [warc], root=directory))
        indexes.append(own)
    return _replace_whole(directory / CDXJ_INDEX, partial(_merge_lines, indexes))


def _merge_lines(indexes: Sequence[Path], target: Path) -> Path:
    """The sorted union of sorted files' lines (cdxj-indexer sorts its lines as text)."""
    with ExitStack() as stack:
        sources = [stack.enter_context(open(path, "rb")) for path in indexes]
        with open(target, "wb") as out:
            out.writelines(heapq.merge(*sources))
    return target


def _replace_whole(target: Path, write: Callable[[Path], Path]) -> Path:
    """`write` a file beside `target`, then put it in `target`'s place: never half-written."""
    half = target.with_name(target.name + ".partial")
    try:
        write(half)
    except BaseException:
        half.unlink(missing_ok=True)  # the file that was there stays, whole
        raise
    half.replace(target)
    return target
