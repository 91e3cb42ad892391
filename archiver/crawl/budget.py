"""One politeness budget for LiveJournal, shared by every worker: `ARCHIVER_SITE_RATE` requests
a second to its hosts in total, counted in Redis (`ARCHIVER_BUDGET_REDIS`) with `limits`.

Each wall-clock second has a counter of its own (a fixed window named after the second), so N
workers together never release more than the budget in any second. A request is never released
in the last `GUARD_SECONDS` of a second: one released then could reach LiveJournal in the next
second, which has its whole budget of its own. The workers' clocks are assumed to agree (NTP).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any
from urllib.parse import urlsplit

from limits import RateLimitItemPerSecond
from limits.storage import RedisStorage
from limits.strategies import FixedWindowRateLimiter
from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured

from archiver.crawl.extension import archive_of
from archiver.plan.outcome import BUDGET_LOST

logger = logging.getLogger(__name__)

GUARD_SECONDS = 0.05
BUDGETED_SUFFIXES = (".livejournal.com", ".livejournal.net")
_NAMESPACE = "archiver-site-budget"


class BudgetLost(IgnoreRequest):
    """Redis, which holds the shared budget, could not be reached."""


def is_budgeted(host: str) -> bool:
    return any(host == s[1:] or host.endswith(s) for s in BUDGETED_SUFFIXES)


class SiteBudget:
    """The shared counter: `take()` waits until this second's budget has room, and takes one."""

    def __init__(self, redis_url: str, rate: int, clock: Any = time.time) -> None:
        self.item = RateLimitItemPerSecond(rate, 2)  # counters live two seconds, then go
        storage = RedisStorage(redis_url, socket_timeout=5.0, socket_connect_timeout=5.0)
        self.limiter = FixedWindowRateLimiter(storage)
        self.clock = clock

    def try_take(self) -> float:
        """Take one request of this second's budget; 0 if taken, else how long to wait."""
        now: float = self.clock()
        into_second = now % 1
        if into_second < 1 - GUARD_SECONDS and self.limiter.hit(
            self.item, _NAMESPACE, str(int(now))
        ):
            return 0.0
        return 1 - into_second + 0.001

    async def take(self) -> None:
        while (wait := self.try_take()) > 0:
            await asyncio.sleep(wait)


class SiteBudgetMiddleware:
    """Holds each request to LiveJournal's hosts until the shared budget lets it go."""

    def __init__(self, crawler: Crawler, budget: SiteBudget) -> None:
        self.crawler = crawler
        self.budget = budget

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteBudgetMiddleware:
        rate = crawler.settings.getint("ARCHIVER_SITE_RATE")
        redis_url = crawler.settings.get("ARCHIVER_BUDGET_REDIS")
        if rate <= 0 or not redis_url:
            raise NotConfigured  # no shared site budget (with a reason, Scrapy warns)
        return cls(crawler, SiteBudget(redis_url, rate))

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not is_budgeted(urlsplit(request.url).hostname or ""):
            return
        try:
            await self.budget.take()
        except Exception as error:  # redis' ConnectionError, TimeoutError...
            reason = f"the shared site budget in Redis could not be reached: {error}"
            logger.error("%s; the crawl stops, what it archived so far is kept", reason)
            archive_of(self.crawler).stop(BUDGET_LOST)
            raise BudgetLost(reason) from error
