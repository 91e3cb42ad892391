"""WARC/1.1 writer for raw HTTP exchanges: records, revisits, rotation (warcio; no Scrapy).

Each exchange becomes a `response` (or `revisit`) record and a `request` record, each its own
gzip member, flushed as soon as it is written so that a killed crawl leaves every finished
record readable. The HTTP blocks are the bytes that crossed the wire: warcio writes our raw
header bytes instead of re-serialising the headers it parsed.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import io
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.archive.cdxj_lines import cdxj_line
from archiver.archive.sorted_lines import SortedLines

DEFAULT_MAX_FILE_BYTES = 1_000_000_000
WARC_SUFFIX = ".warc.gz"
HEAD_END = b"\r\n\r\n"


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as bytes on the wire."""

    url: str
    request: bytes
    response: bytes
    fetched_at: datetime
    ip_address: str | None = None
    truncated: str | None = None  # WARC-Truncated reason: "disconnect", "length", ...


@dataclass(frozen=True)
class PriorCapture:
    """An earlier response record whose payload a revisit record can refer to."""

    record_id: str
    url: str
    date: str  # its WARC-Date


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


_ADDED_BY_WARCIO_FOR_REVISITS = frozenset(
    {"WARC-Refers-To-Target-URI", "WARC-Refers-To-Date", "WARC-Payload-Digest"}
)

FindPrior = Callable[[str, str], PriorCapture | None]


def payload_digest(body: bytes) -> str:
    """sha1 in base32, the form warcio, pywb and FastWARC write and check."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def split_message(raw: bytes) -> tuple[bytes, bytes]:
    """An HTTP message's header block (with its blank line) and what follows it."""
    end = raw.find(HEAD_END)
    if end < 0:
        return raw, b""
    return raw[: end + len(HEAD_END)], raw[end + len(HEAD_END) :]


class _RawHeaders(StatusAndHeaders):  # type: ignore[misc]
    """Parsed headers that serialise to the exact bytes they were parsed from."""

    def __init__(self, raw: bytes, kind: str) -> None:
        parsed = _parse_head(raw, kind)
        super().__init__(parsed.statusline, parsed.headers, parsed.protocol, parsed.total_len)
        self.headers_buff = raw

    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        pass


def _parse_head(raw: bytes, kind: str) -> StatusAndHeaders:
    verify = ["HTTP/1.0", "HTTP/1.1"] if kind == "response" else None
    try:
        return StatusAndHeadersParser(verify, verify=False).parse(io.BytesIO(raw))
    except Exception:  # a head too broken to parse is still archived as it came
        return StatusAndHeaders("", [], "")


