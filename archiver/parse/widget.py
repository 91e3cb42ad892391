"""The "Recent Posts from This Journal" widget (`div.threeposts`, ANATOMY §1g, MARKUP.md)."""

from __future__ import annotations

from parsel import Selector

from archiver import urls
from archiver.items import RecentPostItem
from archiver.parse.dates import DateParseError, parse_date
from archiver.parse.markup import class_set, first, get_str, has_class, int_in, text_of
from archiver.parse.page import Page

_PROMO_CLASS = "threeposts__item--promo"


def parse_recent_posts(page: Page, journal: str) -> list[RecentPostItem]:
    items: list[RecentPostItem] = []
    widgets = page.sel.xpath(f"//div[{has_class('threeposts')}]")
    for widget in widgets[:1]:  # one widget per page; a second copy would be a print duplicate
        for node in widget.xpath(f".//*[{has_class('threeposts__item')}]"):
            item = _item(page, journal, node, position=len(items) + 1)
            if item is not None:
                items.append(item)
    return items


def _item(page: Page, journal: str, node: Selector, position: int) -> RecentPostItem | None:
    link = first(node, "a.threeposts__link") or first(node, "a[href]")
    href = get_str(link, "@href") if link is not None else None
    if not href:
        return None
    title_node = first(node, ".threeposts__title-inner") or link
    date_node = first(node, ".threeposts__date")
    date_text = text_of(date_node)
    date: str | None = None
    if date_text:
        try:
            date = parse_date(date_text, captured_at=page.captured_at).iso()
        except DateParseError:
            date = None
    promoted = (
        _PROMO_CLASS in class_set(node) or first(node, ".threeposts__promo-label") is not None
    )
    excerpt = text_of(first(node, ".threeposts__text")) or None
    return RecentPostItem(
        journal=journal,
        source_url=page.url,
        position=position,
        title=text_of(title_node),
        url=_canonical(page.absolute(href)),
        author=get_str(node, ".//@data-ljuser"),
        date_text=date_text,
        date=date,
        comment_count=int_in(text_of(first(node, ".threeposts__comments")) or None),
        promoted=promoted,
        price_tokens=int_in(text_of(first(node, ".threeposts__buy")) or None),
        excerpt=excerpt,
    )


def _canonical(url: str) -> str:
    # Widget links carry tracking parameters (?utm_source=3userpost); the post is the post.
    ref = urls.classify(url)
    if ref.kind == "post" and ref.journal and ref.ditemid is not None:
        return urls.post_url(ref.journal, ref.ditemid)
    return url
