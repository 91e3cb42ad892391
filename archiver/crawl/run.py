"""The one way a crawl runs: `archiver crawl`, `archiver demo` and `scrapy crawl journal`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess, CrawlerProcessBase
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from archiver import exitcodes
from archiver.archive.lock import LockHeld, output_lock
from archiver.crawl.extension import archive_of
from archiver.plan.outcome import CrawlResult

SETTINGS_MODULE = "archiver.crawl.settings"


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
    try:
        with output_lock(Path(settings.get("ARCHIVER_OUTPUT"))):
            return _crawl(journals, process or CrawlerProcess(settings, install_root_handler=True))
    except LockHeld as held:
        return CrawlResult(exitcodes.LOCK_HELD, str(held))


def _crawl(journals: list[str], process: CrawlerProcessBase) -> CrawlResult:
    crawler = process.create_crawler("journal")
    process.crawl(crawler, journals=",".join(journals))
    process.start()
    try:
        result = archive_of(crawler).result
    except RuntimeError:  # the crawler never got as far as its extensions
        result = None
    return result or CrawlResult(exitcodes.FAILED, "the crawl did not finish")
