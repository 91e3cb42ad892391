"""Post pages a killed run downloaded but never saved, read back from the WARC (no Scrapy).

A run writes each response to the WARC (and `captures`) before its items reach the database,
so a run killed in between leaves archived pages without rows. The next run parses them from
the WARC, the source of truth, instead of fetching them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from archiver import urls


@dataclass(frozen=True)
class UnsavedCapture:
    capture_id: int
    url: str
    warc_file: str
    offset: int
    status: int
    content_type: str | None
    fetched_at: datetime


def unsaved_post_captures(db: Any, journal: str) -> list[UnsavedCapture]:
    """The journal's post pages that a run which never finished archived but did not save."""
    root = urls.journal_root(journal)
    rows = db.execute(
        "SELECT id, url, warc_file, warc_offset, status, content_type, fetched_at "
        "FROM captures c WHERE record_type = 'response' AND status = 200 "
        "AND run_id IN (SELECT id FROM crawl_runs WHERE ended_at IS NULL) "
        "AND url LIKE ? || '%.html' AND url NOT LIKE '%?%' "
        "AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.url = c.url) ORDER BY id",
        [root],
    ).fetchall()
    return [
        UnsavedCapture(
            capture_id=row[0],
            url=row[1],
            warc_file=row[2],
            offset=row[3],
            status=row[4],
            content_type=row[5],
            fetched_at=datetime.fromisoformat(row[6].replace("Z", "+00:00")),
        )
        for row in rows
        if urls.classify(row[1]).kind == "post"
    ]


def read_body(warc_directory: Path, capture: UnsavedCapture) -> bytes:
    """The page as the crawler's parser saw it: transfer and content codings undone."""
    with open(warc_directory / capture.warc_file, "rb") as stream:
        stream.seek(capture.offset)
        record = next(iter(ArchiveIterator(stream)))
        if record.rec_headers.get_header("WARC-Target-URI") != capture.url:
            raise ValueError(f"{capture.warc_file} @{capture.offset} is not {capture.url}")
        body: bytes = record.content_stream().read()
    return body
