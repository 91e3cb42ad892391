"""WARC records a killed run wrote but whose `captures` rows it had not committed (no Scrapy).

A crawl writes each exchange to the WARC as soon as it has it (a journal page once it is parsed,
`archiver.crawl.extension`), each record with its captures row, and commits its database rows
in batches (`archiver.store.batch`), so a run killed between two commits leaves records on disk
that the database does not know. The next run gives every such response and revisit record its
captures row again, as the killed run made it (unparsed), before it plans anything: recovery
then reads the post pages among them back from the WARC (`archiver.archive.recover`), and a
later requisite with the same body is stored as a revisit of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archiver import store
from archiver.archive.rebuild import page_records, run_order, save_record_capture
from archiver.archive.warc import warc_files


@dataclass
class Unrecorded:
    captures: int = 0
    problems: list[str] = field(default_factory=list)


def record_unrecorded(db: Any, warc_directory: Path, current_run: int) -> Unrecorded:
    """captures rows for the records past the last one `captures` knows in each WARC file."""
    found = Unrecorded()
    known = store.warc_file_ends(db)
    for path in warc_files(warc_directory):
        start = known.get(path.name, 0)
        if path.stat().st_size <= start:
            continue
        run_id = store.run_started_by(db, _started(path), current_run)
        with db.atomic():
            for record in page_records(path, found.problems, start):
                capture_id = save_record_capture(db, record, run_id)
                if record.truncated:
                    store.mark_not_recoverable(db, capture_id)
                found.captures += 1
    return found


def _started(path: Path) -> str:
    """When the run that wrote the file started, at the latest: the time stamp in its name."""
    stamp = run_order(path)[0]
    try:
        moment = datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC).isoformat(timespec="seconds")
    return moment.isoformat(timespec="seconds")
