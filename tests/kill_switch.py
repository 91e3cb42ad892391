"""A pipeline for tests, put before archiver's own: SIGKILLs the crawl at one chosen moment.

`KillBeforeTheFirstWidget` kills the process when the first page carrying "Recent Posts" items
reaches the pipelines: that page is in the WARC, none of its rows are saved.
It writes the page's URL to the file named by `ARCHIVER_KILL_NOTE` first. Rows are committed
every few seconds, so the database may not know of the page's capture either: its WARC records
alone are on disk.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from archiver.items import PageItems, RecentPostItem

PIPELINES = (
    '{"kill_switch.KillBeforeTheFirstWidget": 100, "archiver.crawl.pipeline.StorePipeline": 300}'
)


class KillBeforeTheFirstWidget:
    def process_item(self, item: Any, spider: Any = None) -> Any:
        widget = isinstance(item, PageItems) and any(
            isinstance(i, RecentPostItem) for i in item.items
        )
        if widget and item.capture is not None:
            Path(os.environ["ARCHIVER_KILL_NOTE"]).write_text(item.source_url or "")
            os.kill(os.getpid(), signal.SIGKILL)
        return item
