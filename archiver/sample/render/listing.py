"""Listing pages in the journal's style: the index (`?skip=N`), tags, days (MARKUP "Listing")."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from archiver import urls
from archiver.sample.content import Journal, Post, Site, comment_count
from archiver.sample.render.frame import s2_document
from archiver.sample.render.lang import comments_text, label, month_nominative, s2_long_date
from archiver.sample.render.markup import esc, lines
from archiver.sample.render.post_s2 import ljtags
from archiver.sample.render.site_json import controlstrip_json, script_block

INDEX_PAGE_SIZE = 10
MAX_SKIP = 100


def entry_unit(journal: Journal, post: Post) -> str:
    """One entry of a listing page: title link, time, body, tags, comments link."""
    count = comment_count(post)
    comments = (
        comments_text(journal.language, count)
        if count
        else label(journal.language, "leave_comment")
    )
    title = esc(post.title) if post.title else label(journal.language, "no_subject")
    tags = ljtags(journal, post.tags)
    if tags:
        tags += "\n"
    return (
        f'<div class="entryunit" id="post-{esc(journal.username)}-{post.ditemid}">\n'
        f'<h3 class="entryunit__title"><a class="subj-link" href="{esc(post.url)}">{title}</a>'
        "</h3>\n"
        f'<time class="entryunit__date">{post.published:%Y-%m-%d %H:%M:%S}</time>\n'
        f'<div class="entryunit__text">{post.body_html}</div>\n{tags}'
        f'<a class="entryunit__comments" href="{esc(post.url)}#comments">{comments}</a>\n</div>'
    )


def _skip_page(
    site: Site,
    journal: Journal,
    posts: Sequence[Post],
    skip: int,
    page_url: Callable[[int], str],
    *,
    view: str,
    heading: str,
    title: str,
) -> str:
    """Ten posts from `skip` on, with "Previous 10" (older) and "Next 10" (newer) links."""
    shown = posts[skip : skip + INDEX_PAGE_SIZE]
    older = skip + INDEX_PAGE_SIZE
    links = []
    if older <= MAX_SKIP and older < len(posts):
        text = label(journal.language, "previous_n", n=INDEX_PAGE_SIZE)
        links.append(f'<a class="pagination__prev" href="{esc(page_url(older))}">{text}</a>')
    if skip > 0:
        text = label(journal.language, "next_n", n=INDEX_PAGE_SIZE)
        newer = page_url(max(skip - INDEX_PAGE_SIZE, 0))
        links.append(f'<a class="pagination__next" href="{esc(newer)}">{text}</a>')
    pagination = f'<div class="pagination">{" ".join(links)}</div>'
    return listing_document(site, journal, shown, view=view, heading=heading, title=title,
                            navigation=pagination)  # fmt: skip


def listing_document(
    site: Site,
    journal: Journal,
    posts: Sequence[Post],
    *,
    view: str,
    heading: str,
    title: str,
    navigation: str,
) -> str:
    page = {"controlstrip": controlstrip_json(site, journal), "styleSystem": "s2", "view": view}
    script = script_block(site, page=page, journal=journal, adult=journal.adult)
    entries = "\n".join(entry_unit(journal, post) for post in posts)
    head = f'<h2 class="listing-title">{esc(heading)}</h2>' if heading else ""
    content = lines(f'<div class="listing listing--{view}">', head, entries, navigation, "</div>")
    return s2_document(
        journal, title=f"{title} — LiveJournal", head="", view=view, content=content, script=script
    )


def index_page(site: Site, journal: Journal, skip: int) -> str:
    return _skip_page(
        site,
        journal,
        journal.public_posts,
        skip,
        lambda n: urls.index_url(journal.username, n),
        view="recent",
        heading="",
        title=journal.title or journal.username,
    )


def tag_page(site: Site, journal: Journal, tag: str, skip: int) -> str:
    tag_root = urls.tag_url(journal.username, tag)
    heading = label(journal.language, "tagged", tag=tag)
    return _skip_page(
        site,
        journal,
        journal.public_by_tag.get(tag, ()),
        skip,
        lambda n: f"{tag_root}?skip={n}" if n else tag_root,
        view="tag",
        heading=heading,
        title=f"{heading} - {journal.title or journal.username}",
    )


def day_page(site: Site, journal: Journal, year: int, month: int, day: int) -> str:
    """A day's public posts, oldest first, with links up to its month and year."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    posts = journal.public_calendar.get(year, {}).get(month, {}).get(day, ())
    user = journal.username
    heading = s2_long_date(journal.language, year, month, day)
    navigation = (
        '<div class="day-nav">'
        f'<a class="day-nav__month" href="{esc(urls.month_url(user, year, month))}">'
        f"{month_nominative(journal.language, month)} {year}</a> "
        f'<a class="day-nav__year" href="{esc(urls.year_url(user, year))}">{year}</a></div>'
    )
    return listing_document(
        site,
        journal,
        posts,
        view="day",
        heading=heading,
        title=f"{heading} - {journal.title or journal.username}",
        navigation=navigation,
    )
