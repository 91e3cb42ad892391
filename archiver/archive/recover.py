"""Pages a killed run downloaded but never saved, read back from the WARC (no Scrapy).

A run writes each response to the WARC (and `captures`) before its items reach the database,
so a run killed in between leaves archived pages whose capture is not marked `parsed`. The
next run parses them from the WARC, the source of truth, instead of fetching them again, and
stamps their rows with the time they were fetched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database
from warcio.archiveiterator import ArchiveIterator

from archiver import store, urls
from archiver.clock import iso_seconds, served_at
from archiver.items import CaptureRef, FetchedPage

# The pages whose rows are worth reading back: a post page, its ?format=light twin and its
# further comment pages. Listing pages give only links, which the next run reads afresh.
RECOVERED_KINDS = frozenset({"post"})


@dataclass(frozen=True)
class Unreadable:
    url: str
    reason: str


def unsaved_pages(
    db: Database, warc_directories: Sequence[Path], journal: str
) -> Iterator[FetchedPage | Unreadable]:
    """The journal's post pages that a run which never finished archived but did not save,
    read from the first of `warc_directories` that holds their WARC file."""
    for row in store.unparsed_responses(db, urls.journal_root(journal)):
        if urls.classify(row.url).kind not in RECOVERED_KINDS:
            continue
        fetched_at = datetime.fromisoformat(row.fetched_at.replace("Z", "+00:00"))
        store.mark_recovery_tried(db, row.capture_id)
        try:
            body, date_header = read_response(warc_directories, row)
        except Exception as error:  # a record warcio cannot read back: zlib, headers, anything
            yield Unreadable(row.url, str(error) or type(error).__name__)
            continue
        yield FetchedPage(
            url=row.url,
            journal=journal,
            body=body,
            status=row.status or 200,
            captured_at=served_at(date_header, fetched_at),
            content_type=row.content_type,
            capture=CaptureRef(row.capture_id, iso_seconds(fetched_at)),
            logged_in_as=row.logged_in_as,
        )


def read_response(
    warc_directories: Sequence[Path], capture: store.CaptureRow
) -> tuple[bytes, str | None]:
    """The page as the crawler's parser saw it (transfer and content codings undone) and the
    response's `Date` header, the clock the page's year-less dates were written by."""
    paths = [directory / capture.warc_file for directory in warc_directories]
    with open(next((path for path in paths if path.exists()), paths[0]), "rb") as stream:
        stream.seek(capture.offset)
        record = next(iter(ArchiveIterator(stream)))
        if record.rec_headers.get_header("WARC-Target-URI") != capture.url:
            raise ValueError(f"{capture.warc_file} @{capture.offset} is not {capture.url}")
        body: bytes = record.content_stream().read()
        date_header = record.http_headers.get_header("Date") if record.http_headers else None
    return body, date_header
