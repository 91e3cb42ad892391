"""Many pages' rows in one transaction, committed every few seconds (issue 14).

One transaction per page wrote every page of SQLite's B-trees and full-text index that the page
touched into the WAL again, twenty times the size of the archive over a crawl. Inside a batch
each page's `save_page` is a savepoint, so a page's rows are still saved whole or not at all;
a commit makes the batch durable. A run killed between commits loses the batch's rows, never a
page: its WARC records are on disk before its rows, and the next run gives them `captures` rows
again and reads them back (`archiver.archive.unrecorded`, `archiver.archive.recover`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

DEFAULT_COMMIT_SECONDS = 5.0


class WriteBatch:
    def __init__(
        self,
        db: Any,
        seconds: float = DEFAULT_COMMIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.db = db
        self.seconds = seconds
        self.clock = clock
        self.commits = 0
        self._opened_at: float | None = None

    @property
    def is_open(self) -> bool:
        return self._opened_at is not None and self.db.conn.in_transaction

    def begin(self) -> None:
        if not self.db.conn.in_transaction:
            self.db.execute("BEGIN")
        self._opened_at = self.clock()

    def commit(self) -> None:
        """Make everything saved since the last commit durable; the batch is closed after."""
        self._opened_at = None
        if self.db.conn.in_transaction:
            self.db.execute("COMMIT")
            self.commits += 1

    def commit_if_due(self) -> bool:
        """Commit and begin again once the batch is `seconds` old; whether it committed."""
        if self._opened_at is None or self.clock() - self._opened_at < self.seconds:
            return False
        self.commit()
        self.begin()
        return True
