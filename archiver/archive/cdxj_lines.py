"""The CDXJ line of a record as it is written, the line cdxj-indexer would read back from it.

A run's WARC file used to be indexed at the end of the run by cdxj-indexer reading the whole
file again (about 7 % of the crawl's process, on the critical path). The writer knows every
field already: URL, date, type, HTTP head, payload digest, and the gzip member's offset and
length. `tests/test_warc_crawl.py` holds these lines to cdxj-indexer's, byte for byte; a record
whose head cdxj-indexer would read otherwise than we do leaves its file to cdxj-indexer.
"""

from __future__ import annotations

import json
import re

import surt
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import iso_date_to_timestamp

_MIME_END = re.compile(r"[;\s]")  # cdxj-indexer's RE_SPACE


def cdxj_line(
    *,
    url: str,
    warc_date: str,
    record_type: str,
    mime: str | None,
    status: str | None,
    payload_digest: str,
    offset: int,
    length: int,
    filename: str,
) -> str:
    """`urlkey timestamp {json}\\n`, the fields in cdxj-indexer's order, each left out where it
    leaves it out."""
    fields: dict[str, str] = {"url": url}
    if mime is not None:
        fields["mime"] = mime
    if status is not None:
        fields["status"] = status
    fields["digest"] = payload_digest
    fields["length"] = str(length)
    fields["offset"] = str(offset)
    fields["filename"] = filename
    return f"{_url_key(url)} {iso_date_to_timestamp(warc_date)} {json.dumps(fields)}\n"


def index_fields(record_type: str, http_headers: StatusAndHeaders) -> tuple[str | None, str | None]:
    """The `mime` and `status` of a record's line, from its HTTP head (None: left out)."""
    status = http_headers.get_statuscode() if http_headers else None
    return _mime(record_type, http_headers), status


def _mime(record_type: str, http_headers: StatusAndHeaders) -> str | None:
    if record_type == "revisit":
        return "warc/revisit"
    value: str | None = http_headers.get_header("Content-Type") if http_headers else None
    return _MIME_END.split(value, 1)[0].strip() if value else value


def _url_key(url: str) -> str:
    try:
        key: str = surt.surt(url)
    except Exception:  # cdxj-indexer keys such a URL by itself
        return url
    return key
