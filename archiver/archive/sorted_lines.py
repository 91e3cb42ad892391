"""Text lines gathered in any order and written out sorted, in bounded memory.

A WARC file of a large journal holds hundreds of thousands of records; its CDXJ lines, kept in
a list until the file closes, would cost the crawl 70 MB. Here at most `held_at_most` lines
are in memory: the rest wait in sorted runs, each in an anonymous temporary file, merged when
the lines are written.
"""

from __future__ import annotations

import heapq
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import IO

DEFAULT_HELD_AT_MOST = 10_000  # about 3.5 MB of CDXJ lines


class SortedLines:
    """Lines (each ending in a newline, ASCII or UTF-8 text) to be written sorted as text."""

    def __init__(self, spill_directory: Path, held_at_most: int = DEFAULT_HELD_AT_MOST) -> None:
        self.spill_directory = spill_directory
        self.held_at_most = held_at_most
        self._held: list[str] = []
        self._runs: list[IO[bytes]] = []  # anonymous files, each of sorted lines

    def add(self, line: str) -> None:
        """Raises OSError when a run cannot be spilled (a full disk)."""
        self._held.append(line)
        if len(self._held) >= self.held_at_most:
            self._spill_held()

    def write(self, target: Path) -> Path:
        """Every line added, sorted, into `target`."""
        for run in self._runs:
            run.seek(0)
        held = [line.encode("utf-8") for line in sorted(self._held)]
        with open(target, "wb") as out:
            out.writelines(heapq.merge(*self._runs, held))
        return target

    def close(self) -> None:
        """Forget the lines; the runs' files are gone with them. Never raises OSError."""
        runs, self._runs, self._held = self._runs, [], []
        for run in runs:
            _close_quietly(run)

    def _spill_held(self) -> None:
        # Kept open until the lines are written: no name, so nothing is left behind by a kill.
        run = tempfile.TemporaryFile(dir=self.spill_directory, prefix=".cdxj-")  # noqa: SIM115
        try:
            run.writelines(line.encode("utf-8") for line in sorted(self._held))
            run.flush()  # a full disk shows here, not later in close() or seek()
        except BaseException:
            _close_quietly(run)
            raise
        self._runs.append(run)
        self._held = []


def _close_quietly(run: IO[bytes]) -> None:
    with suppress(OSError):  # what its buffer still held can no longer matter
        run.close()
