"""The shapes that cross module boundaries: what parsing produces and storage saves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class JournalItem:
    username: str
    url: str
    status: str  # active, deleted, purged, suspended, blocked, renamed, unreachable
    journal_id: int | None = None
    title: str | None = None
    journal_type: str | None = None  # personal, community, syndicated, identity
    renamed_to: str | None = None
    status_text: str | None = None  # the sentence LiveJournal showed for a non-active journal


@dataclass(frozen=True)
class PostItem:
    journal: str
    ditemid: int
    url: str
    title: str
    poster: str
    published_text: str  # as shown on the page
    published: str | None  # ISO 8601; with an offset only when the page gives one
    body_html: str
    body_text: str
    tags: tuple[str, ...]
    comment_count: int | None
    security: str  # public, friends, private, custom, protected (store.schema.SECURITY_LEVELS)
    skin: str  # schemius, s2, aentry
    mood: str | None = None
    music: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class LockedPostItem:
    """A post URL that answered as LiveJournal answers a logged-out reader for a locked post."""

    journal: str
    ditemid: int
    url: str
    message: str


@dataclass(frozen=True)
class RecentPostItem:
    """One item of the "Recent Posts from This Journal" widget on the page at `source_url`."""

    journal: str
    source_url: str
    position: int  # 1-based, in page order
    title: str
    url: str
    author: str | None
    date_text: str
    date: str | None  # ISO 8601 local time, year inferred from the capture date when missing
    comment_count: int | None
    promoted: bool
    price_tokens: int | None
    excerpt: str | None = None


@dataclass(frozen=True)
class CommentPolicyItem:
    journal: str
    source_url: str
    anonymous_allowed: bool
    screened: bool
    screened_scope: str | None  # all, anonymous, non-friends (None when nothing is screened)
    ip_recorded: bool
    comments_disabled: bool


@dataclass(frozen=True)
class CommentItem:
    journal: str
    ditemid: int
    talkid: int
    parent_talkid: int | None
    depth: int
    poster: str | None  # None: anonymous
    subject: str | None
    body_html: str | None  # None when LiveJournal did not show it (deleted, screened, collapsed)
    posted_text: str | None
    posted: str | None  # ISO 8601 UTC
    state: str  # active, screened, deleted, frozen, spammed, suspended
    collapsed: bool = False


@dataclass(frozen=True)
class PageLinks:
    """URLs on a listing page (index, tag, calendar, feed) that the spider may follow."""

    source_url: str
    kind: str
    post_urls: tuple[str, ...] = ()
    listing_urls: tuple[str, ...] = ()  # further index/calendar/tag pages
    comment_counts: dict[str, int] = field(default_factory=dict)  # post URL -> count shown
    # On a post page: the other comment pages (?page=N) and folded threads (?thread=ID).
    comment_page_urls: tuple[str, ...] = ()
    # On a year page: each day with posts -> how many the calendar says it has.
    day_counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class JournalKnowledge:
    """What the archive already holds of a journal, for deciding what a run must fetch."""

    listed: bool = False  # a run has listed the whole journal
    comment_counts: dict[str, int | None] = field(default_factory=dict)  # post URL -> count
    newest_first: tuple[str, ...] = ()  # the live archived posts' URLs, newest first
    day_counts: dict[str, int] = field(default_factory=dict)  # YYYY-MM-DD -> archived posts
    # Posts with a visible comment whose text is not archived (its thread page failed).
    incomplete: frozenset[str] = frozenset()
    # (URL, role) of what its saved pages link that was never fetched (a run killed first).
    unfetched_media: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class MediaRef:
    """A resource the page at `source_url` loads: an image, userpic, stylesheet, script or font.
    `ditemid` names the post it belongs to (its body, its poster's userpic, its page's styles
    and scripts), `talkid` the comment (its text's images, its commenter's userpic); neither,
    for what a listing page or the page around a post loads."""

    journal: str
    source_url: str
    url: str
    role: str  # image, userpic, style, script, font
    ditemid: int | None = None
    talkid: int | None = None


@dataclass(frozen=True)
class MediaItem:
    """What fetching a MediaRef's URL gave: its answer, or why nothing was archived (`note`)."""

    url: str
    role: str
    status: int | None  # None when there was no answer (a timeout, a resource over the cap)
    content_type: str | None = None
    length: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class ErrorItem:
    """A page the crawl could not fetch or parse; the raw capture, if any, is still kept."""

    url: str
    kind: str  # http, network, parse
    message: str


Item = (
    JournalItem
    | PostItem
    | LockedPostItem
    | RecentPostItem
    | CommentPolicyItem
    | CommentItem
    | PageLinks
    | MediaRef
    | MediaItem
    | ErrorItem
)


@dataclass(frozen=True)
class CaptureRef:
    """The `captures` row (WARC record) of a page, and when the page was fetched."""

    capture_id: int
    seen_at: str  # the fetch time as every *_seen column holds it (archiver.clock.iso_seconds)


@dataclass(frozen=True)
class FetchedPage:
    """A response's body and what parsing it needs; `captured_at` is the server's time."""

    url: str
    journal: str
    body: bytes
    status: int
    captured_at: datetime
    content_type: str | None
    capture: CaptureRef | None
    # Read back from the WARC: whose session the request carried (a live page's is the crawl's).
    logged_in_as: str | None = None


@dataclass(frozen=True)
class PageItems:
    """What one page gave to store, saved together, stamped with the page's fetch time; without
    a capture (a fetch that failed, a rename) they are stamped with the time they are saved."""

    items: tuple[Item, ...]
    capture: CaptureRef | None = None
    source_url: str | None = None  # the page they came from, for an error row if saving fails


ITEM_TYPES: dict[type, str] = {
    JournalItem: "journal",
    PostItem: "post",
    LockedPostItem: "locked_post",
    RecentPostItem: "recent_post",
    CommentPolicyItem: "comment_policy",
    CommentItem: "comment",
    PageLinks: "links",
    MediaRef: "media",
    MediaItem: "media_fetch",
    ErrorItem: "error",
}
