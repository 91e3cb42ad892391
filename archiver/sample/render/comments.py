"""Comment templates of the three skins (ANATOMY §1d, §1e; C1, C2) and their pagers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from archiver import urls
from archiver.sample.content import Comment, Journal, Post
from archiver.sample.render.comment_view import (
    FROZEN_TEXT,
    PLACEHOLDER_TEXT,
    CommentView,
    Shown,
)
from archiver.sample.render.lang import GENITIVE, label
from archiver.sample.render.markup import (
    ANONYMOUS_USERPIC_URL,
    USERHEAD_URL,
    USERPIC_URL,
    esc,
    ljuser,
    post_utc,
    thread_url,
    to_local,
    unix,
)
from archiver.sample.render.site_json import JSON

PageLink = Callable[[int], str]  # comment page number -> URL


def site_ctime(when: datetime) -> str:
    """The site scheme's comment time: "January 3 2020, 12:15:00 UTC" (UTC, English)."""
    month = GENITIVE["en"][when.month - 1]  # not %B: that follows the process locale
    return f"{month} {when.day} {when:%Y, %H:%M:%S} UTC"


def _reply_url(post: Post, talkid: int) -> str:
    return f"{post.url}?replyto={talkid}"


def _userpic(comment: Comment) -> str:
    return USERPIC_URL if comment.poster else ANONYMOUS_USERPIC_URL


# ---------------------------------------------------------------- schemius: Site.page.comments


def schemius_comments_json(post: Post, view: CommentView) -> list[JSON]:
    """`Site.page.comments`: what the schemius page's script renders the leaves from."""
    return [_schemius_item(post, shown) for shown in view.shown]


def _schemius_item(post: Post, shown: Shown) -> JSON:
    c = shown.comment
    item: JSON = {
        "thread": c.talkid,
        "parent": c.parent,
        "level": c.depth,
        "thread_url": thread_url(post, c.talkid),
        "shown": 1,
        "collapsed": 1 if shown.collapsed else 0,
        "loaded": 0 if shown.collapsed or shown.hidden else 1,
        "deleted": 1 if c.state == "deleted" else 0,
        "leafclass": "" if c.state == "active" else c.state,
    }
    if shown.hidden:
        return item
    root = urls.journal_root(c.poster) if c.poster else ""
    item.update(
        uname=c.poster or "",
        dname=c.poster or "",
        username=(
            [{"journal_url": root, "profile_url": f"{root}profile", "userhead_url": USERHEAD_URL}]
            if c.poster
            else []
        ),
        commenter_journal_base=root.rstrip("/"),
        userpic=_userpic(c),
        subject=c.subject,
        ctime=site_ctime(c.posted),
        ctime_ts=unix(c.posted),
    )
    if not shown.collapsed:
        item["article"] = c.body_html
    return item


# ---------------------------------------------------------------- schemius: ?nojs=1 leaves (C1)


def schemius_leaves(post: Post, view: CommentView) -> str:
    return "\n".join(_schemius_leaf(post, shown) for shown in view.shown)


