"""Thin item pipeline: hands every item to store.py and keeps the crawl run's counts."""

from __future__ import annotations

from collections import Counter
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler

from archiver import store, urls
from archiver.crawlplan import LISTING_PAGE_KINDS, CrawlPlan, Mode
from archiver.extensions import close_session, session_for
from archiver.items import (
    Captured,
    CommentItem,
    CommentPolicyItem,
    ErrorItem,
    JournalItem,
    LockedPostItem,
    PostItem,
    RecentPostItem,
)
from archiver.outcome import CrawlOutcome
from archiver.session import now_iso as _now

MIN_DELETIONS_CHECKED = 5  # fewer than this many deletions are always believed


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.counts: Counter[str] = Counter()
        self.widgets: dict[str, tuple[list[RecentPostItem], int | None]] = {}
        self.listing_failures: set[str] = set()  # journals a listing page of which failed
        self.db: Any = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        pipeline = cls(crawler)
        # The run is finished when the spider closes, which is when its reason is known.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self, spider: Spider | None = None) -> None:
        self._plan(spider)
        session = session_for(self.crawler)
        self.db = session.db
        self.run_id = session.run_id

    def _plan(self, spider: Spider | None) -> CrawlPlan:
        plan = getattr(spider or self.crawler.spider, "plan", None)
        if not isinstance(plan, CrawlPlan):
            raise TypeError("StorePipeline works with the journal spider only")
        return plan

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        captured = item if isinstance(item, Captured) else Captured(item, None)
        self._save(captured.item, captured.capture_id, _now())
        return item

    def _save(self, item: Any, capture_id: int | None, now: str) -> None:
        if isinstance(item, PostItem):
            outcome = store.save_post(self.db, item, now, run_id=self.run_id, capture_id=capture_id)
            self.counts[outcome] += 1
            self.counts["posts"] += 1
            self._stat("archiver/posts_saved")
        elif isinstance(item, JournalItem):
            store.save_journal(self.db, item, now, capture_id=capture_id)
        elif isinstance(item, RecentPostItem):
            # A widget's items arrive one by one; each page's snapshot is saved at the end.
            self.widgets.setdefault(item.source_url, ([], capture_id))[0].append(item)
            self.counts["widget_items"] += 1
        elif isinstance(item, CommentPolicyItem):
            store.save_comment_policy(self.db, item, now, capture_id=capture_id)
            self.counts["policies"] += 1
        elif isinstance(item, CommentItem):
            store.save_comment(self.db, item, now, capture_id=capture_id)
            self.counts["comments"] += 1
        elif isinstance(item, LockedPostItem):
            store.save_locked_post(self.db, item, now, capture_id=capture_id)
            self.counts["locked"] += 1
        elif isinstance(item, ErrorItem):
            store.record_error(self.db, self.run_id, item.url, item.kind, item.message, now)
            self.counts["errors"] += 1
            self._stat("archiver/errors")
            if item.kind == "rate-limited":
                self.counts["rate_limited_errors"] += 1
            ref = urls.classify(item.url)
            # If a listing page failed, the run cannot say which of the journal's posts are gone.
            if ref.journal and (ref.kind in LISTING_PAGE_KINDS or item.kind == "rate-limited"):
                self.listing_failures.add(ref.journal)

    def _close_listings(self, plan: CrawlPlan) -> None:
        """Mark as deleted the posts the run's listings no longer show, journal by journal, when
        every listing page of that journal was read: the days whose calendar pages an update
        run read, or every year whose calendar page a full listing read (which then lets the
        next runs read only the newest listings)."""
        if self.run_id is None:
            return
        for journal in plan.journals:
            if plan.statuses.get(journal) != "active" or journal in self.listing_failures:
                continue
            if plan.mode(journal) is Mode.UPDATE:
                days = plan.listed_days.get(journal, {})
                marked = store.mark_missing_posts_on_days(self.db, journal, days, self.run_id)
                self.counts["deleted"] += marked
                continue
            years = plan.years_read.get(journal, set())
            if years and self._deletions_plausible(journal, plan.listed_posts, years):
                listed = plan.listed_posts.get(journal, set())
                marked = store.mark_missing_posts(self.db, journal, listed, self.run_id, years)
                self.counts["deleted"] += marked
                store.mark_listed(self.db, journal, self.run_id)

    def _deletions_plausible(
        self, journal: str, listed_posts: dict[str, set[int]], years: set[int]
    ) -> bool:
        """A listing that would remove most of a journal is more likely broken than true."""
        listed = listed_posts.get(journal, set())
        missing = store.count_missing_posts(self.db, journal, listed, years)
        live = store.count_missing_posts(self.db, journal, [], None)
        share = self.crawler.settings.getfloat("ARCHIVER_MAX_DELETED_SHARE")
        if missing <= max(MIN_DELETIONS_CHECKED, share * live):
            return True
        message = (
            f"the listing of {journal} lacks {missing} of its {live} archived posts: not marked "
            "deleted (a broken listing is likelier); check the journal and run --full"
        )
        store.record_error(
            self.db, self.run_id, urls.journal_root(journal), "listing", message, _now()
        )
        self.counts["errors"] += 1
        return False

    def _stat(self, name: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(name)

    def _tally(self, requests: int) -> str:
        """The run in one line, for the log cron mails or keeps."""
        c = self.counts
        return (
            f"{requests} requests; posts: {c['new']} new, {c['changed']} changed, "
            f"{c['unchanged']} unchanged, {c['deleted']} gone; {c['comments']} comments; "
            f"{c['errors']} errors"
        )

    def close_spider(self, spider: Spider | None = None) -> None:
        now = _now()
        for items, capture_id in self.widgets.values():
            store.save_recent_posts(self.db, items, now, capture_id=capture_id)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Finish the crawl run. Only a crawl that ran to its end may say what is gone."""
        stats = self.crawler.stats
        requests = int(stats.get_value("downloader/request_count", 0)) if stats else 0
        plan = self._plan(spider)
        finished = reason == "finished"
        if finished:
            self._close_listings(plan)
        outcome = CrawlOutcome.decide(
            journals=plan.journals,
            statuses=plan.statuses,
            errors=self.counts["errors"],
            gave_up_rate_limited=self.counts["rate_limited_errors"] > 0,
            stopped_early=None if finished else reason,
        )
        if stats is not None:
            stats.set_value("archiver/exit_code", outcome.exit_code)
            stats.set_value("archiver/outcome", f"{self._tally(requests)}\n{outcome.summary}")
        assert self.run_id is not None
        store.finish_run(
            self.db,
            self.run_id,
            ended_at=_now(),
            outcome=outcome.name,
            exit_code=outcome.exit_code,
            requests=requests,
        )
        close_session(self.crawler)
