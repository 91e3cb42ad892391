"""The WARC records of one HTTP exchange, built as gzip members (warcio; pure: no files).

Built apart from the writer (`warc.py`) so that the crawl's parsing process can build a page's
records while it parses the page: the gzip compression and digests are about a fifth of the
crawl's own process otherwise. The record IDs, the date and the revisit decision come from the
writer's side in a `RecordOrder`; the same order builds the same bytes in either process.
"""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from archiver.archive.cdxj_lines import index_fields

HEAD_END = b"\r\n\r\n"
_ADDED_BY_WARCIO_FOR_REVISITS = frozenset(
    {"WARC-Refers-To-Target-URI", "WARC-Refers-To-Date", "WARC-Payload-Digest"}
)


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
class RecordOrder:
    """What the writer decided about an exchange before its records are built."""

    exchange: Exchange
    response_id: str
    request_id: str
    payload_digest: str
    prior: PriorCapture | None  # set: a revisit record instead of a response record


@dataclass(frozen=True)
class BuiltRecords:
    """An exchange's two records as gzip members, and what its index line and row need."""

    url: str
    record_type: str  # response, revisit
    record_id: str
    date: str  # WARC-Date
    payload_digest: str
    status: int | None
    content_type: str | None
    refers_to: str | None
    response_member: bytes
    request_member: bytes
    head_parsed: bool  # False: a head warcio could not parse, which cdxj-indexer reads its way
    index_mime: str | None
    index_status: str | None


def payload_digest(body: bytes) -> str:
    """sha1 in base32, the form warcio, pywb and FastWARC write and check."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def split_message(raw: bytes) -> tuple[bytes, bytes]:
    """An HTTP message's header block (with its blank line) and what follows it."""
    start = body_start(raw)
    return raw[:start], raw[start:]


def body_start(raw: bytes) -> int:
    """Where the body of an HTTP message starts (its length: a head without a blank line)."""
    end = raw.find(HEAD_END)
    return len(raw) if end < 0 else end + len(HEAD_END)


def response_status(head: bytes) -> int | None:
    parts = head.split(b"\r\n", 1)[0].split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


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


class _Members:
    """warcio's writer on a buffer: each record it writes comes out as one gzip member."""

    def __init__(self) -> None:
        self.buffer = io.BytesIO()
        self.writer = WARCWriter(self.buffer, gzip=True, warc_version="1.1")

    def member(self, record: Any) -> bytes:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.write_record(record)
        return self.buffer.getvalue()


_members = _Members()


def build_records(order: RecordOrder) -> BuiltRecords:
    """The response (or revisit) record of the exchange, then its request record."""
    exchange, prior = order.exchange, order.prior
    head, body = split_message(exchange.response)
    date = warc_date(exchange.fetched_at)
    response_headers = _RawHeaders(head, "response")
    fields = {
        "WARC-Type": "revisit" if prior else "response",
        "WARC-Record-ID": order.response_id,
        "WARC-Date": date,
        "WARC-Payload-Digest": order.payload_digest,
    }
    if exchange.ip_address:
        fields["WARC-IP-Address"] = exchange.ip_address
    if exchange.truncated:
        fields["WARC-Truncated"] = exchange.truncated
    if prior is not None:
        fields["WARC-Refers-To"] = prior.record_id
        response = _members.writer.create_revisit_record(
            exchange.url,
            digest=order.payload_digest,
            refers_to_uri=prior.url,
            refers_to_date=prior.date,
            http_headers=response_headers,
            warc_headers_dict={
                k: v for k, v in fields.items() if k not in _ADDED_BY_WARCIO_FOR_REVISITS
            },
        )
    else:
        response = _record("response", exchange.url, response_headers, body, fields)
    response_member = _members.member(response)
    request_head, request_body = split_message(exchange.request)
    request_fields = {
        "WARC-Type": "request",
        "WARC-Record-ID": order.request_id,
        "WARC-Date": date,
        "WARC-Concurrent-To": order.response_id,
        **({"WARC-IP-Address": exchange.ip_address} if exchange.ip_address else {}),
    }
    request = _record(
        "request", exchange.url, _RawHeaders(request_head, "request"), request_body, request_fields
    )
    record_type = "revisit" if prior else "response"
    index_mime, index_status = index_fields(record_type, response_headers)
    return BuiltRecords(
        url=exchange.url,
        record_type=record_type,
        record_id=order.response_id,
        date=date,
        payload_digest=order.payload_digest,
        status=response_status(head),
        content_type=response_headers.get_header("Content-Type"),
        refers_to=prior.record_id if prior else None,
        response_member=response_member,
        request_member=_members.member(request),
        head_parsed=bool(response_headers.statusline),
        index_mime=index_mime,
        index_status=index_status,
    )


def warcinfo_member(filename: str, fields: Mapping[str, str], record_id: str, date: str) -> bytes:
    record = _members.writer.create_warcinfo_record(filename, dict(fields))
    record.rec_headers.replace_header("WARC-Record-ID", record_id)
    record.rec_headers.replace_header("WARC-Date", date)
    return _members.member(record)


def _record(
    record_type: str, url: str, http_headers: _RawHeaders, body: bytes, fields: Mapping[str, str]
) -> Any:
    return _members.writer.create_warc_record(
        url,
        record_type,
        payload=io.BytesIO(body),
        length=len(body),
        warc_headers_dict=dict(fields),
        http_headers=http_headers,
    )
