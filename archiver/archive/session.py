"""One crawl's open archive: the database, its crawl_runs row and the WARC writer (no Scrapy).

The crawl's archive extension opens it when the spider opens and closes it when the engine
stops; the item pipeline saves parsed rows through it and the extension records exchanges
through it, so both see the same run id and the same connection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from archiver import exitcodes, store
from archiver.archive.layout import DATABASE_FILE, WARC_DIRECTORY
from archiver.archive.unrecorded import Unrecorded, record_unrecorded
from archiver.archive.warc import DEFAULT_MAX_FILE_BYTES, WarcWriter, write_cdxj_index
from archiver.archive.warc_records import (
    BuiltRecords,
    Exchange,
    PriorCapture,
    RecordOrder,
    build_records,
)
from archiver.clock import iso_seconds, now_iso
from archiver.items import CaptureRef


class CommitFailed(Exception):
    """The last rows of a run could not be committed: the next run reads them back."""


class ArchiveSession:
    def __init__(
        self,
        output: Path,
        journals: Sequence[str],
        warcinfo: Mapping[str, str],
        *,
        warc_prefix: str = "archiver",
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        logged_in_as: str | None = None,
        commit_seconds: float = store.DEFAULT_COMMIT_SECONDS,
        seeded_from: Path | None = None,
    ) -> None:
        output.mkdir(parents=True, exist_ok=True)
        self.output = output
        self.warc_directory = output / WARC_DIRECTORY
        # A worker's output holds rows folded in from the archive (`archiver worker --archive`),
        # whose captures name the archive's WARC files: pages are read back from there too.
        self.warc_directories = (self.warc_directory,) + (
            (seeded_from / WARC_DIRECTORY,) if seeded_from else ()
        )
        self.db: Any = store.open_db(output / DATABASE_FILE)
        self.run_id = store.start_run(self.db, now_iso(), list(journals), logged_in_as)
        self.killed_runs = store.close_killed_runs(self.db, self.run_id, now_iso())
        # What a killed run wrote to the WARC after its last commit: captures rows again.
        self.unrecorded = (
            record_unrecorded(self.db, self.warc_directory, self.run_id)
            if self.killed_runs
            else Unrecorded()
        )
        self.warc = WarcWriter(
            self.warc_directory,
            {"journals": ", ".join(journals), **warcinfo},
            prefix=warc_prefix,
            max_file_bytes=max_file_bytes,
        )
        self.batch = store.WriteBatch(self.db, commit_seconds)
        self.batch.begin()

    def commit_if_due(self) -> bool:
        """Commit the rows saved in the last `commit_seconds`, if they are that old."""
        return self.batch.commit_if_due()

    def record_exchange(
        self, exchange: Exchange, *, requisite: bool = False, logged_in_as: str | None = None
    ) -> CaptureRef:
        """Write the exchange to the WARC (a revisit if its payload is archived, for a requisite
        under any URL); return its `captures` row and the time its rows are stamped with.
        `logged_in_as`: whose session the request carried (its secrets already redacted)."""
        order = self.order(exchange, requisite=requisite)
        return self.record_built(order, build_records(order), logged_in_as=logged_in_as)

    def order(self, exchange: Exchange, *, requisite: bool = False) -> RecordOrder:
        """The exchange's record IDs and revisit decision, for its records to be built."""
        return self.warc.order(exchange, self.find_any_prior if requisite else self.find_prior)

    def record_built(
        self, order: RecordOrder, built: BuiltRecords, *, logged_in_as: str | None = None
    ) -> CaptureRef:
        """Write records built from `order` (here or in the parsing process), as above."""
        stored = self.warc.write_built(built)
        capture_id = store.save_capture(
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
            logged_in_as=logged_in_as,
        )
        return CaptureRef(capture_id, iso_seconds(order.exchange.fetched_at))

    def find_prior(self, url: str, digest: str) -> PriorCapture | None:
        """The original response record of this URL with this payload, if one is archived."""
        prior = store.prior_response(self.db, url, digest)
        return PriorCapture(record_id=prior[0], url=prior[1], date=prior[2]) if prior else None

    def find_any_prior(self, url: str, digest: str) -> PriorCapture | None:
        """The same for a requisite, whose body may be archived under another URL."""
        prior = store.prior_response(self.db, url, digest, any_url=True)
        return PriorCapture(record_id=prior[0], url=prior[1], date=prior[2]) if prior else None

    def close(self) -> None:
        """Close the WARC file, commit the last rows and rebuild the index. A failed rebuild is
        an errors row and a failed run in `crawl_runs`, as the exit code says, before the error
        goes on up; a failed commit is `CommitFailed`."""
        self.warc.close()
        try:
            self.batch.commit()
        except Exception as error:
            self.db.close()
            raise CommitFailed(f"{type(error).__name__}: {error}") from error
        try:
            if self.warc.files:
                write_cdxj_index(self.warc_directory)
        except Exception as error:
            self._record_index_failure(error)
            raise
        finally:
            self.db.close()

    def _record_index_failure(self, error: Exception) -> None:
        message = f"the CDXJ index could not be rebuilt: {type(error).__name__}: {error}"
        try:
            store.record_error(self.db, self.run_id, None, "index", message, now_iso())
            store.fail_run(self.db, self.run_id, outcome="failed", exit_code=exitcodes.FAILED)
        except store.STORAGE_FAILURE:  # the exit code still says it
            pass
