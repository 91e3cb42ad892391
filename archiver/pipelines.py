"""Thin item pipeline: hands every item to store.py and keeps the crawl run's counts."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy import Spider
from scrapy.crawler import Crawler

from archiver import store
from archiver.crawlplan import CrawlPlan
from archiver.items import (
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
        self.output = Path(crawler.settings.get("ARCHIVER_OUTPUT") or "output")
        self.counts: Counter[str] = Counter()
        self.widgets: dict[str, list[RecentPostItem]] = {}
        self.journals: dict[str, str] = {}
        self.db: Any = None
        self.run_id: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self, spider: Spider | None = None) -> None:
        self.output.mkdir(parents=True, exist_ok=True)
        self.db = store.open_db(self.output / "archive.db")
        names = list(self._plan(spider).journals)
        self.run_id = store.start_run(self.db, _now(), names)

    def _plan(self, spider: Spider | None) -> CrawlPlan:
        plan = getattr(spider or self.crawler.spider, "plan", None)
        if not isinstance(plan, CrawlPlan):
            raise TypeError("StorePipeline works with the journal spider only")
        return plan

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        now = _now()
        if isinstance(item, PostItem):
            self.counts[store.save_post(self.db, item, now, run_id=self.run_id)] += 1
            self.counts["posts"] += 1
        elif isinstance(item, JournalItem):
            store.save_journal(self.db, item, now)
            self.journals[item.username] = item.status
        elif isinstance(item, RecentPostItem):
            # A widget's items arrive one by one; each page's snapshot is saved at the end.
            self.widgets.setdefault(item.source_url, []).append(item)
            self.counts["widget_items"] += 1
        elif isinstance(item, CommentPolicyItem):
            store.save_comment_policy(self.db, item, now)
            self.counts["policies"] += 1
        elif isinstance(item, CommentItem):
            store.save_comment(self.db, item, now)
            self.counts["comments"] += 1
        elif isinstance(item, LockedPostItem):
            store.save_locked_post(self.db, item, now)
            self.counts["locked"] += 1
        elif isinstance(item, ErrorItem):
            store.record_error(self.db, self.run_id, item.url, item.kind, item.message, now)
            self.counts["errors"] += 1
        return item

    def close_spider(self, spider: Spider | None = None) -> None:
        now = _now()
        for items in self.widgets.values():
            store.save_recent_posts(self.db, items, now)
        stats = self.crawler.stats
        requests = int(stats.get_value("downloader/request_count", 0)) if stats else 0
        rate_limited = (
            int(stats.get_value("downloader/response_status_count/429", 0)) if stats else 0
        )
        plan = self._plan(spider)
        outcome = CrawlOutcome.decide(
            journals=plan.journals,
            statuses=plan.statuses,
            errors=self.counts["errors"],
            gave_up_rate_limited=self.counts["errors"] > 0 and rate_limited > 0,
        )
        if stats is not None:
            stats.set_value("archiver/exit_code", outcome.exit_code)
            stats.set_value("archiver/outcome", outcome.summary)
        assert self.run_id is not None
        store.finish_run(
            self.db,
            self.run_id,
            ended_at=now,
            outcome=outcome.name,
            exit_code=outcome.exit_code,
            requests=requests,
        )
        self.db.close()
