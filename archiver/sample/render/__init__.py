"""The sample LiveJournal's pages: pure functions from content to HTML or XML text.

Every function returns `str` and depends only on its arguments ("now" is `site.now`), so the
same content always renders to the same bytes. Markup follows `../MARKUP.md`.
"""

from __future__ import annotations

from archiver.sample.content import Journal, Post, Site
from archiver.sample.render.calendar import month_page, year_page
from archiver.sample.render.comment_view import THREADS_PER_PAGE, comment_view
from archiver.sample.render.errors import (
    adult_notice_page,
    journal_status_page,
    locked_post_page,
    not_found_page,
)
from archiver.sample.render.feeds import atom, rss
from archiver.sample.render.listing import (
    INDEX_PAGE_SIZE,
    MAX_SKIP,
    day_page,
    index_page,
    tag_page,
)
from archiver.sample.render.login import BAD_PASSWORD, UNKNOWN_USER, login_page
from archiver.sample.render.post_aentry import aentry_post_page
from archiver.sample.render.post_s2 import s2_post_page
from archiver.sample.render.post_schemius import schemius_post_page
from archiver.sample.render.robots import robots_txt

COMMENT_THREADS_PER_PAGE = THREADS_PER_PAGE
SKINS = ("schemius", "s2", "aentry")

__all__ = [
    "BAD_PASSWORD",
    "COMMENT_THREADS_PER_PAGE",
    "INDEX_PAGE_SIZE",
    "MAX_SKIP",
    "SKINS",
    "UNKNOWN_USER",
    "adult_notice_page",
    "atom",
    "day_page",
    "index_page",
    "journal_status_page",
    "locked_post_page",
    "login_page",
    "month_page",
    "not_found_page",
    "post_page",
    "robots_txt",
    "rss",
    "tag_page",
    "year_page",
]


def post_page(
    site: Site,
    journal: Journal,
    post: Post,
    *,
    skin: str,
    comment_page: int = 1,
    thread: int | None = None,
    nojs: bool = False,
) -> str:
    """A post page in one of the skins; `nojs` server-renders the schemius comment leaves."""
    view = comment_view(post, comment_page, thread, owner_reads=journal.owner_reads)
    if skin == "schemius":
        return schemius_post_page(site, journal, post, view, nojs=nojs)
    if skin == "s2":
        return s2_post_page(site, journal, post, view)
    if skin == "aentry":
        return aentry_post_page(site, journal, post, view)
    raise ValueError(f"unknown skin {skin!r}; expected one of {', '.join(SKINS)}")
