"""Thin: opens the crawl's ArchiveSession and writes every downloaded exchange to the WARC.

`response_downloaded` fires before any downloader middleware has decompressed or otherwise
changed the response, for every response including robots.txt, redirects, retried 5xx and
4xx pages; the bytes come from the wire capture that `archiver.wire` put in `request.meta`.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from weakref import WeakKeyDictionary

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from twisted.internet import task

from archiver.outcome import WARC_WRITE_FAILED
from archiver.session import ArchiveSession
from archiver.warc import Exchange
from archiver.wire import CAPTURE_META_KEY, WIRE_META_KEY, WireCapture

# The settings that shape what a crawl fetched, written into each WARC file's warcinfo record.
WARCINFO_SETTINGS = (
    "AUTOTHROTTLE_ENABLED",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "RETRY_TIMES",
    "ARCHIVER_PROXY",
    "ARCHIVER_WARC_MAX_BYTES",
)
logger = logging.getLogger(__name__)

_sessions: WeakKeyDictionary[Crawler, ArchiveSession] = WeakKeyDictionary()


def session_for(crawler: Crawler) -> ArchiveSession:
    """The crawl's open session, created on first use (by the pipeline, when the spider opens)."""
    session = _sessions.get(crawler)
    if session is None:
        session = _open_session(crawler)
        _sessions[crawler] = session
    return session


def close_session(crawler: Crawler) -> None:
    session = _sessions.pop(crawler, None)
    if session is not None:
        session.close()


def _open_session(crawler: Crawler) -> ArchiveSession:
    settings = crawler.settings
    plan = getattr(crawler.spider, "plan", None)
    journals = list(getattr(plan, "journals", []))
    return ArchiveSession(
        Path(settings.get("ARCHIVER_OUTPUT") or "output"),
        journals,
        {
            "http-header-user-agent": str(settings.get("USER_AGENT")),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "operator-contact": str(settings.get("ARCHIVER_CONTACT_URL")),
            "crawl-settings": json.dumps(
                {name: settings.get(name) for name in WARCINFO_SETTINGS}, sort_keys=True
            ),
        },
        warc_prefix=settings.get("ARCHIVER_WARC_PREFIX") or "archiver",
        max_file_bytes=settings.getint("ARCHIVER_WARC_MAX_BYTES"),
    )


class WarcExtension:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcExtension:
        extension = cls(crawler)
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        return extension

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        wire = request.meta.get(WIRE_META_KEY)
        if not isinstance(wire, WireCapture):
            logger.error("no wire capture for %s: it is not in the WARC", request.url)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/warc/missing")
            return
        ip_address = str(response.ip_address) if response.ip_address else None
        try:
            request.meta[CAPTURE_META_KEY] = self._record(request, wire, ip_address)
        except Exception as error:  # a full disk, a lost directory: nothing more can be kept
            logger.error("cannot write %s to the WARC: %s; stopping the crawl", request.url, error)
            if self.crawler.stats is not None:
                self.crawler.stats.set_value("archiver/warc/failed", str(error))
            if self.crawler.engine is not None:
                self._closing = asyncio.ensure_future(
                    self.crawler.engine.close_spider_async(reason=WARC_WRITE_FAILED)
                )

    def _record(
        self, request: Request, wire: WireCapture, ip_address: str | None, truncated: str = ""
    ) -> int:
        exchange = Exchange(
            url=request.url,
            request=bytes(wire.sent),
            response=bytes(wire.received),
            fetched_at=datetime.now(UTC),
            ip_address=ip_address,
            truncated=truncated or None,
        )
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("archiver/warc/records")
        return session_for(self.crawler).record_exchange(exchange)


class WarcFailureRecorder(WarcExtension):
    """Downloader middleware: a response cut short (the connection closed inside its body)
    still goes into the WARC, as received, marked `WARC-Truncated: disconnect`. A connection
    that closed before any answer leaves nothing to record; the errors table has it."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcFailureRecorder:
        return cls(crawler)

    def process_exception(
        self, request: Request, exception: BaseException, spider: Spider | None = None
    ) -> None:
        wire = request.meta.pop(WIRE_META_KEY, None)
        if isinstance(wire, WireCapture) and wire.received:
            self._record(request, wire, None, truncated=truncation_reason(exception))


def truncation_reason(exception: BaseException) -> str:
    """The WARC-Truncated value for a response cut off by `exception`."""
    name = type(exception).__name__.lower()
    if "timeout" in name:
        return "time"
    if "cancel" in name or "maxsize" in name:
        return "length"
    return "disconnect"


class ProgressExtension:
    """A live progress line on a terminal (ARCHIVER_PROGRESS, which `archiver crawl` turns on
    when stderr is a terminal); under cron Scrapy's log lines and the closing summary do."""

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