def _schemius_leaf(post: Post, shown: Shown) -> str:
    c = shown.comment
    tid = c.talkid
    twig = (
        f'<div class="b-tree-twig b-tree-twig-{c.depth} b-tree-twig-deep-0" '
        f'style="margin-left: {30 * (c.depth - 1)}px" data-tid="t{tid}">'
    )
    if shown.hidden:
        return (
            f'{twig}\n<div class="b-leaf b-leaf-clipped b-leaf-{c.state}" id="t{tid}">\n'
            f'<div class="b-leaf-inner">\n<div class="b-leaf-cheader">'
            f'<p class="b-leaf-status">{PLACEHOLDER_TEXT[c.state]}</p></div>\n'
            f'<div class="b-leaf-footer"></div>\n</div>\n</div>\n</div>'
        )
    link = esc(thread_url(post, tid))
    user = esc(c.poster or "")
    classes = "b-leaf b-leaf-collapsed" if shown.collapsed else "b-leaf b-leaf-poster b-leaf-full"
    if c.state == "frozen":
        classes += " b-leaf-frozen"
    subject_attr = f' data-subject="{esc(c.subject)}"' if c.subject else ""
    subject = (
        f'<h4 class="b-leaf-subject"><a href="{link}" class="b-leaf-subject-link" '
        f'target="_self">{esc(c.subject)}</a></h4>\n'
        if c.subject
        else ""
    )
    if c.poster:
        base = esc(urls.journal_root(c.poster))
        userpic = (
            f'<a href="{base}" target="_blank" class="b-leaf-userpic-inner" lj:user="{user}">'
            f'<img src="{esc(USERPIC_URL)}" alt="{user}" loading="lazy" title="{user}"/></a>'
        )
        name = ljuser(c.poster)
    else:
        userpic = (
            '<a href="" target="_blank" class="b-leaf-userpic-inner" lj:user="">'
            f'<img src="{esc(ANONYMOUS_USERPIC_URL)}" alt="" loading="lazy"/></a>'
        )
        name = "Anonymous"
    article = "" if shown.collapsed else f'<div class="b-leaf-article">{c.body_html}</div>\n'
    actions = (
        '<li class="b-leaf-actions-item b-leaf-actions-expand">'
        f'<a href="{link}" class="b-pseudo" target="_self">Expand</a></li>'
        if shown.collapsed
        else ""
    )
    if c.state == "frozen":
        actions += f'<li class="b-leaf-actions-item b-leaf-actions-frozen">{FROZEN_TEXT}</li>'
    else:
        actions += (
            f'<li class="b-leaf-actions-item b-leaf-actions-reply" data-tid="t{tid}">'
            f'<a href="{esc(_reply_url(post, tid))}" rel="nofollow" class="b-pseudo" '
            'target="_self">Reply</a></li>'
        )
    return (
        f'{twig}\n<div id="t{tid}" class="{classes} comment p-comment" data-username="{user}" '
        f'data-displayname="{user}" data-updated-ts="{unix(c.posted)}" '
        f'data-full="{0 if shown.collapsed else 1}"{subject_attr}>\n'
        '<div class="b-leaf-inner">\n<div class="b-leaf-header">\n'
        f'<div class="b-leaf-userpic">{userpic}</div>\n<div class="b-leaf-details">\n{subject}'
        f'<p class="b-leaf-username"><span class="b-leaf-username-name">{name}</span></p>\n'
        f'<p class="b-leaf-meta"><a href="{link}" class="b-leaf-permalink" target="_self">'
        f'<span class="b-leaf-createdtime">{site_ctime(c.posted)}</span></a></p>\n'
        f'</div>\n</div>\n{article}<div class="b-leaf-footer">'
        f'<ul class="b-leaf-actions b-leaf-footer-actions">{actions}</ul></div>\n'
        "</div>\n</div>\n</div>"
    )


def b_pager(view: CommentView, page_link: PageLink) -> str:
    """The schemius / 2017+ comment pager: `ul.b-pager-pages > li.b-pager-page > a`."""
    if not view.paginated:
        return ""
    items = "".join(
        f'<li class="b-pager-page{" b-pager-page-active" if n == view.page else ""}">'
        f'<a href="{esc(page_link(n))}">{n}</a></li>'
        for n in range(1, view.pages + 1)
    )
    return f'<div class="b-pager"><ul class="b-pager-pages">{items}</ul></div>'


# ---------------------------------------------------------------- S2 (§1e, A2)


