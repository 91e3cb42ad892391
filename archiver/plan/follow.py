"""Whether to fetch a URL found on a journal's page: the journal's own pages only, and of
those only what this run's mode needs."""

from __future__ import annotations

import enum
from urllib.parse import urlsplit

from archiver import urls
from archiver.plan.journal import JournalState, Mode

MAX_INDEX_SKIP = 100_000
FOLLOWED_KINDS = frozenset({"post", "index", "tag", "year", "day", "rss", "atom"})
PRIORITY = {"post": 30, "comments": 25, "day": 20, "year": 10, "index": 5, "tag": 0}
COMMENT_QUERY_KEYS = frozenset({"page", "thread"})
# The pages whose post links list the journal (a post page links other posts too: no listing).
LISTING_PAGE_KINDS = frozenset({"index", "tag", "year", "month", "day", "rss", "atom"})
# What a run reads in UPDATE mode: the newest posts' listings and the year pages, whose
# per-day counts show the old days that changed; those days' pages, but no tags.
UPDATE_KINDS = frozenset({"index", "rss", "atom", "year"})


class FollowDecision(enum.Enum):
    FETCH = "fetch"
    OUTSIDE = "outside"  # another journal, another LiveJournal service, or an action endpoint
    NOT_NEEDED = "not-needed"
    UNCHANGED = "unchanged"  # an archived post that shows no sign of change


def day_key(ref: urls.PageRef) -> str:
    """`YYYY-MM-DD` of a day page, the form `posts.published` starts with."""
    return f"{ref.year or 0:04d}-{ref.month or 0:02d}-{ref.day or 0:02d}"


def decide(
    url: str, ref: urls.PageRef, state: JournalState, shown: int | None, recovered: set[str]
) -> FollowDecision:
    """Whether to fetch `url` (`ref` is its classification), found on a page of the journal,
    with the count the page shows beside it, if any: a post's comments, or a day's posts on a
    year page."""
    decision = decide_by_url(url, ref, state.name)
    if decision is not FollowDecision.FETCH:
        return decision
    if state.mode is Mode.UPDATE and ref.kind == "day":
        return _decide_day(ref, state, shown)
    if state.mode is Mode.UPDATE and ref.kind not in UPDATE_KINDS | {"post"}:
        return FollowDecision.NOT_NEEDED
    if ref.kind == "post" and not ref.query and state.mode is not Mode.FULL:
        return _decide_post(url, state, shown, recovered)
    return FollowDecision.FETCH


def decide_by_url(url: str, ref: urls.PageRef, journal: str) -> FollowDecision:
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


def _decide_day(ref: urls.PageRef, state: JournalState, shown: int | None) -> FollowDecision:
    if shown is None or shown == state.known.day_counts.get(day_key(ref), 0):
        return FollowDecision.UNCHANGED
    return FollowDecision.FETCH


def _decide_post(
    url: str, state: JournalState, shown_comments: int | None, recovered: set[str]
) -> FollowDecision:
    if url in recovered:
        return FollowDecision.UNCHANGED
    counts = state.known.comment_counts
    if url not in counts or url in state.known.incomplete:
        return FollowDecision.FETCH
    # The refresh window is for scheduled runs. A run resuming an unfinished listing (after a
    # kill) fetches what it does not have first, or a series of kills would never get further.
    if state.mode is Mode.UPDATE and url in state.refresh:
        return FollowDecision.FETCH
    if shown_comments is not None and shown_comments != counts[url]:
        return FollowDecision.FETCH
    return FollowDecision.UNCHANGED


def priority(ref: urls.PageRef) -> int:
    kind = "comments" if ref.kind == "post" and ref.query else ref.kind
    return PRIORITY.get(kind, 0)
