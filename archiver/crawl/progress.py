"""A live progress line on a terminal (ARCHIVER_PROGRESS, which `archiver crawl` turns on when
stderr is a terminal); under cron Scrapy's log lines and the closing summary do."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task


class ProgressExtension:
    interval = 0.5

    def __init__(self, crawler: Crawler, stream: TextIO) -> None:
        self.crawler = crawler
        self.stream = stream
        self.loop = task.LoopingCall(self.tick)
        self.started = time.monotonic()
        self.width = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressExtension:
        if not crawler.settings.getbool("ARCHIVER_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler, sys.stderr)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.loop.start(self.interval, now=True)

    def spider_closed(self, spider: Spider) -> None:
        if self.loop.running:
            self.loop.stop()
        self.tick()
        self.stream.write("\n")
        self.stream.flush()

    def tick(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)
        scheduler = getattr(slot, "scheduler", None)
        queued = len(scheduler) if scheduler is not None and hasattr(scheduler, "__len__") else 0
        line = progress_line(
            pages=int(stats.get("response_received_count", 0)),
            posts=int(stats.get("archiver/posts_saved", 0)),
            queued=queued,
            errors=int(stats.get("archiver/errors", 0)),
            seconds=time.monotonic() - self.started,
        )
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)


def progress_line(pages: int, posts: int, queued: int, errors: int, seconds: float) -> str:
    rate = pages / seconds if seconds > 0 else 0.0
    return (
        f"{pages} pages fetched, {posts} posts saved, {queued} queued, "
        f"{rate:.1f} pages/s, {errors} errors"
    )
