"""`scrapy crawl`, with an exit code that tells cron how the crawl went (see exitcodes.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from archiver import exitcodes
from archiver.lock import LockHeld, output_lock
from archiver.spiders.journal import JournalSpider, journal_names


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("name one spider: scrapy crawl journal -a journal=NAME")
        if args[0] == JournalSpider.name:
            try:
                journal_names(opts.spargs.get("journal", ""), opts.spargs.get("journals", ""))
            except ValueError as error:
                raise UsageError(str(error)) from None
        assert self.crawler_process and self.settings is not None
        try:
            with output_lock(Path(self.settings.get("ARCHIVER_OUTPUT") or "output")):
                self._crawl(args[0], opts)
        except LockHeld as held:
            print(held)
            self.exitcode = exitcodes.LOCK_HELD

    def _crawl(self, spider: str, opts: argparse.Namespace) -> None:
        assert self.crawler_process
        crawler = self._create_crawler(spider)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = exitcodes.FAILED
            return
        self.exitcode = int(crawler.stats.get_value("archiver/exit_code", exitcodes.FAILED))
        summary = crawler.stats.get_value("archiver/outcome")
        if summary:
            print(summary)
