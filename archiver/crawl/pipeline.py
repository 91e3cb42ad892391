"""Thin item pipeline: saves each page's items through `store.save_page` and finishes the run."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from functools import cached_property
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from archiver import store, urls
from archiver.clock import now_iso
from archiver.crawl.extension import ArchiveExtension, archive_of
from archiver.items import ErrorItem, PageItems
from archiver.plan.crawl_plan import CrawlPlan
from archiver.plan.deletions import DayDeletions, ListingDeletions
from archiver.plan.outcome import SAVE_FAILED, CrawlResult

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.counts: Counter[str] = Counter()
        self.storage_failure: str | None = None
        self._closing: asyncio.Future[None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        # The run is finished when the spider closes, which is when its reason is known.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(pipeline.spider_error, signal=signals.spider_error)
        return pipeline

    def spider_error(self, failure: Failure, response: Response, spider: Spider) -> None:
        """A bug while the spider handled a page (Scrapy logs it and goes on): the page is an
        errors row, never lost in silence, and its capture stays unparsed, to be read back."""
        error = failure.value
        message = f"a bug while handling the page: {type(error).__name__}: {error}"[:500]
        self.process_item(
            PageItems(
                (ErrorItem(url=response.url, kind="bug", message=message),), None, response.url
            )
        )

    @cached_property
    def archive(self) -> ArchiveExtension:
        return archive_of(self.crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, PageItems):
            raise TypeError(f"StorePipeline saves PageItems, not {type(item).__name__}")
        if self.storage_failure is not None:
            return item  # the run is stopping: nothing more can be kept
        try:
            try:
                self._save(item, item.items)
            except Exception as error:
                if store.is_storage_failure(error):
                    raise
                # The page's rows, not the database, are at fault: an errors row, and the
                # capture left unparsed so that a later run (or version) reads it back.
                self._save(item, (self._refused(item, error),), keep_capture=False)
            self.archive.session.commit_if_due()
        except store.STORAGE_FAILURE as error:
            self._stop(error)
        return item

    def _refused(self, page: PageItems, error: Exception) -> ErrorItem:
        message = f"could not save: {type(error).__name__}: {error}"[:500]
        logger.error("%s %s", page.source_url, message)
        return ErrorItem(url=page.source_url or "?", kind="save", message=message)

    def _save(self, page: PageItems, items: tuple[Any, ...], keep_capture: bool = True) -> None:
        session = self.archive.session
        seen_at = page.capture.seen_at if page.capture else now_iso()
        capture_id = page.capture.capture_id if page.capture and keep_capture else None
        saved = store.save_page(
            session.db, items, seen_at, capture_id=capture_id, run_id=session.run_id
        )
        self.counts.update(saved)
        self._stat("archiver/posts_saved", saved["new"] + saved["changed"] + saved["unchanged"])
        self._stat("archiver/errors", saved["errors"])

    def _stop(self, error: Exception) -> None:
        """A save failed for want of room or a working disk: nothing more can be kept."""
        self.storage_failure = f"{type(error).__name__}: {error}"
        logger.error("cannot write the database: %s; stopping the crawl", self.storage_failure)
        if self.crawler.engine is not None:
            self._closing = asyncio.ensure_future(
                self.crawler.engine.close_spider_async(reason=SAVE_FAILED)
            )

    def _stat(self, name: str, count: int) -> None:
        if count and self.crawler.stats is not None:
            self.crawler.stats.inc_value(name, count)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Finish the crawl run. Only a crawl that ran to its end may say what is gone."""
        if not self.archive.is_open:  # nothing was fetched, and the extension has said why
            return
        plan: CrawlPlan = getattr(spider, "plan")  # noqa: B009 - the journal spider's
        finished = reason == "finished" and self.storage_failure is None
        if finished:
            self._mark_deletions(plan)
        stats = self.crawler.stats
        requests = int(stats.get_value("downloader/request_count", 0)) if stats else 0
        answered = requests == 0 or bool(stats and stats.get_value("downloader/response_count"))
        outcome = plan.outcome(self.counts["errors"], None if finished else reason, answered)
        session = self.archive.session
        try:
            if closing := plan.closing_items(answered):
                store.save_page(session.db, closing, now_iso(), capture_id=None, run_id=None)
        except store.STORAGE_FAILURE as error:
            logger.error("cannot record the journals that gave no answer: %s", error)
        try:
            store.finish_run(
                session.db,
                session.run_id,
                ended_at=now_iso(),
                outcome=outcome.name,
                exit_code=outcome.exit_code,
                requests=requests,
            )
        except store.STORAGE_FAILURE as error:  # the next run closes it as killed
            logger.error("cannot record the end of the run: %s", error)
        self.archive.result = CrawlResult(
            outcome.exit_code, f"{self._tally(requests)}\n{outcome.summary}"
        )

    def _mark_deletions(self, plan: CrawlPlan) -> None:
        db, run_id = self.archive.session.db, self.archive.session.run_id
        for step in plan.deletions():
            if isinstance(step, DayDeletions):
                self.counts["deleted"] += store.mark_missing_posts_on_days(
                    db,
                    step.journal,
                    step.days,
                    run_id,
                    by_owner=plan.options.reader == step.journal,
                )
            elif isinstance(step, ListingDeletions):
                self._mark_listing(plan, step)

    def _mark_listing(self, plan: CrawlPlan, step: ListingDeletions) -> None:
        db, run_id = self.archive.session.db, self.archive.session.run_id
        by_owner = plan.options.reader == step.journal
        missing = store.count_missing_posts(
            db, step.journal, step.listed, step.years, by_owner=by_owner
        )
        live = store.count_missing_posts(db, step.journal, [], None, by_owner=by_owner)
        problem = plan.implausible_listing(step.journal, missing, live)
        if problem:
            root = urls.journal_root(step.journal)
            store.record_error(db, run_id, root, "listing", problem, now_iso())
            self.counts["errors"] += 1
            return
        self.counts["deleted"] += store.mark_missing_posts(
            db, step.journal, step.listed, run_id, step.years, by_owner=by_owner
        )
        store.mark_listed(db, step.journal, run_id)

    def _tally(self, requests: int) -> str:
        """The run in one line, for the log cron mails or keeps."""
        c = self.counts
        return (
            f"{requests} requests; posts: {c['new']} new, {c['changed']} changed, "
            f"{c['unchanged']} unchanged, {c['deleted']} gone; "
            f"comments: {c['comments_new']} new, {c['comments_updated']} updated; "
            f"{c['errors']} errors"
        )
