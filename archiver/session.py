"""One crawl's open archive: the database, its crawl_runs row and the WARC writer (no Scrapy).

The item pipeline saves parsed rows through it, the WARC extension records exchanges through
it, and both see the same run id and the same connection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import store
from archiver.warc import (
    DEFAULT_MAX_FILE_BYTES,
    Exchange,
    PriorCapture,
    WarcWriter,
    write_cdxj_index,
)

WARC_DIRECTORY = "warc"
DATABASE_FILE = "archive.db"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ArchiveSession:
    def __init__(
        self,
        output: Path,
        journals: Sequence[str],
        warcinfo: Mapping[str, str],
        *,
        warc_prefix: str = "archiver",
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> None:
        output.mkdir(parents=True, exist_ok=True)
        self.output = output
        self.db: Any = store.open_db(output / DATABASE_FILE)
        self.run_id = store.start_run(self.db, now_iso(), list(journals))
        self.warc = WarcWriter(
            output / WARC_DIRECTORY,
            {"journals": ", ".join(journals), **warcinfo},
            prefix=warc_prefix,
            max_file_bytes=max_file_bytes,
        )

    def record_exchange(self, exchange: Exchange) -> int:
        """Write the exchange to the WARC (a revisit if its payload is archived); return its
        `captures` id."""
        stored = self.warc.write(exchange, self.find_prior)
        return store.save_capture(
            self.db,
            url=stored.url,
            status=stored.status,
            content_type=stored.content_type,
            warc_file=stored.warc_file,
            warc_offset=stored.offset,
            warc_length=stored.length,
            record_id=stored.record_id,
            payload_digest=stored.payload_digest,
            fetched_at=stored.fetched_at,
            run_id=self.run_id,
            record_type=stored.record_type,
            refers_to=stored.refers_to,
        )

    def find_prior(self, url: str, digest: str) -> PriorCapture | None:
        """The original response record of this URL with this payload, if one is archived."""
        row = self.db.execute(
            "SELECT record_id, url, fetched_at FROM captures WHERE url = ? "
            "AND payload_digest = ? AND record_type = 'response' ORDER BY id LIMIT 1",
            [url, digest],
        ).fetchone()
        return PriorCapture(record_id=row[0], url=row[1], date=row[2]) if row else None

    def close(self) -> None:
        self.warc.close()
        if self.warc.files:
            write_cdxj_index(self.output / WARC_DIRECTORY)
        self.db.close()
