"""Listing pages (index `?skip=N`, `/tag/NAME`, calendar `/YYYY/[MM/[DD/]]`) and the RSS / Atom
feeds: the post URLs they show, the further listing pages of the same journal they link, and the
comment count shown per post (MARKUP.md, ANATOMY §2–4, §6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from parsel import Selector

from archiver import urls
from archiver.items import JournalItem, PageLinks
from archiver.parse.markup import class_set, has_class, int_in, text_of
from archiver.parse.page import Page

LISTING_KINDS = frozenset({"index", "tag", "year", "month", "day"})
_DAY_COUNT = re.compile(r"\((\d+)\)")
_NO_COMMENTS = ("leave a comment", "оставить комментарий", "залишити коментар", "no comments")
_FEED_START = re.compile(r"(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed)\b", re.DOTALL)
# The elements that hold an entry's own text on a listing page. A post linked from inside one is
# a link the author wrote, not an entry of the listing; it is listed on its own day page.
_ENTRY_TEXT_CLASSES = (
    "entry-content",
    "entry_text",
    "entryunit__text",
    "asset-body",
    "b-singlepost-body",
    "aentry-post__text",
)
_IN_ENTRY_TEXT = "ancestor::*[" + " or ".join(has_class(c) for c in _ENTRY_TEXT_CLASSES) + "]"
_FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/xml", "text/xml"}
)


def canonical(ref: urls.PageRef) -> str | None:
    """One spelling per journal URL, so that the same page is never queued twice."""
    j = ref.journal
    if j is None:
        return None
    if ref.kind == "post" and ref.ditemid is not None:
        return urls.post_url(j, ref.ditemid)
    if ref.kind == "index":
        return urls.index_url(j, ref.skip)
    if ref.kind == "tag" and ref.tag is not None:
        base = urls.tag_url(j, ref.tag)
        return f"{base}?skip={ref.skip}" if ref.skip else base
    if ref.kind == "year" and ref.year is not None:
        return urls.year_url(j, ref.year)
    if ref.kind == "month" and ref.year is not None and ref.month is not None:
        return urls.month_url(j, ref.year, ref.month)
    if ref.kind == "day" and None not in (ref.year, ref.month, ref.day):
        assert ref.year is not None and ref.month is not None and ref.day is not None
        return urls.day_url(j, ref.year, ref.month, ref.day)
    return None


def parse_listing(page: Page, journal: str) -> PageLinks:
    """Every link of the page to a post or listing page of `journal`, in page order."""
    posts: list[str] = []
    listings: list[str] = []
    counts: dict[str, int] = {}
    day_counts: dict[str, int] = {}
    own = canonical(page.ref)
    for anchor in page.sel.xpath("//a[@href]"):
        href = str(anchor.attrib["href"])
        if href.startswith(("javascript:", "mailto:", "#")):
            continue
        ref = urls.classify(page.absolute(href))
        if ref.journal != journal:
            continue
        target = canonical(ref)
        if target is None:
            continue
        if ref.kind == "post":
            if anchor.xpath(_IN_ENTRY_TEXT):
                continue
            posts.append(target)
            count = _count_in_link(anchor, href, ref)
            if count is not None:
                counts[target] = count
        elif ref.kind in LISTING_KINDS and target != own:
            listings.append(target)
            if ref.kind == "day" and page.ref.kind == "year":
                shown = _day_count(anchor)
                if shown is not None:
                    day_counts[target] = shown
    return PageLinks(
        source_url=page.url,
        kind=page.ref.kind,
        post_urls=tuple(dict.fromkeys(posts)),
        listing_urls=tuple(dict.fromkeys(listings)),
        comment_counts=counts,
        day_counts=day_counts,
    )


def _day_count(anchor: Selector) -> int | None:
    """The "(N)" a calendar cell shows beside its day link: how many posts that day has."""
    cell = anchor.xpath("..")
    match = _DAY_COUNT.search(text_of(cell[0])) if cell else None
    return int(match.group(1)) if match else None


def year_links(page: Page, journal: str) -> list[str]:
    """The journal's years with posts (`ul.calendar-years`), as every sample page's sidebar has."""
    found: list[str] = []
    for href in page.sel.xpath(f"//ul[{has_class('calendar-years')}]//a/@href").getall():
        ref = urls.classify(page.absolute(str(href)))
        target = canonical(ref) if ref.journal == journal else None
        if target is not None:
            found.append(target)
    return list(dict.fromkeys(found))


def _count_in_link(anchor: Selector, href: str, ref: urls.PageRef) -> int | None:
    """The comment count a "N comments" link shows; None for links that are not such links."""
    query = ref.query or {}
    if "nc" in query and query["nc"].isdigit():
        return int(query["nc"])  # LiveJournal's comment links carry ?nc=<count>
    is_counter = "entryunit__comments" in class_set(anchor) or href.endswith("#comments")
    if not is_counter:
        return None
    text = text_of(anchor)
    number = int_in(text)
    if number is not None:
        return number
    if text.casefold() in _NO_COMMENTS or "entryunit__comments" in class_set(anchor):
        return 0
    return None


# ---------------------------------------------------------------- feeds


def looks_like_feed(url: str, text: str, content_type: str | None) -> bool:
    """A feed by its first element; the content type and the URL decide only when that is unclear.

    (A deleted journal answers `/data/rss` with its HTML error page.)
    """
    head = text.lstrip("\ufeff \t\r\n")[:1000].lower()
    if _FEED_START.match(head):
        return True
    if head.startswith(("<!doctype html", "<html")):
        return False
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if ctype in _FEED_TYPES:
        return True
    return ctype != "text/html" and urls.classify(url).kind in ("rss", "atom")


def parse_feed(url: str, sel: Selector) -> list[JournalItem | PageLinks]:
    """An RSS 2.0 or Atom feed: the journal it describes and the posts it lists."""
    sel.remove_namespaces()
    root = sel.xpath("/*")
    name = root[0].xpath("name()").get() if root else None
    if name == "rss":
        return _rss(url, sel)
    if name == "feed":
        return _atom(url, sel)
    raise ValueError(f"an XML document whose root is <{name}>, not an RSS or Atom feed")


def _rss(url: str, sel: Selector) -> list[JournalItem | PageLinks]:
    channel = sel.xpath("/rss/channel")
    username = _first(channel.xpath("./journal/text()").getall())
    journal = _journal(
        username or urls.classify(url).journal,
        journal_id=_first(channel.xpath("./journalid/text()").getall()),
        title=_first(channel.xpath("./title/text()").getall()),
        journal_type=_first(channel.xpath("./journaltype/text()").getall()),
    )
    posts: list[str] = []
    counts: dict[str, int] = {}
    for item in channel.xpath("./item"):
        link = _first(item.xpath("./link/text()").getall()) or _first(
            item.xpath("./guid/text()").getall()
        )
        target = _post(link)
        if target is None:
            continue
        posts.append(target)
        count = int_in(_first(item.xpath("./reply-count/text() | ./replycount/text()").getall()))
        if count is not None:
            counts[target] = count
    return _feed_items(url, "rss", journal, posts, counts)


def _atom(url: str, sel: Selector) -> list[JournalItem | PageLinks]:
    feed = sel.xpath("/feed")
    info = feed.xpath("./journal")
    journal = _journal(
        _first(info.xpath("@username").getall()) or urls.classify(url).journal,
        journal_id=_first(info.xpath("@userid").getall()),
        title=_first(feed.xpath("./title/text()").getall()),
        journal_type=_first(info.xpath("@type").getall()),
    )
    posts: list[str] = []
    counts: dict[str, int] = {}
    for entry in feed.xpath("./entry"):
        link = _first(entry.xpath("./link[@rel='alternate']/@href").getall()) or _first(
            entry.xpath("./link/@href").getall()
        )
        target = _post(link)
        if target is None:
            continue
        posts.append(target)
        count = int_in(_first(entry.xpath("./reply-count/text() | ./replycount/text()").getall()))
        if count is not None:
            counts[target] = count
    return _feed_items(url, "atom", journal, posts, counts)


def _feed_items(
    url: str, kind: str, journal: JournalItem | None, posts: list[str], counts: dict[str, int]
) -> list[JournalItem | PageLinks]:
    links = PageLinks(
        source_url=url,
        kind=kind,
        post_urls=tuple(dict.fromkeys(posts)),
        comment_counts=counts,
    )
    return [journal, links] if journal is not None else [links]


def _journal(
    username: str | None, *, journal_id: str | None, title: str | None, journal_type: str | None
) -> JournalItem | None:
    if not username:
        return None
    return JournalItem(
        username=username,
        url=urls.journal_root(username),
        status="active",
        journal_id=int(journal_id) if journal_id and journal_id.isdigit() else None,
        title=title or None,
        journal_type=journal_type.lower() if journal_type else None,
    )


def _post(link: str | None) -> str | None:
    if not link:
        return None
    ref = urls.classify(link.strip())
    return canonical(ref) if ref.kind == "post" else None


def _first(values: Iterable[object]) -> str | None:
    for value in values:
        text = " ".join(str(value).split())
        if text:
            return text
    return None
