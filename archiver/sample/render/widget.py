"""The "Recent Posts from This Journal" widget (ANATOMY §1g; MARKUP "Recent Posts")."""

from __future__ import annotations

from datetime import datetime

from archiver.sample.content import Journal, Post, comment_count
from archiver.sample.render.lang import site_long_date, site_short_date
from archiver.sample.render.markup import esc, excerpt, ljuser, text_of

HEADING = "Recent Posts from This Journal"
RECENT_ITEMS = 3  # the newest posts shown besides the promoted one
EXCERPT_CHARS = 290


def widget_posts(journal: Journal) -> list[tuple[Post, bool]]:
    """(post, promoted): the promoted post first, then the journal's newest public posts."""
    promoted = journal.by_ditemid.get(journal.promoted_ditemid or -1)
    if promoted is not None and not promoted.is_public:
        promoted = None
    newest = [p for p in journal.public_posts[: RECENT_ITEMS + 1] if p is not promoted]
    items = [(p, False) for p in newest[:RECENT_ITEMS]]
    return [(promoted, True), *items] if promoted is not None else items


def recent_posts_widget(journal: Journal, now: datetime) -> str:
    items = widget_posts(journal)
    if not items:
        return ""
    rendered = "\n".join(_item(journal, post, promoted, now) for post, promoted in items)
    return (
        f'<div class="threeposts threeposts--count-{len(items)}">\n'
        f'<h3 class="threeposts__heading">{HEADING}</h3>\n<div class="threeposts__inner">\n'
        '<div class="placeholder-threeposts"></div>\n'
        f'<div class="threeposts__items">\n{rendered}\n</div>\n</div>\n</div>'
    )


def widget_date(language: str, published: datetime, now: datetime) -> str:
    """The item's date: without a year for this year's posts, with it for older ones."""
    if published.year == now.year:
        return site_short_date(language, published)
    return site_long_date(language, published)


def _item(journal: Journal, post: Post, promoted: bool, now: datetime) -> str:
    classes = "threeposts__item"
    if "<img" in post.body_html:
        classes += " threeposts__item--pic"
    if promoted:
        classes += " threeposts__item--promo"
    label = '<span class="threeposts__promo-label">promo</span>\n' if promoted else ""
    buy = (
        f'<span class="threeposts__buy">Buy for {journal.promo_price_tokens} tokens</span>\n'
        if promoted
        else ""
    )
    return (
        f'<div class="{classes}">\n{label}{ljuser(post.poster)}\n'
        f'<time class="threeposts__date">{widget_date(journal.language, post.published, now)}'
        f"</time>\n"
        f'<span class="threeposts__comments">{comment_count(post)}</span>\n'
        f'<a class="threeposts__link" href="{esc(post.url)}">'
        f'<span class="threeposts__title-inner">{esc(post.title)}</span></a>\n{buy}'
        f'<p class="threeposts__text">{esc(excerpt(text_of(post.body_html), EXCERPT_CHARS))}</p>\n'
        "</div>"
    )
