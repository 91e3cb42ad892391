"""`scrapy crawl journal -a journal=NAME`: decides what to fetch, nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from archiver import __version__, recover, store, urls
from archiver.backoff import RATE_LIMIT_STATUSES
from archiver.crawlplan import LISTING_PAGE_KINDS, CrawlPlan, FollowDecision, Mode
from archiver.extensions import session_for
from archiver.items import (
    Captured,
    CommentItem,
    CommentPolicyItem,
    ErrorItem,
    JournalItem,
    PageLinks,
    PostItem,
    RecentPostItem,
)
from archiver.parse import ParseError, parse_page
from archiver.session import WARC_DIRECTORY
from archiver.wire import CAPTURE_META_KEY

# LiveJournal's adult-content notice is passed with these cookies, as its "Yes" button sets them.
ADULT_COOKIES: dict[str | bytes, str | bytes | bool | float | int] = {
    "adult_explicit": "1",
    "adult_concepts": "1",
}
POLICY_ITEMS = (CommentPolicyItem, RecentPostItem)
COMMENT_VIEW_KEYS = frozenset({"page", "thread"})
# The pages whose redirect to another journal means the journal was renamed.
RENAME_EVIDENCE = frozenset({"index", "rss", "atom"})
REDIRECT_STATUSES = [301, 302, 303, 307, 308]


def journal_names(journal: str = "", journals: str = "") -> list[str]:
    """The usernames of `-a journal=NAME` and `-a journals=A,B`; ValueError names what is wrong."""
    names = [n.strip().lower() for n in (journal + "," + journals).split(",") if n.strip()]
    if not names:
        raise ValueError("name a journal: scrapy crawl journal -a journal=NAME")
    bad = [n for n in names if not urls.is_valid_username(n)]
    if bad:
        raise ValueError(f"not a LiveJournal username: {', '.join(bad)}")
    return names


class JournalSpider(scrapy.Spider):
    name = "journal"

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        # Built here, not in settings.py, so that `-s ARCHIVER_CONTACT_URL=...` reaches it; an
        # explicit `-s USER_AGENT=...` (a higher priority) still wins.
        contact = settings.get("ARCHIVER_CONTACT_URL")
        settings.set("USER_AGENT", f"archiver/{__version__} (+{contact})", priority="spider")

    def __init__(self, journal: str = "", journals: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = CrawlPlan(journal_names(journal, journals))

    async def start(self) -> AsyncIterator[Any]:
        self.plan.full = self.settings.getbool("ARCHIVER_FULL")
        for name in list(self.plan.journals):
            for output in self._recover(name):
                yield output
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for name in list(self.plan.journals):
            yield from self._start_journal(name)

    def _start_journal(self, name: str) -> Iterator[scrapy.Request]:
        """What the archive holds of the journal decides the run's mode; then its first pages."""
        window = self.settings.getint("ARCHIVER_REFRESH_WINDOW")
        self.plan.know(name, store.journal_knowledge(session_for(self.crawler).db, name, window))
        self.logger.info("%s: %s crawl", name, self.plan.mode(name).value)
        yield self._request(urls.index_url(name), name)
        yield self._request(urls.rss_url(name), name)
        yield self._request(urls.atom_url(name), name)

    def _request(self, url: str, journal: str, **meta: Any) -> scrapy.Request:
        # Redirects come back to the spider, which follows them only inside the journal.
        meta = {
            "journal": journal,
            "dont_redirect": True,
            "handle_httpstatus_list": [
                *REDIRECT_STATUSES,
                *self.settings.getlist("HTTPERROR_ALLOWED_CODES"),
            ],
            **meta,
        }
        return scrapy.Request(
            url,
            callback=self.on_page,
            errback=self.on_failure,
            cookies=ADULT_COOKIES,
            meta=meta,
            priority=self.plan.priority(url),
        )

    # ------------------------------------------------------------ responses

    def on_page(self, response: Response) -> Iterator[Any]:
        journal: str = response.meta["journal"]
        if response.status in REDIRECT_STATUSES:
            yield from self._on_redirect(response, journal)
            return
        try:
            items = parse_page(
                response.url,
                response.body,
                status=response.status,
                captured_at=_captured_at(response),
                content_type=_header(response, "Content-Type"),
            )
        except ParseError as error:
            yield ErrorItem(url=response.url, kind="parse", message=str(error))
            return
        capture_id = response.meta.get(CAPTURE_META_KEY)
        if set(urls.classify(response.url).query or {}) & COMMENT_VIEW_KEYS:
            # Another page of a post's comments: the post itself was saved from its first page.
            items = [i for i in items if isinstance(i, CommentItem | PageLinks)]
        yield from self._on_items(items, journal, capture_id, bool(response.meta.get("light_only")))

    def _on_items(
        self, items: list[Any], journal: str, capture_id: int | None, light_only: bool
    ) -> Iterator[Any]:
        if any(isinstance(item, CommentPolicyItem) for item in items):
            self.plan.mark_policy_requested(journal)
        for item in items:
            if isinstance(item, PageLinks):
                yield from self._follow(item, journal)
            elif light_only and not isinstance(item, POLICY_ITEMS):
                continue
            else:
                yield from self._on_item(item, journal, capture_id)

    def _recover(self, journal: str) -> Iterator[Any]:
        """Post pages an earlier, killed run archived but did not save: parsed from the WARC."""
        session = session_for(self.crawler)
        for capture in recover.unsaved_post_captures(session.db, journal):
            try:
                body = recover.read_body(session.output / WARC_DIRECTORY, capture)
                items = parse_page(
                    capture.url,
                    body,
                    status=capture.status,
                    captured_at=capture.fetched_at,
                    content_type=capture.content_type,
                )
            except (ParseError, ValueError, OSError) as error:
                self.logger.warning("cannot recover %s from the WARC: %s", capture.url, error)
                continue
            self.plan.recovered(capture.url)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/posts_recovered")
            yield from self._on_items(items, journal, capture.capture_id, light_only=False)

    def _on_item(self, item: Any, journal: str, capture_id: int | None) -> Iterator[Any]:
        if isinstance(item, JournalItem) and item.username == journal:
            self.plan.journal_seen(journal, item.status)
        if isinstance(item, PostItem) and not self.plan.policy_requested(journal):
            # Journal styles (S2) show no reply form: the site-scheme page has the policy.
            self.plan.mark_policy_requested(journal)
            yield self._request(item.url + "?format=light", journal, light_only=True)
        yield Captured(item, capture_id)

    def _on_redirect(self, response: Response, journal: str) -> Iterator[Any]:
        location = response.urljoin(_header(response, "Location") or "")
        target = urls.classify(location).journal
        source_kind = urls.classify(response.url).kind
        if target and target != journal and urls.is_valid_username(target):
            if source_kind in RENAME_EVIDENCE:
                # LiveJournal sends a renamed journal's front page and feeds to the new name.
                yield from self._on_rename(journal, target)
                return
            yield ErrorItem(
                url=response.url,
                kind="redirect",
                message=f"HTTP {response.status} to another journal, {location}: not followed",
            )
            return
        decision = self.plan.decide(location.split("#", 1)[0], journal)
        if decision is FollowDecision.FETCH:
            yield self._request(location, journal)
        elif decision is FollowDecision.OUTSIDE:
            yield ErrorItem(
                url=response.url,
                kind="redirect",
                message=f"HTTP {response.status} to {location}, outside the journal: not followed",
            )

    def _on_rename(self, journal: str, target: str) -> Iterator[Any]:
        if self.plan.statuses.get(journal) == "renamed":
            return
        yield JournalItem(
            username=journal,
            url=urls.journal_root(journal),
            status="renamed",
            renamed_to=target,
            status_text=f"{journal} was renamed to {target}",
        )
        self.plan.journal_seen(journal, "renamed")
        self.plan.add_journal(target)
        yield from self._start_journal(target)

    def _follow(self, links: PageLinks, journal: str) -> Iterable[scrapy.Request]:
        if links.kind in LISTING_PAGE_KINDS:
            for url in links.post_urls:
                self.plan.post_listed(journal, url)
        self._note_calendar(links, journal)
        for url in (*links.listing_urls, *links.post_urls, *links.comment_page_urls):
            url = url.split("#", 1)[0]
            shown = links.comment_counts.get(url, links.day_counts.get(url))
            decision = self.plan.decide(url, journal, shown)
            if decision is FollowDecision.FETCH:
                yield self._request(url, journal)
            elif decision is FollowDecision.UNCHANGED and self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/posts_not_refetched")

    def _note_calendar(self, links: PageLinks, journal: str) -> None:
        """What the calendar pages say of old days: the evidence for deletions."""
        ref = urls.classify(links.source_url)
        if links.kind == "year" and ref.year is not None:
            self.plan.years_read.setdefault(journal, set()).add(ref.year)
        if self.plan.mode(journal) is not Mode.UPDATE:
            return
        if links.kind == "day":
            self.plan.day_listed(journal, links.source_url, links.post_urls)
        elif links.kind == "year" and ref.year is not None:
            days = [u for u in links.listing_urls if urls.classify(u).kind == "day"]
            # Only a calendar whose every day shows its count can say a day is gone.
            if days and set(days) == set(links.day_counts):
                self.plan.year_listed(journal, ref.year, days)

    def on_failure(self, failure: Failure) -> Iterator[Any]:
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        journal = request.meta.get("journal") if request is not None else None
        message = failure.getErrorMessage() or repr(failure.value)
        response = getattr(failure.value, "response", None)
        kind = "http" if response is not None else "network"
        if response is not None:
            message = f"HTTP {response.status} after retries"
            if response.status in RATE_LIMIT_STATUSES:
                kind = "rate-limited"
        yield ErrorItem(url=url, kind=kind, message=message)
        if kind == "rate-limited":
            return  # LiveJournal is busy, not the journal gone: its status stays as it was
        if journal and url.rstrip("/") == urls.journal_root(journal).rstrip("/"):
            self.plan.journal_seen(journal, "unreachable")
            yield JournalItem(
                username=journal,
                url=urls.journal_root(journal),
                status="unreachable",
                status_text=message,
            )


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _captured_at(response: Response) -> datetime:
    date = _header(response, "Date")
    if date:
        try:
            return parsedate_to_datetime(date)
        except (TypeError, ValueError):
            pass
    return datetime.now(UTC)
