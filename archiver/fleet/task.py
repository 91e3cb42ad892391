"""What a worker does with one journal: fold the archive's rows of it into its own output
(`--archive`), then run `archiver crawl JOURNAL` into that output in a fresh process (Scrapy's
reactor cannot be restarted), telling Celery how many pages it has archived as it goes."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from archiver import exitcodes
from archiver.archive.layout import DATABASE_FILE
from archiver.archive.lock import LockHeld
from archiver.archive.merge import seed_journal
from archiver.store.reads import pages_of_last_run

logger = logging.getLogger(__name__)

PROGRESS = "PROGRESS"
PROGRESS_SECONDS = 2.0
LOCK_RETRY_SECONDS = 30
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class WorkerConfig:
    output: Path
    broker: str
    name: str
    archive: Path | None = None
    proxy: str = ""
    site_rate: int = 0
    settings: tuple[str, ...] = field(default_factory=tuple)  # KEY=VALUE for `-s`

    def crawl_command(self, journal: str, full: bool) -> list[str]:
        settings = [
            f"ARCHIVER_WARC_PREFIX=archiver-{self.name}",
            *([f"ARCHIVER_SEEDED_FROM={self.archive}"] if self.archive else []),
            *(
                [f"ARCHIVER_SITE_RATE={self.site_rate}", f"ARCHIVER_BUDGET_REDIS={self.broker}"]
                if self.site_rate > 0
                else []
            ),
            *self.settings,
        ]
        return [
            *(sys.executable, "-m", "archiver.cli", "crawl", journal),
            *("--output", str(self.output)),
            *(["--full"] if full else []),
            *(["--proxy", self.proxy] if self.proxy else []),
            *(arg for setting in settings for arg in ("-s", setting)),
        ]


_config: WorkerConfig | None = None


def configure(config: WorkerConfig) -> None:
    """Set before the worker starts; its pool processes inherit it."""
    global _config
    _config = config


def crawl_journal(task: Any, journal: str, full: bool = False) -> dict[str, Any]:
    assert _config is not None, "archiver worker configures the task before it starts"
    config = _config
    if config.archive is not None:
        try:
            seeded = seed_journal(config.archive, config.output, journal)
        except LockHeld as held:  # the archive's merge, or a crawl into this output
            logger.warning("%s: %s; tried again later", journal, held)
            raise task.retry(countdown=LOCK_RETRY_SECONDS, max_retries=None) from held
        logger.info("%s: %d rows of the archive folded in first", journal, seeded.changed)
    started = time.monotonic()
    exit_code = _run_crawl(task, config, journal, full)
    if exit_code in (exitcodes.LOCK_HELD, exitcodes.OFFLINE) or exit_code < 0:
        # Another run holds the output, this machine reached nothing (its network is down: it
        # must not drain the queue), or the crawl was killed (the OOM killer, a signal): the
        # journal stays queued; its next crawl goes on from what this one saved.
        raise task.retry(countdown=LOCK_RETRY_SECONDS, max_retries=None)
    result = {
        "journal": journal,
        "worker": config.name,
        "exit_code": exit_code,
        "pages": pages_of_last_run(config.output / DATABASE_FILE),
        "seconds": round(time.monotonic() - started, 1),
    }
    if exit_code == exitcodes.BROKER_UNREACHABLE:
        # Redis went away mid-crawl: the crawl saved what it had; this worker stops.
        logger.error("%s: Redis was lost mid-crawl; the worker stops", journal)
        os.kill(os.getppid(), signal.SIGTERM)
    return result


def _run_crawl(task: Any, config: WorkerConfig, journal: str, full: bool) -> int:
    """The crawl's exit code; the crawl never outlives this call, whatever happens to it."""
    database = config.output / DATABASE_FILE
    die_with_us = partial(_die_with_parent, os.getpid())
    process = subprocess.Popen(config.crawl_command(journal, full), preexec_fn=die_with_us)
    try:
        while True:
            try:
                return process.wait(timeout=PROGRESS_SECONDS)
            except subprocess.TimeoutExpired:
                _report(task, journal, config.name, pages_of_last_run(database))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _report(task: Any, journal: str, worker: str, pages: int) -> None:
    try:
        task.update_state(
            state=PROGRESS, meta={"journal": journal, "worker": worker, "pages": pages}
        )
    except Exception as error:  # Redis away: the crawl goes on, its progress is not shown
        logger.warning("%s: progress not reported: %s", journal, error)


_LIBC = ctypes.CDLL("libc.so.6", use_errno=True)  # loaded before any fork


def _die_with_parent(parent: int) -> None:
    """The crawl dies with the worker process running it (a worker killed is a crawl killed,
    never a crawl left writing on its own)."""
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the worker died before the line above
        os._exit(1)
