"""The one way a crawl runs: `archiver crawl`, `archiver demo` and `scrapy crawl journal`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess, CrawlerProcessBase
from scrapy.settings import SETTINGS_PRIORITIES, Settings
from scrapy.utils.project import get_project_settings

from archiver import exitcodes
from archiver.account.session_file import SessionFileError, read_session
from archiver.archive.layout import DATABASE_FILE
from archiver.archive.lock import LockHeld, output_lock
from archiver.crawl.extension import archive_of
from archiver.crawl.options import login_session
from archiver.plan.outcome import CrawlResult
from archiver.store import reads

SETTINGS_MODULE = "archiver.crawl.settings"
# Scrapy checks no certificate by default; a crawl that carries the user's session checks
# LiveJournal's against the system's trusted roots, so the cookies go to LiveJournal alone.
VERIFYING_CONTEXT_FACTORY = "scrapy.core.downloader.contextfactory.BrowserLikeContextFactory"


def crawl_settings(
    output: Path, proxy: str = "", overrides: dict[str, Any] | None = None
) -> Settings:
    settings = get_project_settings()
    settings.setmodule(SETTINGS_MODULE, priority="project")
    settings.set("ARCHIVER_OUTPUT", str(output), priority="cmdline")
    if proxy:
        settings.set("ARCHIVER_PROXY", proxy, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(
    journals: list[str], settings: Settings, process: CrawlerProcessBase | None = None
) -> CrawlResult:
    """Crawl `journals` into the output the settings name, holding its lock; `process` is the
    one `scrapy crawl` already made, else a new one."""
    output = Path(settings.get("ARCHIVER_OUTPUT"))
    problem = _output_problem(output)
    if not problem and settings.getbool("ARCHIVER_USE_SESSION"):
        problem = _session_problem(output)
    if problem:
        return CrawlResult(exitcodes.FAILED, problem)
    verify_certificates_with_a_session(settings)
    try:
        with output_lock(output):
            return _crawl(journals, process or CrawlerProcess(settings))
    except LockHeld as held:
        then = (
            "this --full run is skipped: start it again once that run has ended"
            if settings.getbool("ARCHIVER_FULL")
            else "the next run goes on from what that one saves"
        )
        return CrawlResult(exitcodes.LOCK_HELD, f"{held} (exit {exitcodes.LOCK_HELD}); {then}")


def _output_problem(output: Path) -> str | None:
    """Why nothing can be archived into `output`, said before anything is fetched."""
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"cannot create the output directory {output}: {error.strerror or error}"
    if not os.access(output, os.W_OK):
        return f"cannot write to the output directory {output} (read-only?)"
    return reads.database_problem(output / DATABASE_FILE)


def verify_certificates_with_a_session(settings: Settings) -> None:
    """With the session and no proxy, check TLS certificates (unless `-s
    DOWNLOADER_CLIENTCONTEXTFACTORY=...` says otherwise). Through a proxy (the sample server, a
    debugging proxy that you run) the certificate is the proxy's, and is not checked."""
    name = "DOWNLOADER_CLIENTCONTEXTFACTORY"
    chosen = (settings.getpriority(name) or 0) >= SETTINGS_PRIORITIES["cmdline"]
    if settings.get("ARCHIVER_PROXY") or chosen:
        return
    if login_session(settings) is not None:
        settings.set(name, VERIFYING_CONTEXT_FACTORY, priority="cmdline")


def _session_problem(output: Path) -> str | None:
    """Why OUTPUT/.session cannot be used (unreadable, or readable by others)."""
    try:
        read_session(output)
    except SessionFileError as error:
        return str(error)
    return None


def _crawl(journals: list[str], process: CrawlerProcessBase) -> CrawlResult:
    crawler = process.create_crawler("journal")
    process.crawl(crawler, journals=",".join(journals))
    process.start()
    try:
        result = archive_of(crawler).result
    except RuntimeError:  # the crawler never got as far as its extensions
        result = None
    return result or CrawlResult(exitcodes.FAILED, "the crawl did not finish")