def s2_comment_time(journal: Journal, post: Post, comment: Comment) -> str:
    """A2: "2020-01-03 12:15 pm (UTC)" titled "5 hours after journal entry, 03:15 pm (x's time)"."""
    utc = comment.posted
    local = to_local(journal, utc)
    after = _after(int((utc - post_utc(journal, post)).total_seconds() // 60))
    whose = f"{comment.poster}'s time" if comment.poster else "local time"
    title = f"{after} after journal entry, {_ampm(local)} ({whose})"
    return f'<span title="{esc(title)}">{utc:%Y-%m-%d} {_ampm(utc)} (UTC)</span>'


def _ampm(when: datetime) -> str:
    return f"{when:%I:%M} {'am' if when.hour < 12 else 'pm'}"


def _after(minutes: int) -> str:
    minutes = max(minutes, 0)
    for unit, size in (("year", 525_600), ("month", 43_200), ("day", 1_440), ("hour", 60)):
        if minutes >= size:
            n = minutes // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def s2_comments(journal: Journal, post: Post, view: CommentView) -> str:
    return "\n".join(
        _s2_comment(journal, post, shown, "odd" if i % 2 == 0 else "even")
        for i, shown in enumerate(view.shown)
    )


def _s2_menu(journal: Journal, post: Post, shown: Shown) -> str:
    c = shown.comment
    language = journal.language
    items = []
    if not shown.hidden:
        if c.state == "frozen":
            items.append(f'<li class="comment-menu__item comment-frozen-note">{FROZEN_TEXT}</li>')
        else:
            items.append(
                f'<li class="comment-menu__item"><a href="{esc(_reply_url(post, c.talkid))}" '
                f'rel="nofollow">{label(language, "reply")}</a></li>'
            )
    if c.parent is not None:
        items.append(
            f'<li class="comment-menu__item"><a href="{esc(thread_url(post, c.parent))}">'
            f"{label(language, 'parent')}</a></li>"
        )
    items.append(
        f'<li class="comment-menu__item"><a href="{esc(thread_url(post, c.talkid))}">'
        f"{label(language, 'thread')}</a></li>"
    )
    return f'<div class="comment-menu"><ul class="comment-menu__list">{"".join(items)}</ul></div>'


def _s2_comment(journal: Journal, post: Post, shown: Shown, parity: str) -> str:
    c = shown.comment
    tid = c.talkid
    state_class = "" if c.state == "active" else f" comment-{c.state}"
    if shown.collapsed:
        state_class += " comment-collapsed"
    opening = (
        f'<div class="comment-wrap{state_class}" id="ljcmt{tid}" '
        f'style="margin-left:{25 * (c.depth - 1)}px;">\n<a name="t{tid}"></a>\n'
    )
    closing = (
        f'<div class="hr"><hr/></div>\n</div>\n<div id="ljqrt{tid}" style="display: none;"></div>'
    )
    if shown.hidden:
        return (
            f'{opening}<div class="comment-head comment-head-clipped {parity}">'
            f'<div class="comment-head-in"><span class="comment-status">'
            f"{PLACEHOLDER_TEXT[c.state]}</span></div></div>\n"
            f"{_s2_menu(journal, post, shown)}\n{closing}"
        )
    owner = c.poster == journal.username
    if c.poster:
        upic = (
            f'<div class="comment-upic"><img alt="" height="100" src="{esc(USERPIC_URL)}" '
            'width="100"/></div>\n'
        )
        who = ljuser(c.poster)
    else:
        upic, who = "", '<span class="comment-anonymous">Anonymous</span>'
    subject = f'<div class="comment-subject">{esc(c.subject)}</div>\n' if c.subject else ""
    text = (
        ""
        if shown.collapsed
        else f'<div class="comment-text j-c-resize-images{" comment-text-cwoup" if owner else ""}">'
        f"{c.body_html}</div>\n"
    )
    return (
        f'{opening}<div class="comment-head {parity}{" cwoup" if owner else ""}">\n{upic}'
        f'<div class="comment-head-in">\n<div class="comment-poster-info">{who}</div>\n{subject}'
        '<div class="comment-metadata"><span class="comment-datetimelink">'
        f'<a class="comment-permalink" href="{esc(thread_url(post, tid))}">'
        f"{s2_comment_time(journal, post, c)}</a></span></div>\n"
        '<span class="comment-controls"></span>\n</div>\n</div>\n'
        f"{text}{_s2_menu(journal, post, shown)}\n{closing}"
    )


def lj_cmtinfo(journal: Journal, post: Post, view: CommentView) -> JSON:
    """`Site.page.LJ_cmtinfo`: parent, depth and replies of every comment on the page (A2)."""
    info: JSON = {}
    for shown in view.shown:
        c = shown.comment
        user = "" if shown.hidden else (c.poster or "")
        info[str(c.talkid)] = {
            "parent": c.parent,
            "u": user,
            "rc": [str(r) for r in shown.replies],
            "has_link": 0,
            "depth": c.depth,
            "full": 0 if shown.collapsed or shown.hidden else 1,
            "username": user,
        }
    token = hashlib.sha1(f"{journal.username}:{post.ditemid}".encode()).hexdigest()
    info["form_auth"] = f"c0%3A0%3A0%3A86400%3Asample-0-%3A{token}"
    info["remote"] = None
    info["canAdmin"] = 0
    info["journal"] = journal.username
    return info


def s2_pager(view: CommentView, page_link: PageLink) -> str:
    """`div.comments-pages` of A2: prev arrow, numbered pages, next arrow."""
    if view.thread is not None:
        return ""

    def arrow(kind: str, target: int, symbol: str) -> str:
        side = "left" if kind == "prev" else "right"
        inner = f'<span class="arrow arrow--{side}">{symbol}</span>'
        if 1 <= target <= view.pages:
            return (
                f'<li class="comments-pages-item comments-pages-prevnext comments-pages-{kind}">'
                f'<a class="comments-pages-button" href="{esc(page_link(target))}">{inner}</a></li>'
            )
        return (
            f'<li class="comments-pages-item comments-pages-prevnext comments-pages-{kind} '
            f'comments-pages-{kind}-dis"><span class="comments-pages-button '
            f'comments-pages-button-disabled">{inner}</span></li>'
        )

    pages = []
    for n in range(1, view.pages + 1):
        classes = "comments-pages-item"
        if n == view.page:
            classes += " comments-pages-current"
        if n == 1:
            classes += " comments-pages-first"
        button = (
            f'<span class="comments-pages-button">{n}</span>'
            if n == view.page
            else f'<a class="comments-pages-button" href="{esc(page_link(n))}">{n}</a>'
        )
        pages.append(f'<li class="{classes}">{button}</li>')
    return (
        '<div class="comments-pages"><ul class="comments-pages-items">'
        f"{arrow('prev', view.page - 1, '←')}{''.join(pages)}{arrow('next', view.page + 1, '→')}"
        "</ul></div>"
    )


# ---------------------------------------------------------------- 2017+ "aentry" (C2)


def aentry_threads(post: Post, view: CommentView) -> str:
    return "\n".join(_aentry_thread(post, shown) for shown in view.shown)


def _aentry_thread(post: Post, shown: Shown) -> str:
    c = shown.comment
    tid = c.talkid
    opening = (
        f'<div class="mdspost-thread mdspost-thread--level-{c.depth} '
        f'mdspost-thread--leveldeep-0" style="margin-left: {30 * (c.depth - 1)}px" '
        f'data-tid="t{tid}">\n'
    )
    if shown.hidden:
        return (
            f'{opening}<article id="t{tid}" class="mdspost-comment mdspost-comment--clipped '
            f'mdspost-comment--{c.state}">\n<div class="mdspost-comment__inner">'
            '<header class="mdspost-comment__header">'
            f'<div class="mdspost-comment-status">{PLACEHOLDER_TEXT[c.state]}</div>'
            "</header></div>\n</article>\n</div>"
        )
    link = esc(thread_url(post, tid))
    user = esc(c.poster or "")
    classes = "mdspost-comment comment p-comment"
    if c.state == "frozen":
        classes += " mdspost-comment--frozen"
    if shown.collapsed:
        classes += " mdspost-comment--collapsed"
    base = esc(urls.journal_root(c.poster)) if c.poster else ""
    title = f' title="{user}"' if c.poster else ""
    name = ljuser(c.poster) if c.poster else "Anonymous"
    if shown.collapsed:
        body = f'<a class="mdspost-comment__expand" href="{link}">Expand</a>'
    else:
        subject = f'<h4 class="mdspost-comment__subject">{esc(c.subject)}</h4>' if c.subject else ""
        body = f'<div class="mdspost-comment__body">{subject}{c.body_html}</div>'
    frozen = (
        f'\n<p class="mdspost-comment__frozen">{FROZEN_TEXT}</p>' if c.state == "frozen" else ""
    )
    return (
        f'{opening}<article id="t{tid}" class="{classes}" data-username="{user}" '
        f'data-displayname="{user}" data-updated-ts="{unix(c.posted)}" '
        f'data-full="{0 if shown.collapsed else 1}">\n<div class="mdspost-comment__inner">\n'
        f'<header class="mdspost-comment__header">\n<a href="{base}" target="_blank" '
        f'class="mdspost-comment-userpic"><span class="mdspost-comment-userpic__pic" '
        f'lj:user="{user}"><img src="{esc(_userpic(c))}" alt="{user}" loading="lazy" '
        f'class="mdspost-comment-userpic__img ContextualPopup"{title}/></span></a>\n'
        '<div class="mdspost-comment-details">\n<p class="mdspost-comment-username">'
        f'<span class="mdspost-comment-username__name">{name}</span></p>\n'
        f'<p class="mdspost-comment-meta"><a href="{link}" class="mdspost-comment-time '
        f'mdspost-comment-time--ctime" target="_self">{site_ctime(c.posted)}</a></p>\n'
        f"</div>\n</header>\n{body}{frozen}\n</div>\n</article>\n</div>"
    )
