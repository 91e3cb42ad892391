"""One run at a time per output directory: an exclusive lock cron runs can rely on.

The lock is an `flock` on OUTPUT/.archiver.lock, so the kernel releases it whenever the process
ends, even by SIGKILL: a killed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from archiver.archive.layout import LOCK_FILE

__all__ = ["LOCK_FILE", "LockHeld", "output_lock"]


class LockHeld(RuntimeError):
    """Another run holds the output's lock."""


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    output.mkdir(parents=True, exist_ok=True)
    path = output / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(
                f"another archiver run ({_holder(fd)}) is still writing to {output}; "
                "this run did nothing"
            ) from None
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        os.pwrite(fd, f"{os.getpid()} {started}\n".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _holder(fd: int) -> str:
    """`pid 4242, started 2026-12-02 03:17 UTC`, as the holder wrote it."""
    pid, _, started = os.pread(fd, 80, 0).decode("ascii", "replace").strip().partition(" ")
    return f"pid {pid or '?'}" + (f", started {started}" if started else "")
