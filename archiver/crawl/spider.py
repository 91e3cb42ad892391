"""`scrapy crawl journal -a journal=NAME`: hands every event to the crawl plan, nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from archiver import PROJECT_URL, __version__, store
from archiver.archive.recover import Unreadable, unsaved_pages
from archiver.crawl.extension import archive_of
from archiver.crawl.options import login_session, media_options, plan_options
from archiver.crawl.parsing import PageParser
from archiver.crawl.requests import MEDIA_META_KEY, media_request, page_request
from archiver.crawl.responses import failure_reason, fetched_page, header
from archiver.items import PageItems
from archiver.plan.crawl_plan import CrawlPlan, Fetch, SessionLost, StartJournal, Step
from archiver.plan.failures import REDIRECT_STATUSES
from archiver.plan.journal import journal_names
from archiver.plan.media import FetchMedia

Output = scrapy.Request | PageItems


class JournalSpider(scrapy.Spider):
    name = "journal"
    plan: CrawlPlan
    parser: PageParser
    handled_statuses: list[int]

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Built here, not in settings.py, so that `-s ARCHIVER_CONTACT_URL=...` reaches it; an
        # explicit `-s USER_AGENT=...` (a higher priority) still wins.
        contact = settings.get("ARCHIVER_CONTACT_URL") or PROJECT_URL
        settings.set("USER_AGENT", f"archiver/{__version__} (+{contact})", priority="spider")

    def __init__(self, journal: str = "", journals: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.journals = journal_names(journal, journals)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> JournalSpider:
        spider: JournalSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        login = login_session(settings)
        reader = login.user if login else None
        spider.plan = CrawlPlan(
            spider.journals, plan_options(settings, reader), media_options(settings)
        )
        # Redirects come back to the spider, which asks the plan whether to follow them.
        allowed = settings.getlist("HTTPERROR_ALLOWED_CODES")
        spider.handled_statuses = [*REDIRECT_STATUSES, *allowed]
        spider.parser = PageParser(settings.getint("ARCHIVER_PARSE_PROCESSES"))
        crawler.signals.connect(spider.parser.close, signal=signals.spider_closed)
        return spider

    async def start(self) -> AsyncIterator[Output]:
        archive = archive_of(self.crawler)
        if not archive.is_open:  # the extension has said why
            return
        age = self.plan.media.options.max_age_days
        self.plan.know_media(store.archived_media(archive.session.db, age))
        for journal in list(self.plan.journals):
            for output in self._recover(journal):
                yield output
        for journal in list(self.plan.journals):
            for output in self._steps(self._start(journal)):
                yield output

    def _start(self, journal: str) -> list[Step]:
        db, logged_out = archive_of(self.crawler).session.db, self.plan.options.reader is None
        steps = self.plan.start(
            journal, store.journal_knowledge(db, journal, public_only=logged_out)
        )
        self.logger.info("%s: %s crawl", journal, self.plan.mode(journal).value)
        return steps

    def _recover(self, journal: str) -> Iterator[Output]:
        """Pages an earlier, killed run archived but did not save: parsed from the WARC."""
        session = archive_of(self.crawler).session
        for page in unsaved_pages(session.db, session.warc_directories, journal):
            if isinstance(page, Unreadable):
                self.logger.warning("cannot recover %s from the WARC: %s", page.url, page.reason)
            else:
                yield from self._steps(self.plan.on_body(page, recovered=True))

    def _steps(self, steps: Iterable[Step]) -> Iterator[Output]:
        for step in steps:
            if isinstance(step, Fetch):
                yield page_request(step, self.on_page, self.on_failure, self.handled_statuses)
            elif isinstance(step, FetchMedia):
                cap = self.plan.media.options.max_bytes
                yield media_request(step, self.on_media, self.on_media_failure, cap)
            elif isinstance(step, StartJournal):
                yield from self._steps(self._start(step.journal))
            elif isinstance(step, SessionLost):
                ends_crawl = step is self.plan.session_lost
                archive_of(self.crawler).session_lost(step, ends_crawl=ends_crawl)
            else:
                yield step

    def on_media(self, response: Response) -> Iterator[Output]:
        return self._steps(
            self.plan.media.on_answer(response.meta[MEDIA_META_KEY], fetched_page(response))
        )

    def on_media_failure(self, failure: Failure) -> Iterator[Output]:
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy's errback
        return self._steps(
            self.plan.media.on_failure(request.meta[MEDIA_META_KEY], failure_reason(failure))
        )

    async def on_page(self, response: Response) -> AsyncIterator[Output]:
        page = fetched_page(response)
        if response.status in REDIRECT_STATUSES:
            steps = self.plan.on_redirected(page, header(response, "Location") or "")
        elif not (steps := self.plan.before_parse(page)):
            archive = archive_of(self.crawler)
            page, items = await archive.parsed(page, response, self.parser)
            steps = self.plan.on_parsed(page, items)
        for output in self._steps(steps):
            yield output

    def on_failure(self, failure: Failure) -> Iterator[Output]:
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy's errback
        archive_of(self.crawler).write_held(request)
        response = getattr(failure.value, "response", None)
        reason = failure_reason(failure)
        status = response.status if response is not None else None
        return self._steps(
            self.plan.on_failure(request.url, request.meta.get("journal"), reason, status)
        )
