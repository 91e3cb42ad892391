"""The "Recent Posts from This Journal" widget (`div.threeposts`, ANATOMY §1g, MARKUP.md)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from parsel import Selector

from archiver import urls
from archiver.items import RecentPostItem
from archiver.parse.dates import DateParseError, parse_date
from archiver.parse.markup import class_set, first, get_str, has_class, int_in, text_of
from archiver.parse.page import Page

_PROMO_CLASS = "threeposts__item--promo"


@dataclass(frozen=True)
class _Entry:
    """What one widget entry shows, before it is read against the page it is on."""

    href: str
    title: str
    author: str | None
    date_text: str
    comments_text: str
    buy_text: str
    promoted: bool
    excerpt: str | None


# Every post page of a journal carries the same widget: its entries are read once per distinct
# widget HTML. Dates and URLs are read per page (a year-less date depends on the capture time).
_ENTRIES_BY_HTML: OrderedDict[str, tuple[_Entry, ...]] = OrderedDict()
_ENTRIES_KEPT = 64


def parse_recent_posts(page: Page, journal: str) -> list[RecentPostItem]:
    widgets = page.sel.xpath(f"//div[{has_class('threeposts')}]")
    if not widgets:
        return []
    # One widget per page; a second copy would be a print duplicate.
    return [
        _item(page, journal, entry, position)
        for position, entry in enumerate(_entries(widgets[0]), start=1)
    ]


def _entries(widget: Selector) -> tuple[_Entry, ...]:
    html = widget.get()
    entries = _ENTRIES_BY_HTML.get(html)
    if entries is None:
        found = (_entry(node) for node in widget.xpath(f".//*[{has_class('threeposts__item')}]"))
        entries = tuple(entry for entry in found if entry is not None)
        _ENTRIES_BY_HTML[html] = entries
        if len(_ENTRIES_BY_HTML) > _ENTRIES_KEPT:
            _ENTRIES_BY_HTML.popitem(last=False)
    return entries


def _entry(node: Selector) -> _Entry | None:
    link = first(node, "a.threeposts__link") or first(node, "a[href]")
    href = get_str(link, "@href") if link is not None else None
    if not href:
        return None
    return _Entry(
        href=href,
        title=text_of(first(node, ".threeposts__title-inner") or link),
        author=get_str(node, ".//@data-ljuser"),
        date_text=text_of(first(node, ".threeposts__date")),
        comments_text=text_of(first(node, ".threeposts__comments")),
        buy_text=text_of(first(node, ".threeposts__buy")),
        promoted=(
            _PROMO_CLASS in class_set(node) or first(node, ".threeposts__promo-label") is not None
        ),
        excerpt=text_of(first(node, ".threeposts__text")) or None,
    )


def _item(page: Page, journal: str, entry: _Entry, position: int) -> RecentPostItem:
    date: str | None = None
    if entry.date_text:
        try:
            date = parse_date(entry.date_text, captured_at=page.captured_at).iso()
        except DateParseError:
            date = None
    return RecentPostItem(
        journal=journal,
        source_url=page.url,
        position=position,
        title=entry.title,
        url=_canonical(page.absolute(entry.href)),
        author=entry.author,
        date_text=entry.date_text,
        date=date,
        comment_count=int_in(entry.comments_text or None),
        promoted=entry.promoted,
        price_tokens=int_in(entry.buy_text or None),
        excerpt=entry.excerpt,
    )


def _canonical(url: str) -> str:
    # Widget links carry tracking parameters (?utm_source=3userpost); the post is the post.
    ref = urls.classify(url)
    if ref.kind == "post" and ref.journal and ref.ditemid is not None:
        return urls.post_url(ref.journal, ref.ditemid)
    return url
