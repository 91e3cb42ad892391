"""The crawl's live progress bar on a terminal (ARCHIVER_PROGRESS, which `archiver crawl` turns
on when stderr is a terminal): posts read of posts known, pages, the rate over the last minute,
errors, the time so far and left. Under cron Scrapy's log lines and the closing tally do."""

from __future__ import annotations

import logging
import sys

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from archiver.plan.tally import PostTally
from archiver.progress_display import LiveBar, RecentRate

logger = logging.getLogger(__name__)


class ProgressExtension:
    interval = 0.5

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.loop = task.LoopingCall(self.tick)
        self.rate = RecentRate()
        self.bar: LiveBar | None = None
        self.posts = PostTally()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        if not crawler.settings.getbool("ARCHIVER_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.posts = getattr(getattr(spider, "plan", None), "posts", self.posts)
        self.bar = LiveBar("posts", stream=sys.stderr).__enter__()
        self.loop.start(self.interval, now=True)

    def spider_closed(self, spider: Spider) -> None:
        if self.loop.running:
            self.loop.stop()
        if self.bar is not None:
            try:
                self.tick()
            finally:
                self.bar.__exit__(None, None, None)
                self.bar = None

    def tick(self) -> None:
        try:
            self._draw()
        except Exception as error:  # the display must never stop the crawl
            logger.debug("progress bar: %s", error)

    def _draw(self) -> None:
        if self.bar is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        pages = int(stats.get("response_received_count", 0))
        errors = int(stats.get("archiver/errors", 0))
        rate = self.rate.add(pages)
        detail = f"{pages} pages, {rate:.1f} pages/s, {errors} errors"
        self.bar.update(self.posts.done, self.posts.known or None, detail)
