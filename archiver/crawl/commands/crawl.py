"""`scrapy crawl journal`, run as `archiver crawl` runs it, with an exit code for cron."""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from archiver.crawl.options import check_settings
from archiver.crawl.run import run_crawl
from archiver.plan.journal import journal_names


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args != ["journal"]:
            raise UsageError("name the spider: scrapy crawl journal -a journal=NAME")
        assert self.crawler_process is not None and self.settings is not None
        try:
            names = journal_names(opts.spargs.get("journal", ""), opts.spargs.get("journals", ""))
            check_settings(self.settings)
        except ValueError as error:
            raise UsageError(str(error)) from None
        result = run_crawl(names, self.settings, self.crawler_process)
        print(result.summary)
        self.exitcode = result.exit_code
