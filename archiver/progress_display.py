"""A live progress bar for a person at a terminal (`rich`): what is done of what is known, the
rate over the last minute, the errors, the time so far and the time left. Log lines are printed
above the bar, never glued onto it. Without a terminal (cron) there is no bar at all: the
callers log plain lines and print their closing tally as before."""

from __future__ import annotations

import logging
import sys
import time
from collections import deque
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

RATE_WINDOW_SECONDS = 60.0
MB = 1_000_000


class RecentRate:
    """Events a second over the last minute (the whole-run average hides a slowdown)."""

    def __init__(self, window: float = RATE_WINDOW_SECONDS) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def add(self, count: int, now: float | None = None) -> float:
        """Record the running `count` at `now`; return the rate since the oldest sample kept."""
        now = time.monotonic() if now is None else now
        self._samples.append((now, count))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window:
            self._samples.popleft()
        first_time, first_count = self._samples[0]
        seconds = now - first_time
        return (count - first_count) / seconds if seconds > 0 else 0.0


class LiveBar:
    """`with LiveBar("posts") as bar: bar.update(done, total, "12 pages/s")`; a terminal only."""

    def __init__(self, unit: str, description: str = "", stream: TextIO | None = None) -> None:
        self.console = Console(file=stream or sys.stderr, highlight=False)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            TaskProgressColumn(),
            MofNCompleteColumn(),
            TextColumn(unit),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=self.console,
            redirect_stdout=False,
            redirect_stderr=True,
            refresh_per_second=4,
        )
        self.task = self.progress.add_task(description, total=None, detail="")
        self._streams: list[tuple[logging.StreamHandler[TextIO], TextIO]] = []

    def __enter__(self) -> LiveBar:
        original = sys.stderr
        self.progress.start()
        # Handlers made before the bar (Scrapy's, the root one) hold the real stderr: send them
        # through the bar's, which prints each line above it.
        for handler in logging.getLogger().handlers:
            if isinstance(handler, logging.StreamHandler) and handler.stream is original:
                self._streams.append((handler, handler.stream))
                handler.setStream(sys.stderr)
        return self

    def update(self, done: int, total: int | None, detail: str = "") -> None:
        self.progress.update(self.task, completed=done, total=total, detail=detail)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.progress.refresh()
        self.progress.stop()
        for handler, stream in self._streams:
            handler.setStream(stream)
        self._streams.clear()
