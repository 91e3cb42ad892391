"""Thin: owns the crawl's ArchiveSession and writes every downloaded exchange to the WARC.

The session opens when the spider opens and closes when the engine stops, after the pipeline
has finished the run. `response_downloaded` fires before any downloader middleware has
decompressed or otherwise changed the response, for every response including robots.txt,
redirects, retried 5xx and 4xx pages; the bytes come from the wire capture that
`archiver.crawl.wire` put in `request.meta`.

With a parsing process, a journal page that came back 200 is held until it is parsed: the parsing
process builds its records with its items, and they are written then (a fifth of the crawl's
own process otherwise). A held page whose download fails after all, or whose callback fails
before it is parsed, is written then; one that no callback takes within `ARCHIVER_HELD_SECONDS`,
then (and by the time the engine stops in any case). A logged-in crawl holds nothing: it checks
each page for its session before parsing it, and marks a logged-out page by its capture.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.internet.task import LoopingCall

from archiver import exitcodes, store
from archiver.account.session_file import LoginSession
from archiver.archive.redact import REDACTED, Redactor, warcinfo_note
from archiver.archive.session import ArchiveSession, CommitFailed
from archiver.archive.warc_records import BuiltRecords, Exchange, RecordOrder, build_records
from archiver.crawl.options import login_session
from archiver.crawl.parsing import PageParser, Parsed
from archiver.crawl.requests import MEDIA_META_KEY, PAGE_META_KEY
from archiver.crawl.wire import CAPTURE_META_KEY, WIRE_META_KEY, WireCapture
from archiver.items import CaptureRef, FetchedPage
from archiver.plan.crawl_plan import SessionLost
from archiver.plan.outcome import SAVE_FAILED, SESSION_EXPIRED, WARC_WRITE_FAILED, CrawlResult

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
LOGGED_IN_META_KEY = "archiver_logged_in_as"  # set on a request that carries the session
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Held:
    """A downloaded page whose records wait for the parsing process to build them."""

    request: Request
    exchange: Exchange
    held_at: float = field(default_factory=time.monotonic)


class ArchiveExtension:
    def __init__(
        self,
        crawler: Crawler,
        output: Path,
        warcinfo: dict[str, str],
        warc_prefix: str,
        max_file_bytes: int,
        login: LoginSession | None = None,
        commit_seconds: float = store.DEFAULT_COMMIT_SECONDS,
        seeded_from: Path | None = None,
        hold_pages: bool = False,
        held_seconds: float = 60.0,
    ) -> None:
        self.crawler = crawler
        self.hold_pages = hold_pages and login is None
        self.held_seconds = held_seconds
        self._sweeper: LoopingCall | None = None
        self._held: dict[int, _Held] = {}  # by id() of the request
        self.seeded_from = seeded_from
        self.login = login
        self.redactor = Redactor.for_values(login.secret_values if login else ())
        self.output = output
        self.warcinfo = warcinfo
        self.warc_prefix = warc_prefix
        self.max_file_bytes = max_file_bytes
        self.commit_seconds = commit_seconds
        self._committer: LoopingCall | None = None
        self.result: CrawlResult | None = None  # set by the pipeline when the run is finished
        self._session: ArchiveSession | None = None
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveExtension:
        settings = crawler.settings
        output = Path(settings.get("ARCHIVER_OUTPUT"))
        login = login_session(settings)
        warcinfo = {
            "http-header-user-agent": str(settings.get("USER_AGENT")),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            **(
                {"operator-contact": contact}
                if (contact := settings.get("ARCHIVER_CONTACT_URL"))
                else {}
            ),
            "crawl-settings": json.dumps(
                {name: _shown(name, settings.get(name)) for name in WARCINFO_SETTINGS},
                sort_keys=True,
            ),
        }
        if login is not None:
            warcinfo["logged-in-as"] = login.user
            warcinfo["redacted"] = warcinfo_note()
        extension = cls(
            crawler,
            output,
            warcinfo,
            settings.get("ARCHIVER_WARC_PREFIX"),
            settings.getint("ARCHIVER_WARC_MAX_BYTES"),
            login,
            settings.getfloat("ARCHIVER_COMMIT_SECONDS"),
            Path(seeded) if (seeded := settings.get("ARCHIVER_SEEDED_FROM")) else None,
            hold_pages=settings.getint("ARCHIVER_PARSE_PROCESSES") > 0,
            held_seconds=settings.getfloat("ARCHIVER_HELD_SECONDS"),
        )
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        crawler.signals.connect(extension.response_downloaded, signal=signals.response_downloaded)
        crawler.signals.connect(extension.spider_error, signal=signals.spider_error)
        return extension

    @property
    def session(self) -> ArchiveSession:
        if self._session is None:
            raise RuntimeError("the archive is open only while the spider runs")
        return self._session

    @property
    def is_open(self) -> bool:
        return self._session is not None

    @property
    def reader(self) -> str | None:
        """The account whose session the crawl uses; None: it crawls logged out."""
        return self.login.user if self.login else None

    def stop(self, reason: str) -> None:
        """Close the spider with `reason` (the plan's outcome reads it)."""
        if self.crawler.engine is not None and self._closing is None:
            self._closing = asyncio.ensure_future(
                self.crawler.engine.close_spider_async(reason=reason)
            )

    def session_lost(self, lost: SessionLost, *, ends_crawl: bool) -> None:
        """A page that came back logged out is not read back from the WARC by a later run; the
        first such page ends the crawl."""
        if lost.capture is not None:
            store.mark_not_recoverable(self.session.db, lost.capture.capture_id)
        if ends_crawl and self.crawler.engine is not None:
            logger.error("%s came back logged out: the session has ended", lost.url)
            self.stop(SESSION_EXPIRED)

    def spider_opened(self, spider: Spider) -> None:
        try:
            self._session = ArchiveSession(
                self.output,
                list(getattr(spider, "journals", [])),
                self.warcinfo,
                warc_prefix=self.warc_prefix,
                max_file_bytes=self.max_file_bytes,
                logged_in_as=self.reader,
                commit_seconds=self.commit_seconds,
                seeded_from=self.seeded_from,
            )
            self._tell_unrecorded(self._session)
            if self.commit_seconds > 0:
                self._committer = LoopingCall(self._commit_due)
                self._committer.start(self.commit_seconds / 2, now=False)
            if self.hold_pages:
                self._sweeper = LoopingCall(self._write_overdue)
                self._sweeper.start(max(0.1, self.held_seconds / 2), now=False)
        except Exception as error:  # a WARC directory that is a file, a database gone bad
            logger.error("cannot open the archive in %s: %s", self.output, error)
            self.result = CrawlResult(
                exitcodes.FAILED,
                f"the archive in {self.output} could not be opened "
                f"({type(error).__name__}: {error}); nothing was fetched",
            )
            if self.crawler.engine is not None:
                self._closing = asyncio.ensure_future(
                    self.crawler.engine.close_spider_async(reason="archive_not_opened")
                )

    def _tell_unrecorded(self, session: ArchiveSession) -> None:
        """What a killed run left in the WARC files without its rows: found again, or not."""
        found = session.unrecorded
        if found.captures:
            logger.info("%d records a killed run left unrecorded: read back", found.captures)
        for problem in found.problems:
            logger.warning("after a killed run: %s", problem)

    def _write_overdue(self) -> None:
        """Pages held longer than `held_seconds` are written, unparsed."""
        if self._session is None:
            return
        overdue = time.monotonic() - self.held_seconds
        for held in [held for held in self._held.values() if held.held_at < overdue]:
            self.write_held(held.request)

    def _commit_due(self) -> None:
        """Rows saved more than `commit_seconds` ago are committed, between two pages."""
        if self._session is None:
            return
        try:
            self._session.commit_if_due()
        except store.STORAGE_FAILURE as error:
            logger.error("cannot write the database: %s; stopping the crawl", error)
            self.stop(SAVE_FAILED)

    def engine_stopped(self) -> None:
        for loop in (self._committer, self._sweeper):
            if loop is not None and loop.running:
                loop.stop()
        if self._session is None:
            return
        unwritten = [
            h.request.url for h in list(self._held.values()) if not self.write_held(h.request)
        ]
        if unwritten:
            told = self.result.summary + "\n" if self.result else ""
            self.result = CrawlResult(
                exitcodes.FAILED,
                f"{told}{len(unwritten)} downloaded page(s) could not be written to the WARC, "
                f"{unwritten[0]} first; the next run fetches them again",
            )
        try:
            self._session.close()
        except CommitFailed as error:
            logger.error("cannot commit the last rows: %s", error)
            told = self.result.summary + "\n" if self.result else ""
            self.result = CrawlResult(
                exitcodes.FAILED,
                f"{told}the last rows could not be written to the database ({error}); the next "
                "run reads their pages back from the WARC files",
            )
        except Exception as error:  # a damaged WARC file the indexer cannot read, a full disk
            logger.error("cannot rebuild the CDXJ index: %s", error)
            told = self.result.summary + "\n" if self.result else ""
            self.result = CrawlResult(
                exitcodes.FAILED,
                f"{told}the CDXJ index could not be rebuilt ({type(error).__name__}: {error}); "
                "`archiver verify` names the damaged file and `archiver verify --repair` "
                "moves its damaged tail aside",
            )
        finally:
            self._session = None

    def response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        wire = request.meta.get(WIRE_META_KEY)
        if not isinstance(wire, WireCapture):
            logger.error("no wire capture for %s: it is not in the WARC", request.url)
            self._stat("archiver/warc/missing")
            return
        ip_address = str(response.ip_address) if response.ip_address else None
        if self.hold_pages and response.status == 200 and request.meta.get(PAGE_META_KEY):
            self.write_held(request)  # the same request downloaded again: its first answer
            self._held[id(request)] = _Held(request, self._exchange(request, wire, ip_address))
            del request.meta[WIRE_META_KEY]  # its bytes are the exchange's now: one copy
            return
        try:
            request.meta[CAPTURE_META_KEY] = self.record(request, wire, ip_address)
        except Exception as error:  # a full disk, a lost directory: nothing more can be kept
            self._write_failed(request, error)

    def spider_error(self, failure: object, response: Response, spider: Spider) -> None:
        """A bug in the page's callback: its page is archived all the same."""
        if response.request is not None:
            self.write_held(response.request)

    def _write_failed(self, request: Request, error: Exception) -> None:
        logger.error("cannot write %s to the WARC: %s; stopping the crawl", request.url, error)
        if self.crawler.stats is not None:
            self.crawler.stats.set_value("archiver/warc/failed", str(error))
        if self.crawler.engine is not None and self.crawler.engine.running:
            self._closing = asyncio.ensure_future(
                self.crawler.engine.close_spider_async(reason=WARC_WRITE_FAILED)
            )

    def record(
        self, request: Request, wire: WireCapture, ip_address: str | None, truncated: str = ""
    ) -> CaptureRef:
        exchange = self._exchange(request, wire, ip_address, truncated)
        self._stat("archiver/warc/records")
        capture = self.session.record_exchange(
            exchange,
            requisite=MEDIA_META_KEY in request.meta,
            logged_in_as=request.meta.get(LOGGED_IN_META_KEY),
        )
        if truncated:
            store.mark_not_recoverable(self.session.db, capture.capture_id)
        return capture

    def _exchange(
        self, request: Request, wire: WireCapture, ip_address: str | None, truncated: str = ""
    ) -> Exchange:
        return Exchange(
            url=request.url,
            request=self.redactor.head(bytes(wire.sent)),
            response=self.redactor.head(bytes(wire.received)),
            fetched_at=datetime.now(UTC),
            ip_address=ip_address,
            truncated=truncated or None,
        )

    async def parsed(
        self, page: FetchedPage, response: Response, parser: PageParser
    ) -> tuple[FetchedPage, Parsed]:
        """The page's items, and the page with its capture: a held page's records are built
        with its items and written now, before anything is saved from it."""
        held = self._held.pop(id(response.request), None) if response.request else None
        self.hold_pages = self.hold_pages and parser.builds_records  # none once its worker died
        if held is None:
            return page, await parser.parse(page)
        order = self._order(held)
        built = None
        try:
            items, built = await parser.parse_building(page, order)
        finally:  # a page whose parsing failed or was cancelled is still archived
            capture = self._write(held, order, built)
        return replace(page, capture=capture), items

    def write_held(self, request: Request) -> bool:
        """A held page that will not be parsed (its download failed after all): written now.
        False: it was held and could not be written (the crawl is stopping, and says why)."""
        if (held := self._held.pop(id(request), None)) is None:
            return True
        return self._write(held, self._order(held), None) is not None

    def _order(self, held: _Held) -> RecordOrder | None:
        try:
            return self.session.order(held.exchange)
        except Exception as error:  # the database or the disk has failed: the crawl stops
            self._write_failed(held.request, error)
            return None

    def _write(
        self, held: _Held, order: RecordOrder | None, built: BuiltRecords | None
    ) -> CaptureRef | None:
        if order is None:  # the crawl is stopping, and says why
            return None
        try:
            capture = self.session.record_built(order, built or build_records(order))
        except Exception as error:  # a full disk, a lost directory: nothing more can be kept
            self._write_failed(held.request, error)
            return None
        self._stat("archiver/warc/records")
        if built is not None:
            self._stat("archiver/warc/built_by_parser")
        held.request.meta[CAPTURE_META_KEY] = capture
        return capture

    def _stat(self, name: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(name)


def _shown(name: str, value: object) -> object:
    """A setting as warcinfo tells it: a proxy URL without the password it may carry."""
    if name != "ARCHIVER_PROXY" or not isinstance(value, str) or "@" not in value:
        return value
    parts = urlsplit(value)
    host = parts.hostname or ""
    netloc = f"{parts.username}:{REDACTED}@{host}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


def archive_of(crawler: Crawler) -> ArchiveExtension:
    """The crawl's archive extension, through which the spider and pipeline reach the session."""
    manager = getattr(crawler, "extensions", None)
    for extension in getattr(manager, "middlewares", ()):
        if isinstance(extension, ArchiveExtension):
            return extension
    raise RuntimeError("archiver.crawl.extension.ArchiveExtension is not in EXTENSIONS")
