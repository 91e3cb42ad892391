"""Run the journal spider in this process and report how it went (used by the CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from archiver import exitcodes
from archiver.lock import LockHeld, output_lock


@dataclass(frozen=True)
class CrawlResult:
    exit_code: int
    summary: str
    stats: dict[str, Any]


def crawl_settings(
    output: Path, proxy: str = "", overrides: dict[str, Any] | None = None
) -> Settings:
    settings = get_project_settings()
    settings.setmodule("archiver.settings", priority="project")
    settings.set("ARCHIVER_OUTPUT", str(output), priority="cmdline")
    if proxy:
        settings.set("ARCHIVER_PROXY", proxy, priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(journals: list[str], settings: Settings) -> CrawlResult:
    try:
        with output_lock(Path(settings.get("ARCHIVER_OUTPUT"))):
            return _run_crawl(journals, settings)
    except LockHeld as held:
        return CrawlResult(exitcodes.LOCK_HELD, str(held), {})


def _run_crawl(journals: list[str], settings: Settings) -> CrawlResult:
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler("journal")
    process.crawl(crawler, journals=",".join(journals))
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    code = int(stats.get("archiver/exit_code", exitcodes.FAILED))
    return CrawlResult(code, str(stats.get("archiver/outcome", "the crawl did not finish")), stats)
