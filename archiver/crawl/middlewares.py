"""Thin downloader middlewares: the proxy, LiveJournal's cookies (the adult-content answer, the
user's session), patient retries after 429/503, robots.txt Crawl-delay, and responses cut short
kept in the WARC."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from protego import Protego
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import cookies
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from tldextract import TLDExtract

from archiver.account.session_file import LoginSession
from archiver.crawl.extension import LOGGED_IN_META_KEY, archive_of
from archiver.crawl.options import login_session
from archiver.crawl.wire import WIRE_META_KEY, WireCapture
from archiver.plan.backoff import RATE_LIMIT_STATUSES, truncation_reason, wait_before_retry
from archiver.urls import LJ_DOMAIN

WAITS_META_KEY = "archiver_waits"
logger = logging.getLogger(__name__)


def use_bundled_public_suffix_list() -> None:
    """Scrapy's cookie middleware would download the Public Suffix List on its first cookie.

    A crawl must contact nobody but the journal (and runs offline in tests), so it reads the
    snapshot bundled with tldextract instead.
    """
    cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


use_bundled_public_suffix_list()


class ArchiverProxyMiddleware:
    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiverProxyMiddleware:
        return cls(crawler.settings.get("ARCHIVER_PROXY") or "")

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        if self.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
        return None


# LiveJournal's adult-content notice is passed with these cookies, as its "Yes" button sets them
# for the whole site.
ADULT_COOKIES = (("adult_explicit", "1"), ("adult_concepts", "1"))


class LiveJournalCookiesMiddleware:
    """The cookies a reader's browser holds for `.livejournal.com`, on every request for one of
    its hosts: the adult-content answer, and over https the user's session (if any), marking
    the request with whose session it carries. They join whatever Scrapy's cookie jar sent
    (what LiveJournal set itself), and never enter the jar: passed with each request instead,
    the jar files them under every page's path and grows with the crawl. No plain-http request
    (old posts' `http://pics.livejournal.com` pictures) carries the session, to be read on the
    way."""

    def __init__(self, login: LoginSession | None) -> None:
        self.login = login

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LiveJournalCookiesMiddleware:
        return cls(login_session(crawler.settings))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlsplit(request.url)
        host = (parts.hostname or "").lower()
        if not (host == LJ_DOMAIN or host.endswith("." + LJ_DOMAIN)):
            return
        ours = list(ADULT_COOKIES)
        if self.login is not None and parts.scheme == "https":
            session = self.login.cookies_for(host, parts.path or "/")
            ours += [(c.name, c.value) for c in session]
            if session:
                request.meta[LOGGED_IN_META_KEY] = self.login.user
        names = {name for name, _value in ours}
        sent = (request.headers.get("Cookie") or b"").decode("latin-1")
        kept = [p.strip() for p in sent.split(";") if p.strip().partition("=")[0] not in names]
        pairs = [*(p for p in kept if p), *(f"{name}={value}" for name, value in ours)]
        request.headers["Cookie"] = "; ".join(pairs)


class PatientRetryMiddleware(RetryMiddleware):  # type: ignore[misc]
    """Scrapy's retries, but a 429 or 503 is first waited out: as long as its Retry-After says,
    or with exponential backoff when it says nothing, at most ARCHIVER_MAX_WAIT seconds, and up
    to ARCHIVER_RATE_LIMIT_RETRIES times. While any request waits the engine starts no new ones:
    LiveJournal asked the crawler to slow down.
    """

    waiting = 0
    max_waits: int
    backoff: float
    max_wait: float

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PatientRetryMiddleware:
        middleware: PatientRetryMiddleware = super().from_crawler(crawler)
        settings = crawler.settings
        middleware.max_waits = settings.getint("ARCHIVER_RATE_LIMIT_RETRIES")
        middleware.backoff = settings.getfloat("ARCHIVER_BACKOFF_SECONDS")
        middleware.max_wait = settings.getfloat("ARCHIVER_MAX_WAIT")
        return middleware

    async def process_response(  # type: ignore[override]  # Scrapy awaits coroutine methods
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if response.status not in RATE_LIMIT_STATUSES or request.meta.get("dont_retry", False):
            result: Request | Response = super().process_response(request, response)
            return result
        # Being told to wait is not a failure: it has a retry budget of its own, and a later
        # 500 on the same page still gets only RETRY_TIMES retries.
        waits = int(request.meta.get(WAITS_META_KEY, 0))
        if waits >= self.max_waits:
            logger.error(
                "gave up on %s: still %d after %d waits", request.url, response.status, waits
            )
            return response
        header = response.headers.get("Retry-After")
        await self._wait(
            wait_before_retry(
                header.decode("latin-1") if header else None,
                waits,
                datetime.now(UTC),
                base=self.backoff,
                cap=self.max_wait,
            )
        )
        retry: Request = request.replace(dont_filter=True)
        retry.meta[WAITS_META_KEY] = waits + 1
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"archiver/waited_for/{response.status}")
        return retry

    async def _wait(self, seconds: float) -> None:
        engine = self.crawler.engine
        self.waiting += 1
        if engine is not None:
            engine.pause()
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("archiver/waited_seconds", round(seconds))
        try:
            await asyncio.sleep(seconds)
        finally:
            self.waiting -= 1
            if engine is not None and self.waiting == 0:
                engine.unpause()


class CrawlDelayMiddleware:
    """Honours a robots.txt `Crawl-delay`: requests to that host start at least that many
    seconds apart (Scrapy reads robots.txt rules but not this line). The delay is read from
    the robots.txt response as it comes back, before any other request to the host goes out."""

    def __init__(self, user_agent: str) -> None:
        self.user_agent = user_agent
        self.delays: dict[str, float] = {}
        self.next_start: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        return cls(str(crawler.settings.get("USER_AGENT") or "*"))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        host = urlsplit(request.url).hostname or ""
        delay = self.delays.get(host)
        if not delay:
            return
        loop = asyncio.get_running_loop()
        start = max(loop.time(), self.next_start.get(host, 0.0))
        self.next_start[host] = start + delay
        await asyncio.sleep(start - loop.time())

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        parts = urlsplit(request.url)
        if parts.path == "/robots.txt" and response.status == 200 and parts.hostname:
            rules = Protego.parse(response.body.decode("utf-8", "replace"))
            delay = rules.crawl_delay(self.user_agent)
            if delay:
                self.delays[parts.hostname] = float(delay)
        return response


class WarcFailureRecorder:
    """A response cut short (the connection closed inside its body) still goes into the WARC,
    as received, marked `WARC-Truncated`. A connection that closed before any answer leaves
    nothing to record; the errors table has it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcFailureRecorder:
        return cls(crawler)

    def process_exception(
        self, request: Request, exception: BaseException, spider: Spider | None = None
    ) -> None:
        wire = request.meta.pop(WIRE_META_KEY, None)
        if isinstance(wire, WireCapture) and wire.received:
            archive_of(self.crawler).record(
                request, wire, None, truncated=truncation_reason(type(exception).__name__)
            )
