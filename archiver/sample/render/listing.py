"""Listing pages in the journal's style: the index (`?skip=N`), tags, days (MARKUP "Listing")."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from archiver import urls
from archiver.sample.content import Journal, Post, Site, comment_count
from archiver.sample.render.frame import s2_document
from archiver.sample.render.lang import (
    comments_text,
    label,
    month_nominative,
    s2_entry_date,
    s2_long_date,
)
from archiver.sample.render.markup import (
    WWW,
    esc,
    lines,
    ljuser,
    local_iso,
    security_icon,
    userpic_img,
)
from archiver.sample.render.post_s2 import ljtags
from archiver.sample.render.site_json import controlstrip_json, script_block

INDEX_PAGE_SIZE = 10
MAX_SKIP = 100


def entry_unit(journal: Journal, post: Post) -> str:
    """One entry of a listing page, as the real Minimalism front page prints it (evo_lutio-index):
    `dl.entry.hentry#post-J-ID` > `dt.entry-title > a.subj-link[rel=bookmark]`, `dd.entry-text`
    (`dl.vcard.author` with the date, `div.entry-content` with the body and `div.ljtags`) and
    `dd.entrymenu` with the comment-count link `li.comments > a.btn-comments[href=…#comments]`;
    a non-public post's security icon first in its `dt.entry-title`."""
    user = esc(journal.username)
    count = comment_count(post)
    comments = (
        comments_text(journal.language, count)
        if count
        else label(journal.language, "leave_comment")
    )
    title = esc(post.title) if post.title else label(journal.language, "no_subject")
    date = s2_entry_date(journal.language, post.published)
    url = esc(post.url)
    repost = esc(f"{WWW}/update.bml?repost_type=c&repost={post.url}&nodraft=1")
    flag = esc(f"{WWW}/tools/content_flag.bml?user={journal.username}&itemid={post.ditemid}")
    return (
        '<div class="entry-wrap entry-wrap--post js-emojis">\n'
        f'<dl class="entry hentry" id="post-{user}-{post.ditemid}">\n'
        f'<dt class="entry-title">{security_icon(post)}'
        f'<a href="{url}" class="subj-link" rel="bookmark">{title}</a>'
        "</dt>\n"
        '<dd class="entry-text"><dl class="vcard author">'
        f"<dt>{userpic_img(post.poster, alt=post.poster, height=100, width=100)}</dt>"
        f'<dd class="username">{ljuser(post.poster)}</dd>'
        f'<dd class="entry-date"><abbr class="updated" '
        f'title="{local_iso(journal, post.published)}">{date}</abbr></dd></dl>'
        f'<div class="entry-content ">{post.body_html}{ljtags(journal, post.tags)}</div></dd>\n'
        '<dd class="entrymenu"><ul class="entrymenu__list">'
        f'<li class="comments entrymenu__item"><a href="{url}#comments" '
        f'class="btn btn-comments"><span><span><span>{comments}</span></span></span></a></li>'
        f'<li class="share entrymenu__item"><a class="btn btn-simple js-lj-share" '
        f'href="{repost}" data-url="{url}"><span><span><span>Share</span></span></span></a></li>'
        f'<li class="flag entrymenu__item"><a class="btn btn-simple " href="{flag}">'
        "<span><span><span>Flag</span></span></span></a></li></ul></dd>\n"
        "</dl>\n</div>\n"
        '<div class="hr"><hr/></div>'
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
    """Ten posts from `skip` on, with "Previous 10" (older) and "Next 10" (newer) links: the real
    front page's `ul.page-nav > li.prev > a.item[href=?skip=N]` (and `link[rel=next]` to it)."""
    shown = posts[skip : skip + INDEX_PAGE_SIZE]
    older = skip + INDEX_PAGE_SIZE
    items = []
    head = []
    if older <= MAX_SKIP and older < len(posts):
        text = label(journal.language, "previous_n", n=INDEX_PAGE_SIZE)
        items.append(
            f'<li class="prev"><a href="{esc(page_url(older))}" class="item">{text}</a></li>'
        )
        head.append(f'<link rel="next" href="{esc(page_url(older))}"/>')
    if skip > 0:
        text = label(journal.language, "next_n", n=INDEX_PAGE_SIZE)
        newer = page_url(max(skip - INDEX_PAGE_SIZE, 0))
        items.append(f'<li class="next"><a href="{esc(newer)}" class="item">{text}</a></li>')
        head.append(f'<link rel="prev" href="{esc(newer)}"/>')
    pagination = f'<ul class="page-nav">{"".join(items)}</ul>' if items else ""
    return listing_document(site, journal, shown, view=view, heading=heading, title=title,
                            navigation=pagination, head="\n".join(head))  # fmt: skip


def listing_document(
    site: Site,
    journal: Journal,
    posts: Sequence[Post],
    *,
    view: str,
    heading: str,
    title: str,
    navigation: str,
    head: str = "",
) -> str:
    page = {"controlstrip": controlstrip_json(site, journal), "styleSystem": "s2", "view": view}
    script = script_block(
        site, page=page, journal=journal, adult=journal.adult, remote=journal.reader
    )
    entries = "\n".join(entry_unit(journal, post) for post in posts)
    caption = f'<h2 class="listing-title">{esc(heading)}</h2>' if heading else ""
    content = lines(caption, entries, navigation)
    return s2_document(
        journal,
        title=f"{title} — LiveJournal",
        head=head,
        view=view,
        content=content,
        script=script,
    )


def index_page(site: Site, journal: Journal, skip: int) -> str:
    return _skip_page(
        site,
        journal,
        journal.shelf.posts,
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
        journal.shelf.by_tag.get(tag, ()),
        skip,
        lambda n: f"{tag_root}?skip={n}" if n else tag_root,
        view="tag",
        heading=heading,
        title=f"{heading} - {journal.title or journal.username}",
    )


def day_page(site: Site, journal: Journal, year: int, month: int, day: int) -> str:
    """A day's posts the reader may read, oldest first, with links up to its month and year."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    posts = journal.shelf.calendar.get(year, {}).get(month, {}).get(day, ())
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