def response_status(head: bytes) -> int | None:
    parts = head.split(b"\r\n", 1)[0].split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


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
        self._buffer = io.BytesIO()  # one record at a time, written to the file in one piece
        self._writer: WARCWriter | None = None
        # The open file's CDXJ lines, written beside it when it closes; None: cdxj-indexer
        # reads the file instead (a head it would read otherwise, a file not all ours).
        self._index_lines: SortedLines | None = None

    @property
    def current_file(self) -> Path | None:
        return self.files[-1] if self._file is not None else None

    def write(self, exchange: Exchange, find_prior: FindPrior | None = None) -> StoredRecord:
        """Append the exchange (response or revisit, then request); return the response's place."""
        self._rotate_if_full()
        head, body = split_message(exchange.response)
        digest = payload_digest(body)
        # A body cut short is kept whole as received: never a revisit of some other body.
        wanted = find_prior is not None and bool(body) and not exchange.truncated
        prior = find_prior(exchange.url, digest) if find_prior and wanted else None
        response_id = self.new_id()
        date = warc_date(exchange.fetched_at)
        response_headers = _RawHeaders(head, "response")
        fields = {
            "WARC-Type": "revisit" if prior else "response",
            "WARC-Record-ID": response_id,
            "WARC-Date": date,
            "WARC-Payload-Digest": digest,
        }
        if exchange.ip_address:
            fields["WARC-IP-Address"] = exchange.ip_address
        if exchange.truncated:
            fields["WARC-Truncated"] = exchange.truncated
        if prior is not None:
            fields.update(
                {
                    "WARC-Refers-To": prior.record_id,
                    "WARC-Refers-To-Target-URI": prior.url,
                    "WARC-Refers-To-Date": prior.date,
                }
            )
            offset, length = self._append_revisit(exchange.url, response_headers, fields)
        else:
            offset, length = self._append("response", exchange.url, response_headers, body, fields)
        if self._index_lines is not None:
            self._index_record(exchange.url, date, response_headers, fields, offset, length)
        request_head, request_body = split_message(exchange.request)
        self._append(
            "request",
            exchange.url,
            _RawHeaders(request_head, "request"),
            request_body,
            {
                "WARC-Type": "request",
                "WARC-Record-ID": self.new_id(),
                "WARC-Date": date,
                "WARC-Concurrent-To": response_id,
                **({"WARC-IP-Address": exchange.ip_address} if exchange.ip_address else {}),
            },
        )
        return StoredRecord(
            url=exchange.url,
            record_type="revisit" if prior else "response",
            warc_file=self.files[-1].name,
            offset=offset,
            length=length,
            record_id=response_id,
            payload_digest=digest,
            status=response_status(head),
            content_type=response_headers.get_header("Content-Type"),
            fetched_at=date,
            refers_to=prior.record_id if prior else None,
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None
            lines, self._index_lines = self._index_lines, None
            if lines is not None:
                # Not writable now (a full disk): cdxj-indexer reads the file instead, later.
                with suppress(OSError):
                    _replace_whole(file_index(self.files[-1]), lines.write)
                lines.close()  # raises no OSError

    def _index_record(
        self,
        url: str,
        date: str,
        headers: _RawHeaders,
        fields: Mapping[str, str],
        offset: int,
        length: int,
    ) -> None:
        assert self._index_lines is not None
        if not headers.statusline:  # a head warcio could not parse: cdxj-indexer decides
            self._forget_index()
            return
        line = cdxj_line(
            url=url,
            warc_date=date,
            record_type=fields["WARC-Type"],
            http_headers=headers,
            payload_digest=fields["WARC-Payload-Digest"],
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
        self._writer = WARCWriter(self._buffer, gzip=True, warc_version="1.1")
        self.files.append(path)
        info = self._writer.create_warcinfo_record(name, self._warcinfo_fields())
        info.rec_headers.replace_header("WARC-Record-ID", self.new_id())
        info.rec_headers.replace_header("WARC-Date", warc_date(self.now()))
        self._flush(info)

    def _warcinfo_fields(self) -> dict[str, str]:
        return {
            "software": f"archiver/{__version__} (warcio/{version('warcio')})",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            **self.warcinfo,
        }

    # ------------------------------------------------------------ records

    def _append(
        self,
        record_type: str,
        url: str,
        http_headers: _RawHeaders,
        body: bytes,
        fields: dict[str, str],
    ) -> tuple[int, int]:
        assert self._writer is not None
        if record_type != "response":
            fields = {k: v for k, v in fields.items() if k != "WARC-Payload-Digest"}
        record = self._writer.create_warc_record(
            url,
            record_type,
            payload=io.BytesIO(body),
            length=len(body),
            warc_headers_dict=fields,
            http_headers=http_headers,
        )
        return self._flush(record)

    def _append_revisit(
        self, url: str, http_headers: _RawHeaders, fields: dict[str, str]
    ) -> tuple[int, int]:
        assert self._writer is not None
        record = self._writer.create_revisit_record(
            url,
            digest=fields["WARC-Payload-Digest"],
            refers_to_uri=fields["WARC-Refers-To-Target-URI"],
            refers_to_date=fields["WARC-Refers-To-Date"],
            http_headers=http_headers,
            warc_headers_dict={
                k: v for k, v in fields.items() if k not in _ADDED_BY_WARCIO_FOR_REVISITS
            },
        )
        return self._flush(record)

    def _flush(self, record: Any) -> tuple[int, int]:
        assert self._file is not None and self._writer is not None
        offset = self._file.tell()
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.write_record(record)
        member = self._buffer.getbuffer()
        try:
            written = 0
            while written < len(member):
                written += self._file.write(member[written:]) or 0
        except BaseException:
            # No half record may stay in the file: the records after it would be unreadable.
            os.ftruncate(self._file.fileno(), offset)
            self._file.seek(offset)
            raise
        finally:
            member.release()
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
