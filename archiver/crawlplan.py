"""What a crawl of some journals should fetch next: the spider's decisions, without Scrapy."""

from __future__ import annotations

import enum
from urllib.parse import urlsplit

from archiver import urls
from archiver.items import JournalKnowledge

MAX_INDEX_SKIP = 100_000
UNAVAILABLE = frozenset({"deleted", "purged", "suspended", "blocked", "unreachable"})
FOLLOWED_KINDS = frozenset({"post", "index", "tag", "year", "day", "rss", "atom"})
PRIORITY = {"post": 30, "comments": 25, "day": 20, "year": 10, "index": 5, "tag": 0}
COMMENT_QUERY_KEYS = frozenset({"page", "thread"})
# The pages whose post links list the journal (a post page links other posts too: no listing).
LISTING_PAGE_KINDS = frozenset({"index", "tag", "year", "month", "day", "rss", "atom"})
NOTHING = JournalKnowledge()


class FollowDecision(enum.Enum):
    FETCH = "fetch"
    OUTSIDE = "outside"  # another journal, another LiveJournal service, or an action endpoint
    NOT_NEEDED = "not-needed"
    UNCHANGED = "unchanged"  # an archived post that shows no sign of change


class Mode(enum.Enum):
    FULL = "full"  # --full: list everything, fetch every post page
    DISCOVER = "discover"  # never listed whole: list everything, fetch what is not archived
    UPDATE = "update"  # listed before: index pages and feeds, new and changed posts only


# What a run reads in UPDATE mode: the newest posts' listings and the year pages, whose
# per-day counts show the old days that changed; those days' pages, but no tags.
UPDATE_KINDS = frozenset({"index", "rss", "atom", "year"})


def day_key(ref: urls.PageRef) -> str:
    """`YYYY-MM-DD` of a day page, the form `posts.published` starts with."""
    return f"{ref.year or 0:04d}-{ref.month or 0:02d}-{ref.day or 0:02d}"


class CrawlPlan:
    def __init__(self, journals: list[str], full: bool = False) -> None:
        self.journals = list(dict.fromkeys(journals))
        self.full = full
        self.statuses: dict[str, str] = {}
        self.knowledge: dict[str, JournalKnowledge] = {}
        self.listed_posts: dict[str, set[int]] = {}  # ditemids seen on listing pages
        self.years_read: dict[str, set[int]] = {}  # the years whose calendar page was read
        # UPDATE mode: the days listed whole this run, YYYY-MM-DD -> the ditemids shown.
        self.listed_days: dict[str, dict[str, set[int]]] = {}
        self._policy_requested: set[str] = set()
        self._recovered: set[str] = set()

    def add_journal(self, name: str) -> None:
        if name not in self.journals:
            self.journals.append(name)

    def journal_seen(self, name: str, status: str) -> None:
        # The gravest verdict stands: a feed answering "active" before the front page says
        # "deleted" (or redirects to a new name) must not let the run treat the journal as live.
        current = self.statuses.get(name)
        if current is None or (current == "active" and status != "active"):
            self.statuses[name] = status

    def unavailable(self) -> dict[str, str]:
        return {name: s for name, s in self.statuses.items() if s in UNAVAILABLE}

    def policy_requested(self, journal: str) -> bool:
        return journal in self._policy_requested

    def mark_policy_requested(self, journal: str) -> None:
        self._policy_requested.add(journal)

    def know(self, journal: str, knowledge: JournalKnowledge) -> None:
        self.knowledge[journal] = knowledge

    def mode(self, journal: str) -> Mode:
        if self.full:
            return Mode.FULL
        return Mode.UPDATE if self.knowledge.get(journal, NOTHING).listed else Mode.DISCOVER

    def post_listed(self, journal: str, url: str) -> None:
        ditemid = urls.classify(url).ditemid
        if ditemid is not None:
            self.listed_posts.setdefault(journal, set()).add(ditemid)

    def decide(self, url: str, journal: str, shown: int | None = None) -> FollowDecision:
        """Whether to fetch `url`, found on a page of `journal`, with the count the page shows
        beside it, if any: a post's comments, or a day's posts on a year page."""
        decision = self._decide_by_url(url, journal)
        if decision is not FollowDecision.FETCH:
            return decision
        ref = urls.classify(url)
        mode = self.mode(journal)
        if mode is Mode.UPDATE and ref.kind == "day":
            return self._decide_day(ref, journal, shown)
        if mode is Mode.UPDATE and ref.kind not in UPDATE_KINDS | {"post"}:
            return FollowDecision.NOT_NEEDED
        if ref.kind == "post" and not ref.query and mode is not Mode.FULL:
            return self._decide_post(url, journal, shown)
        return FollowDecision.FETCH

    def _decide_day(self, ref: urls.PageRef, journal: str, shown: int | None) -> FollowDecision:
        known = self.knowledge.get(journal, NOTHING)
        if shown is None or shown == known.day_counts.get(day_key(ref), 0):
            return FollowDecision.UNCHANGED
        return FollowDecision.FETCH

    def year_listed(self, journal: str, year: int, shown_days: list[str]) -> None:
        """A year page read in UPDATE mode: an archived day it no longer shows lost its posts."""
        shown = {day_key(urls.classify(url)) for url in shown_days}
        days = self.listed_days.setdefault(journal, {})
        for day in self.knowledge.get(journal, NOTHING).day_counts:
            if day.startswith(f"{year:04d}-") and day not in shown:
                days.setdefault(day, set())

    def day_listed(self, journal: str, day_url: str, post_urls: tuple[str, ...]) -> None:
        ditemids = {urls.classify(u).ditemid for u in post_urls}
        key = day_key(urls.classify(day_url))
        self.listed_days.setdefault(journal, {})[key] = {d for d in ditemids if d is not None}

    def recovered(self, url: str) -> None:
        """A post page read back from the WARC this run: not to be fetched again."""
        self._recovered.add(url)

    def _decide_post(self, url: str, journal: str, shown_comments: int | None) -> FollowDecision:
        if url in self._recovered:
            return FollowDecision.UNCHANGED
        known = self.knowledge.get(journal, NOTHING)
        if url not in known.comment_counts or url in known.newest:
            return FollowDecision.FETCH
        archived = known.comment_counts[url]
        if shown_comments is not None and shown_comments != archived:
            return FollowDecision.FETCH
        return FollowDecision.UNCHANGED

    def _decide_by_url(self, url: str, journal: str) -> FollowDecision:
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
