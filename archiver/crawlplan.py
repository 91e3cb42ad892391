"""What a crawl of some journals should fetch next: the spider's decisions, without Scrapy."""

from __future__ import annotations

import enum
from urllib.parse import urlsplit

from archiver import urls

MAX_INDEX_SKIP = 100_000
UNAVAILABLE = frozenset({"deleted", "purged", "suspended", "blocked", "unreachable"})
FOLLOWED_KINDS = frozenset({"post", "index", "tag", "year", "day", "rss", "atom"})
PRIORITY = {"post": 30, "comments": 25, "day": 20, "year": 10, "index": 5, "tag": 0}
COMMENT_QUERY_KEYS = frozenset({"page", "thread"})


class FollowDecision(enum.Enum):
    FETCH = "fetch"
    OUTSIDE = "outside"  # another journal, another LiveJournal service, or an action endpoint
    NOT_NEEDED = "not-needed"


class CrawlPlan:
    def __init__(self, journals: list[str]) -> None:
        self.journals = list(dict.fromkeys(journals))
        self.statuses: dict[str, str] = {}
        self.posts_seen: set[str] = set()
        self._policy_requested: set[str] = set()

    def add_journal(self, name: str) -> None:
        if name not in self.journals:
            self.journals.append(name)

    def journal_seen(self, name: str, status: str) -> None:
        # The first verdict on a journal stands; a later page cannot turn "deleted" into "active".
        self.statuses.setdefault(name, status)

    def unavailable(self) -> dict[str, str]:
        return {name: s for name, s in self.statuses.items() if s in UNAVAILABLE}

    def post_seen(self, url: str) -> None:
        self.posts_seen.add(url)

    def policy_requested(self, journal: str) -> bool:
        return journal in self._policy_requested

    def mark_policy_requested(self, journal: str) -> None:
        self._policy_requested.add(journal)

    def decide(self, url: str, journal: str) -> FollowDecision:
        ref = urls.classify(url)
        if ref.journal != journal or ref.kind not in FOLLOWED_KINDS:
            return FollowDecision.OUTSIDE
        if urlsplit(url).scheme != "https":
            return FollowDecision.NOT_NEEDED
        query = set((ref.query or {}).keys())
        if ref.kind == "post":
            # Reply, edit, share and the like all live in the query; comment pages keep
            # page= or thread= only.
            return FollowDecision.FETCH if query <= COMMENT_QUERY_KEYS else FollowDecision.OUTSIDE
        if ref.kind in ("index", "tag"):
            if query - {"skip"} or ref.skip > MAX_INDEX_SKIP:
                return FollowDecision.OUTSIDE
            return FollowDecision.FETCH
        return FollowDecision.OUTSIDE if query else FollowDecision.FETCH

    def priority(self, url: str) -> int:
        ref = urls.classify(url)
        kind = ref.kind
        if kind == "post" and ref.query:
            kind = "comments"
        return PRIORITY.get(kind, 0)
