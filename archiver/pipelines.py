"""Thin item pipeline: hands every item to store.py and keeps the crawl run's counts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from archiver import store
from archiver.crawlplan import CrawlPlan, Mode
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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.counts: Counter[str] = Counter()
        self.widgets: dict[str, tuple[list[RecentPostItem], int | None]] = {}
        self.journals: dict[str, str] = {}
        self.db: Any = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

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
            self.journals[item.username] = item.status
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

    def _close_listings(self, plan: CrawlPlan) -> None:
        """A run without a failure marks as deleted the posts its listings no longer show: all of
        the journal's when it listed the journal whole (and then lets the next runs read only
        the newest listings), those of the days whose calendar pages it read otherwise."""
        if self.counts["errors"] or self.run_id is None:
            return
        for journal in plan.journals:
            if plan.statuses.get(journal) != "active":
                continue
            if plan.mode(journal) is Mode.UPDATE:
                days = plan.listed_days.get(journal, {})
                marked = store.mark_missing_posts_on_days(self.db, journal, days, self.run_id)
                self.counts["deleted"] += marked
                continue
            listed = plan.listed_posts.get(journal, set())
            marked = store.mark_missing_posts(self.db, journal, listed, self.run_id)
            self.counts["deleted"] += marked
            store.mark_listed(self.db, journal, self.run_id)

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
        stats = self.crawler.stats
        requests = int(stats.get_value("downloader/request_count", 0)) if stats else 0
        plan = self._plan(spider)
        self._close_listings(plan)
        outcome = CrawlOutcome.decide(
            journals=plan.journals,
            statuses=plan.statuses,
            errors=self.counts["errors"],
            gave_up_rate_limited=self.counts["rate_limited_errors"] > 0,
        )
        if stats is not None:
            stats.set_value("archiver/exit_code", outcome.exit_code)
            stats.set_value("archiver/outcome", f"{self._tally(requests)}\n{outcome.summary}")
        assert self.run_id is not None
        store.finish_run(
            self.db,
            self.run_id,
            ended_at=now,
            outcome=outcome.name,
            exit_code=outcome.exit_code,
            requests=requests,
        )
        close_session(self.crawler)
