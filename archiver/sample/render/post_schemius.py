"""The post page in the site scheme, `?format=light` (ANATOMY §1b/§1d, A1)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, quote_plus

from archiver import urls
from archiver.sample.content import Journal, Post, Site
from archiver.sample.render.comment_view import CommentView
from archiver.sample.render.comments import b_pager, schemius_comments_json, schemius_leaves
from archiver.sample.render.frame import post_meta, schemius_document, site_title
from archiver.sample.render.lang import english_comments
from archiver.sample.render.markup import (
    STAT,
    WWW,
    currents,
    esc,
    journal_ljuser,
    lines,
    ljuser,
    post_link,
    security_icon,
    userpic_img,
)
from archiver.sample.render.policy import POST_COMMENT, comment_form
from archiver.sample.render.site_json import controlstrip_json, page_entry_json, script_block
from archiver.sample.render.widget import recent_posts_widget


def schemius_post_page(
    site: Site, journal: Journal, post: Post, view: CommentView, *, nojs: bool
) -> str:
    refresh = None if nojs else post_link(post, nojs=True, format="light")
    page = {
        "entry": page_entry_json(post),
        "ajaxPagination": 1,
        "comments": schemius_comments_json(journal, post, view, site.now),
        "replycount": view.reply_count,
        "comments_page": view.page,
        "scheme": "schemius",
        "allow_commenting": 0 if journal.policy.comments_disabled else 1,
        "controlstrip": controlstrip_json(site, journal),
    }
    script = script_block(
        site, page=page, journal=journal, entry=post, adult=journal.adult, remote=journal.reader
    )
    main = lines(
        '<article class="b-singlepost hentry h-entry js-emojis" role="main">',
        _about(journal, post),
        _wrapper(journal, post),
        recent_posts_widget(journal, site.now),
        _grove(journal, post, view, nojs=nojs),
        "</article>",
    )
    return schemius_document(
        journal,
        title=site_title(journal, post),
        head=post_meta(post, refresh=refresh),
        main=main,
        script=script,
    )


def _about(journal: Journal, post: Post) -> str:
    poster = ljuser(post.poster)
    where = (
        f" wrote in {journal_ljuser(journal)}, "
        if journal.journal_type == "community"
        else " wrote, "
    )
    who = f"{esc(post.poster)} ({poster}){where}"
    when = _published(journal, post.published)
    go = f"{WWW}/go.bml?journal={journal.username}&itemid={post.ditemid}&dir="
    flag = f"{WWW}/tools/content_flag.bml?user={journal.username}&itemid={post.ditemid}"
    userpic = userpic_img(
        post.poster,
        width=100,
        height=100,
        align="absmiddle",
        title=f"{post.poster}: default userpic",
        alt="",
    )
    return f"""<div class="b-singlepost-about">
<dl class="b-singlepost-author author vcard p-author h-card">
<dt class="b-singlepost-author-userpic photo u-photo" lj:user="{esc(post.poster)}">{userpic}</dt>
<dd class="b-singlepost-author-userinfo">
<div class="b-singlepost-author-userinfo-screen">
<span class="b-singlepost-author-user fn p-name">
<span class="b-singlepost-author-user-screen"> {who}</span></span>
{_security(post)}<br/>
<time class="b-singlepost-author-date published dt-published">{when}</time>
</div>
</dd>
</dl>
<div class="b-singlepost-standout">
<ul class="b-linkbar">
{_linkbar_item("b-controls-prev", go + "prev", "Previous")}
{_linkbar_item("b-controls-flag", flag, "Flag")}
{_linkbar_item("b-controls-next", go + "next", "Next")}
</ul>
</div>
</div>"""


def _security(post: Post) -> str:
    """A non-public post's icon, after the author, in its own `span.b-singlepost-security`."""
    icon = security_icon(post)
    return f'<span class="b-singlepost-security">{icon}</span>\n' if icon else ""


def _published(journal: Journal, when: datetime) -> str:
    """The schemius post header: YYYY-MM-DD linked to the calendar pages, then HH:MM:SS (A1)."""
    user = journal.username
    year = urls.year_url(user, when.year)
    month = urls.month_url(user, when.year, when.month)
    day = urls.day_url(user, when.year, when.month, when.day)
    return (
        f'<a href="{esc(year)}">{when:%Y}</a>-<a href="{esc(month)}">{when:%m}</a>-'
        f'<a href="{esc(day)}">{when:%d}</a> {when:%H:%M:%S}'
    )


