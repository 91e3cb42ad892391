"""A crawl's decisions, without Scrapy: what to fetch, what to save, what a failure means.

The spider hands every event to the plan (a journal to start, a parsed page, a redirect, a
failed fetch) and gets back steps: `Fetch` a URL, save `PageItems`, or `StartJournal` (a
journal renamed to a new name, whose archive knowledge the spider looks up first), or
`FetchMedia`, one of the things a page loads (`archiver.plan.media` decides which), or
`SessionLost`: a page of a logged-in crawl came back logged out, and the run must stop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from archiver import urls
from archiver.items import (
    CaptureRef,
    CommentItem,
    CommentPolicyItem,
    ErrorItem,
    FetchedPage,
    Item,
    JournalItem,
    JournalKnowledge,
    MediaRef,
    PageItems,
    PageLinks,
    PostItem,
    RecentPostItem,
)
from archiver.parse import ParseError, parsed
from archiver.parse.site_json import extract_from_html
from archiver.plan import deletions, follow
from archiver.plan.failures import RENAME_EVIDENCE, failure_kind, failure_message
from archiver.plan.follow import LISTING_PAGE_KINDS, FollowDecision
from archiver.plan.journal import UNAVAILABLE, JournalState, Mode, PlanOptions
from archiver.plan.media import FetchMedia, MediaOptions, MediaPlan
from archiver.plan.outcome import CrawlOutcome
from archiver.plan.tally import PostTally

POLICY_ITEMS = (CommentPolicyItem, RecentPostItem)
LOGIN_PATHS = ("/login.bml", "/login")
COMMENT_VIEW_KEYS = frozenset({"page", "thread"})


@dataclass(frozen=True)
class Fetch:
    url: str
    journal: str
    priority: int


@dataclass(frozen=True)
class StartJournal:
    journal: str


@dataclass(frozen=True)
class SessionLost:
    """The page at `url` was served to someone other than the session's reader (logged out,
    mostly): it is not saved, and its capture is not read back by a later run."""

    url: str
    reader: str | None  # whom the page names; None: logged out
    capture: CaptureRef | None


Step = Fetch | PageItems | StartJournal | FetchMedia | SessionLost


class CrawlPlan:
    def __init__(
        self,
        journals: list[str],
        options: PlanOptions | None = None,
        media: MediaOptions | None = None,
    ) -> None:
        self.options = options or PlanOptions()
        self.media = MediaPlan(media or MediaOptions())
        self.journals = list(dict.fromkeys(journals))
        self._states = {name: JournalState(name) for name in self.journals}
        self._recovered: set[str] = set()  # post pages read back from the WARC this run
        # Every URL this run has asked for: a journal's pages link each other many times over,
        # and a link already asked for goes no further (Scrapy's duplicate filter would drop
        # it, after its spider middlewares and scheduler had handled it: issue 14).
        self._asked: set[str] = set()
        self.gave_up_rate_limited = False
        self.session_lost: SessionLost | None = None
        # A journal whose front page got no answer at all: its status is saved when the run
        # ends, and only if something else answered (a machine offline is not every journal
        # gone). The first such failure says why.
        self._unanswered: dict[str, JournalItem] = {}
        self.first_unanswered: str | None = None
        self.posts = PostTally()

    # ------------------------------------------------------------ journals

    def state(self, journal: str) -> JournalState:
        if journal not in self._states:
            self.journals.append(journal)
            self._states[journal] = JournalState(journal)
        return self._states[journal]

    def start(self, journal: str, known: JournalKnowledge) -> list[Step]:
        """The journal's first pages, once what the archive holds of it is known."""
        self.state(journal).know(known, self.options)
        first = (urls.index_url(journal), urls.rss_url(journal), urls.atom_url(journal))
        # A killed run's saved pages are not read again: what they link is asked for here.
        media = self.media.on_unanswered(list(known.unfetched_media), journal)
        return [*(self._fetch(url, journal) for url in first), *media]

    def mode(self, journal: str) -> Mode:
        return self.state(journal).mode

    def journal_seen(self, journal: str, status: str) -> None:
        self.state(journal).seen(status)

    @property
    def statuses(self) -> dict[str, str]:
        return {name: s.status for name, s in self._states.items() if s.status is not None}

    def unavailable(self) -> dict[str, str]:
        return {name: s for name, s in self.statuses.items() if s in UNAVAILABLE}

    # ------------------------------------------------------------ URLs

    def decide(self, url: str, journal: str, shown: int | None = None) -> FollowDecision:
        ref = urls.classify(url)
        return follow.decide(url, ref, self.state(journal), shown, self._recovered)

    def priority(self, url: str) -> int:
        return follow.priority(urls.classify(url))

    def _fetch(
        self, url: str, journal: str, ref: urls.PageRef | None = None, shown: int | None = None
    ) -> Fetch:
        ref = ref or urls.classify(url)
        if url not in self._asked:
            self._asked.add(url)
            self.posts.on_asked(url, ref, shown)
        return Fetch(url, journal, follow.priority(ref))

    # ------------------------------------------------------------ pages

    def on_page(
        self,
        url: str,
        journal: str,
        items: list[Item],
        capture: CaptureRef | None,
        *,
        recovered: bool = False,
    ) -> list[Step]:
        """A page parsed (fetched now, or read back from the WARC): what to save and follow."""
        if recovered:
            self._recovered.add(url)
        else:
            self._answered(url, journal)
        query = urls.classify(url).query or {}
        if set(query) & COMMENT_VIEW_KEYS:
            # Another page of a post's comments: the post itself was saved from its first page.
            items = [i for i in items if isinstance(i, CommentItem | PageLinks | MediaRef)]
        # Journal styles (S2) show no reply form: their ?format=light twin is read for the
        # policy and the widget only.
        light_only = query.get("format") == "light"
        state = self.state(journal)
        if any(isinstance(item, CommentPolicyItem) for item in items):
            state.policy_requested = True
        saves: list[Item] = []
        steps: list[Step] = []
        refs = [item for item in items if isinstance(item, MediaRef)]
        for item in items:
            if isinstance(item, PageLinks):
                steps.extend(self._follow(item, state))
            elif not light_only or isinstance(item, (*POLICY_ITEMS, MediaRef)):
                saves.append(item)
                steps.extend(self._on_item(item, state))
        if not recovered:
            steps.extend(self._after(url, journal))
        return [PageItems(tuple(saves), capture, url), *steps, *self.media.on_refs(refs)]

    def know_media(self, archived: frozenset[str]) -> None:
        """The requisites the archive holds a recent good answer for: not fetched again, unless
        the run is a full one."""
        if not self.options.full:
            self.media.archived = archived

    def on_body(self, page: FetchedPage, *, recovered: bool = False) -> list[Step]:
        """A page's body, fetched now or read back from the WARC: parsed here, then `on_page`."""
        return self.before_parse(page, recovered=recovered) or self.on_parsed(
            page, parsed(page), recovered=recovered
        )

    def before_parse(self, page: FetchedPage, *, recovered: bool = False) -> list[Step]:
        """Nothing, or the steps for a page not worth parsing: the session has ended."""
        lost = self._logged_out(page, recovered)
        if lost is None:
            return []
        if not recovered:  # a page read back from an earlier run does not end this one
            self.session_lost = self.session_lost or lost
            self._answered(page.url, page.journal)
        return [lost]

    def on_parsed(
        self, page: FetchedPage, items: list[Item] | ParseError, *, recovered: bool = False
    ) -> list[Step]:
        """A page's items (or why it could not be parsed): what to save and follow."""
        if isinstance(items, ParseError):
            if not recovered:
                self._answered(page.url, page.journal)
            error = self._error(page.url, "parse", str(items))
            return [
                PageItems((error,), page.capture, page.url),
                *self._after(page.url, page.journal),
            ]
        return self.on_page(page.url, page.journal, items, page.capture, recovered=recovered)

    def _logged_out(self, page: FetchedPage, recovered: bool) -> SessionLost | None:
        """With a session, a page that names another reader (or none: logged out) means the
        session has ended; once it has, every later page is such a page too. A page read back
        from the WARC is held to the session its own request carried."""
        expected = page.logged_in_as if recovered else self.options.reader
        if expected is None:
            return None
        if self.session_lost is not None and not recovered:
            return SessionLost(page.url, self.session_lost.reader, page.capture)
        if "html" not in (page.content_type or "").lower():
            return None
        site = extract_from_html(page.body.decode("utf-8", "replace"))
        if not site.shows_reader or site.reader == expected:
            return None
        return SessionLost(page.url, site.reader, page.capture)

    def _on_item(self, item: Item, state: JournalState) -> Iterator[Step]:
        if isinstance(item, JournalItem) and item.username == state.name:
            state.seen(item.status)
        if isinstance(item, PostItem) and not state.policy_requested:
            state.policy_wanted_by = state.policy_wanted_by or item.url
            yield from self._policy_fetch(state)

    def _after(self, url: str, journal: str) -> list[Step]:
        """What a page's answer (or failure) allows: the policy's light form, when it was the
        front page."""
        return self._front_answered(self.state(journal)) if _is_front_page(url, journal) else []

    def _front_answered(self, state: JournalState) -> list[Step]:
        """The front page has answered (or failed): the policy's light form can be chosen."""
        state.front_answered = True
        return list(self._policy_fetch(state))

    def _policy_fetch(self, state: JournalState) -> Iterator[Step]:
        """The light form read for the comment policy, once a post page needed it and the front
        page has answered."""
        if state.policy_requested or state.policy_wanted_by is None or not state.front_answered:
            return
        state.policy_requested = True
        yield self._fetch(
            (state.front_post or state.policy_wanted_by) + "?format=light", state.name
        )

    def _follow(self, links: PageLinks, state: JournalState) -> Iterator[Step]:
        deletions.note_listing(state, links)
        if links.post_urls and _is_front_page(links.source_url, state.name):
            state.front_post = state.front_post or links.post_urls[0].split("#", 1)[0]
        for url in (*links.listing_urls, *links.post_urls, *links.comment_page_urls):
            url = url.split("#", 1)[0]
            if url in self._asked:
                continue
            shown = links.comment_counts.get(url, links.day_counts.get(url))
            ref = urls.classify(url)  # once per followed URL
            decision = follow.decide(url, ref, state, shown, self._recovered)
            if decision is FollowDecision.FETCH:
                yield self._fetch(url, state.name, ref, shown)

    # ------------------------------------------------------------ redirects and failures

    def on_redirected(self, page: FetchedPage, location: str) -> list[Step]:
        """`on_redirect` of a fetched 3xx answer."""
        return self.on_redirect(page.url, page.status, location, page.journal, page.capture)

    def on_redirect(
        self, url: str, status: int, location: str, journal: str, capture: CaptureRef | None
    ) -> list[Step]:
        """Redirects are followed only inside the journal; a front page or feed sent to another
        journal means the journal was renamed."""
        self._answered(url, journal)
        return self._redirect(url, status, location, journal, capture) + self._after(url, journal)

    def _redirect(
        self, url: str, status: int, location: str, journal: str, capture: CaptureRef | None
    ) -> list[Step]:
        location = urljoin(url, location)
        if self.options.reader is not None and _is_login_page(location):
            # LiveJournal sends a reader whose session it no longer takes to its login form.
            lost = SessionLost(url, None, capture)
            self.session_lost = self.session_lost or lost
            return [lost]
        target = urls.classify(location).journal
        if target and target != journal and urls.is_valid_username(target):
            if urls.classify(url).kind in RENAME_EVIDENCE:
                return self._renamed(journal, target, capture, url)
            message = f"HTTP {status} to another journal, {location}: not followed"
            return [PageItems((self._error(url, "redirect", message),), capture, url)]
        decision = self.decide(location.split("#", 1)[0], journal)
        if decision is FollowDecision.FETCH:
            return [] if location in self._asked else [self._fetch(location, journal)]
        if decision is FollowDecision.OUTSIDE:
            message = f"HTTP {status} to {location}, outside the journal: not followed"
            return [PageItems((self._error(url, "redirect", message),), capture, url)]
        return []

    def _renamed(
        self, journal: str, target: str, capture: CaptureRef | None, url: str
    ) -> list[Step]:
        state = self.state(journal)
        if state.status == "renamed":
            return []
        state.seen("renamed")
        self.state(target)
        renamed = JournalItem(
            username=journal,
            url=urls.journal_root(journal),
            status="renamed",
            renamed_to=target,
            status_text=f"{journal} was renamed to {target}",
        )
        # Stamped with the redirect's fetch, the evidence, so a rebuild from the WARC agrees.
        return [PageItems((renamed,), capture, url), StartJournal(target)]

    def on_failure(
        self, url: str, journal: str | None, reason: str, status: int | None
    ) -> list[Step]:
        """A fetch given up on: `status` is the last answer's, None when there was none."""
        kind = failure_kind(status)
        message = failure_message(status, reason, url, self.options.proxy)
        if url in self._asked:
            self.posts.on_answered(url, urls.classify(url))
        saves: list[Item] = [self._error(url, kind, message)]
        if status is None:
            self.first_unanswered = self.first_unanswered or message
        # A busy LiveJournal is not the journal gone: its status stays as it was.
        if kind != "rate-limited" and journal and _is_front_page(url, journal):
            self.state(journal).seen("unreachable")
            unreachable = JournalItem(
                username=journal,
                url=urls.journal_root(journal),
                status="unreachable",
                status_text=message,
            )
            if status is None:
                self._unanswered[journal] = unreachable
            else:
                saves.append(unreachable)
        return [PageItems(tuple(saves), None, url), *(self._after(url, journal) if journal else [])]

    def _answered(self, url: str, journal: str) -> None:
        # A journal one of whose pages answered was reachable, whatever its front page did.
        self._unanswered.pop(journal, None)
        if url in self._asked:
            self.posts.on_answered(url, urls.classify(url))

    def closing_items(self, anything_answered: bool) -> tuple[Item, ...]:
        """What to save when the run ends: the statuses of journals that gave no answer, when
        something else did."""
        return tuple(self._unanswered.values()) if anything_answered else ()

    def _error(self, url: str, kind: str, message: str) -> ErrorItem:
        ref = urls.classify(url)
        if kind == "rate-limited":
            self.gave_up_rate_limited = True
        # If a listing page failed, the run cannot say which of the journal's posts are gone.
        listing = ref.kind in LISTING_PAGE_KINDS or kind == "rate-limited"
        if listing and ref.journal in self._states:
            self._states[ref.journal].listing_failed = True
        return ErrorItem(url=url, kind=kind, message=message)

    # ------------------------------------------------------------ the end

    def deletions(self) -> list[deletions.Deletions]:
        """What a run that ran to its end may mark deleted, journal by journal."""
        found = (deletions.deletions(self._states[name]) for name in self.journals)
        return [d for d in found if d is not None]

    def implausible_listing(self, journal: str, missing: int, live: int) -> str | None:
        return deletions.implausible_listing(journal, missing, live, self.options.max_deleted_share)

    def outcome(
        self, errors: int, stopped_early: str | None, anything_answered: bool = True
    ) -> CrawlOutcome:
        return CrawlOutcome.decide(
            journals=self.journals,
            statuses=self.statuses,
            errors=errors,
            gave_up_rate_limited=self.gave_up_rate_limited,
            stopped_early=stopped_early,
            offline=None if anything_answered else self.first_unanswered,
        )


def _is_login_page(url: str) -> bool:
    parts = urlsplit(url)
    return parts.hostname == urls.WWW_HOST and parts.path.startswith(LOGIN_PATHS)


def _is_front_page(url: str, journal: str) -> bool:
    return url.rstrip("/") == urls.journal_root(journal).rstrip("/")