def _linkbar_item(kind: str, href: str, caption: str) -> str:
    return (
        f'<li class="b-linkbar-item"><a class="b-controls {kind}" href="{esc(href)}" '
        f'rel="nofollow" title="{caption}"><i class="b-controls-bg"></i>{caption}</a></li>'
    )


MOOD_ICON = f"{STAT}/img/mood/neko/kaokitty/{{mood}}.gif"
MAPS_URL = "https://maps.google.com/maps?q={query}"


def _currents(post: Post) -> str:
    """`ul.b-singlepost-meta > li.b-singlepost-meta-item-{location|mood|music}`, each with
    `strong.b-singlepost-meta-title > b` "Mood:" and `span.b-singlepost-meta-data`: the mood after
    its icon, the location as a maps link (rebecca2525-3562-2014-schemius-light)."""
    values = dict(currents(post))
    items = []
    for key in ("location", "mood", "music"):  # the real page's order
        value = values.get(key)
        if value is None:
            continue
        if key == "location":
            data = f'<a href="{esc(MAPS_URL.format(query=quote_plus(value)))}">{esc(value)}</a>'
        elif key == "mood":
            icon = esc(MOOD_ICON.format(mood=quote(value.casefold())))
            data = (
                f'<img src="{icon}" align="absmiddle" width="40" height="40" vspace="1" alt=""/> '
                f"{esc(value)}"
            )
        else:
            data = esc(value)
        extra = "  p-location" if key == "location" else ""
        items.append(
            f'  <li class=" b-singlepost-meta-item b-singlepost-meta-item-{key}{extra}  " > '
            f'<strong class="b-singlepost-meta-title"><b>{key.capitalize()}:</b></strong> '
            f'<span class="b-singlepost-meta-data">{data}</span> </li>'
        )
    if not items:
        return ""
    return (
        '<ul class=" b-singlepost-meta entry-content-asset " ng-non-bindable>'
        f"{''.join(items)}  </ul>\n"
    )


def _tags(journal: Journal, post: Post) -> str:
    if not post.tags:
        return ""
    links = ", ".join(
        f'<a href="{esc(urls.tag_url(journal.username, tag))}">{esc(tag)}</a>' for tag in post.tags
    )
    return (
        '<div class="b-singlepost-tags ljtags entry-content-asset p-category">\n'
        '<strong class="b-singlepost-tags-head"> Tags: </strong>\n'
        f'<span class="b-singlepost-tags-items">{links}</span>\n</div>\n'
    )


def _wrapper(journal: Journal, post: Post) -> str:
    return (
        f'<div class="b-singlepost-wrapper">\n{_currents(post)}'
        f'<h1 class="b-singlepost-title entry-title p-name">      {esc(post.title)}  </h1>\n'
        '<div class="b-singlepost-bodywrapper">\n'
        '<article class="b-singlepost-body entry-content e-content" lj-discovery-tags="" '
        f'lj-embed-resizer="">{post.body_html}</article>\n</div>\n'
        f"{_tags(journal, post)}</div>"
    )


def _xylem(journal: Journal, post: Post, count: str, *, first: bool) -> str:
    reply = esc(post_link(post, light=True, mode="reply") + "#add_comment")
    add = (
        ""
        if journal.policy.comments_disabled
        else f'<a class="b-addcomment" href="{reply}"><span class="b-addcomment-inner">'
        f'<i class="b-addcomment-icon"></i>{POST_COMMENT}</span></a>\n'
    )
    form = f"{comment_form(journal, post)}\n" if first else ""
    return (
        f'<div class="b-xylem{" b-xylem-first" if first else ""}">\n<ul class="b-xylem-cells">\n'
        f'<li class="b-xylem-cell b-xylem-cell-add">\n{add}{form}</li>\n'
        f'<li class="b-xylem-cell b-xylem-cell-amount"><span class="js-amount">  {count}  </span>'
        "</li>\n</ul>\n</div>"
    )


def _grove(journal: Journal, post: Post, view: CommentView, *, nojs: bool) -> str:
    count = english_comments(view.reply_count)
    leaves = f"\n{schemius_leaves(post, view)}\n" if nojs and view.shown else ""
    pager = b_pager(view, lambda n: post_link(post, light=True, nojs=nojs, page=n) + "#comments")
    return lines(
        '<div class="b-grove b-grove-hover" id="comments">',
        _xylem(journal, post, count, first=True),
        '<div class="b-tree b-tree-best"></div>',
        '<div class="b-tree b-tree-promo" data-currentprice=""></div>',
        f'<div class="b-tree b-tree-root">{leaves}</div>',
        pager,
        _xylem(journal, post, count, first=False),
        "</div>",
    )
