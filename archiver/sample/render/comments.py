"""Comment templates of the three skins (ANATOMY §1d, §1e; C1, C2) and their pagers."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from archiver import urls
from archiver.sample.content import Comment, Journal, Post
from archiver.sample.media import userpic_url
from archiver.sample.render.comment_view import (
    FROZEN_TEXT,
    PLACEHOLDER_TEXT,
    CommentView,
    More,
    Shown,
)
from archiver.sample.render.lang import GENITIVE, label
from archiver.sample.render.markup import (
    ANONYMOUS_USERPIC_URL,
    STAT,
    USERHEAD_URL,
    WWW,
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
    return userpic_url(comment.poster) if comment.poster else ANONYMOUS_USERPIC_URL


# ---------------------------------------------------------------- schemius: Site.page.comments
#
# Every record carries the keys of the real records (evo_lutio-1180335, -1179162-page1), in their
# order, null where LiveJournal gives null: `thread` = `dtalkid` (the public id of ?thread=),
# `talkid` the internal id (real: dtalkid >> 8; the sample's ids are not made as
# jtalkid * 256 + anum, so it repeats dtalkid), `parent` 0 at the top, `above` / `below` the
# neighbours in the thread, `poster` the entry's author, `margin` 30px a level. Loaded comments
# have `article`, `userpic` and `actions` reply / expandchilds / permalink / collapse / expand;
# collapsed ones `loaded` 0, `collapsed` 1, `leafclass` "collapsed", no `article`; placeholders
# (deleted, screened…) `shown` 0, `collapsed` 1, empty `uname`, null `username` and `actions`.
# Two differences from the real records, because the parser's tests expect them (see MARKUP.md):
# a collapsed comment keeps its `ctime` text, and a placeholder has no `ctime_ts`.


def schemius_comments_json(
    journal: Journal, post: Post, view: CommentView, now: datetime
) -> list[JSON]:
    """`Site.page.comments`: what the schemius page's script renders the leaves from."""
    neighbours = _neighbours(view)
    folded_under = {m.parent.talkid for m in view.more}
    with_collapsed = _with_collapsed_descendant(view, folded_under)
    records: list[JSON] = []
    more_at: dict[int, list[More]] = {}
    for m in view.more:
        more_at.setdefault(m.position, []).append(m)
    for i, shown in enumerate(view.shown):
        records += [_more_record(post, m) for m in more_at.get(i, ())]
        above, below = neighbours[shown.comment.talkid]
        records.append(
            _schemius_item(
                journal,
                post,
                shown,
                now,
                above=above,
                below=below,
                expandable=shown.comment.talkid in with_collapsed,
            )
        )
    records += [_more_record(post, m) for m in more_at.get(len(view.shown), ())]
    return records


def _neighbours(view: CommentView) -> dict[int, tuple[int | None, int | None]]:
    """`above`: the previous reply to the same parent, else the parent; `below`: the next reply
    (folded ones included). Top-level comments have neither (as on the real pages)."""
    folded = [c for m in view.more for c in m.replies]
    siblings: dict[int, list[Comment]] = {}
    for c in sorted([s.comment for s in view.shown] + folded, key=_order(view)):
        if c.parent is not None:
            siblings.setdefault(c.parent, []).append(c)
    found: dict[int, tuple[int | None, int | None]] = {}
    for parent, replies in siblings.items():
        for i, c in enumerate(replies):
            above = replies[i - 1].talkid if i else parent
            below = replies[i + 1].talkid if i + 1 < len(replies) else None
            found[c.talkid] = (above, below)
    return {s.comment.talkid: found.get(s.comment.talkid, (None, None)) for s in view.shown}


def _order(view: CommentView) -> Callable[[Comment], int]:
    """The comments' page order: listed ones where they stand, folded ones at their record."""
    place: dict[int, int] = {s.comment.talkid: 2 * i for i, s in enumerate(view.shown)}
    for m in view.more:
        for c in m.replies:
            place[c.talkid] = 2 * m.position - 1
    return lambda c: place[c.talkid]


def _with_collapsed_descendant(view: CommentView, folded_under: set[int]) -> set[int]:
    """Loaded comments with something collapsed or folded below them: they get "expandchilds"."""
    parents = {s.comment.talkid: s.comment.parent for s in view.shown}
    found: set[int] = set()
    for s in view.shown:
        if (s.collapsed and not s.hidden) or s.comment.talkid in folded_under:
            up = s.comment.parent
            while up is not None and up in parents:
                found.add(up)
                up = parents[up]
    return found


def _ljuser_json(username: str) -> JSON:
    """One `username` / `ljusers` entry: the keys of the real records."""
    root = urls.journal_root(username)
    return {
        "journal_url": root,
        "striked": None,
        "journaltype": "P",
        "userhead_url": USERHEAD_URL,
        "color": None,
        "noctxpopup": 0,
        "side_alias": 0,
        "journal": username,
        "inline_css": 0,
        "attrs": None,
        "is_identity": 0,
        "bold": 1,
        "show_userhead": 1,
        "username": username,
        "user_alias": "",
        "profile_url": f"{root}profile",
        "alias": 0,
    }


def _action(name: str, title: str, href: str, *, footer: bool = False) -> JSON:
    action: JSON = {"allowed": 1, "href": href, "name": name, "title": title}
    if footer:
        action["footer"] = 1
    return action


def _actions(journal: Journal, post: Post, shown: Shown, *, expandable: bool) -> list[JSON] | None:
    c = shown.comment
    if shown.hidden:
        return None
    link = thread_url(post, c.talkid)
    actions = []
    loaded = not shown.collapsed
    if loaded and not journal.policy.comments_disabled and c.state != "frozen":
        actions.append(_action("reply", "Reply", _reply_url(post, c.talkid), footer=True))
    if loaded and expandable:
        actions.append(_action("expandchilds", "Expand", link, footer=True))
    actions += [
        _action("permalink", "link", link),
        _action("collapse", "Collapse", link),
        _action("expand", "Expand", link),
    ]
    return actions


def relative_time(now: datetime, when: datetime) -> str:
    """`stime`: "2 weeks ago" (19 days before the real page's server time), "3 weeks ago"…"""
    seconds = max(int((now - when).total_seconds()), 0)
    days = seconds // 86_400
    for unit, amount in (
        ("year", days // 365),
        ("month", days // 30),
        ("week", days // 7),
        ("day", days),
        ("hour", seconds // 3600),
        ("minute", seconds // 60),
    ):
        if amount:
            return f"{amount} {unit}{'' if amount == 1 else 's'} ago"
    return "just now"


def _schemius_item(
    journal: Journal,
    post: Post,
    shown: Shown,
    now: datetime,
    *,
    above: int | None,
    below: int | None,
    expandable: bool,
) -> JSON:
    c = shown.comment
    hidden = shown.hidden
    loaded = not (hidden or shown.collapsed)
    poster = None if hidden else c.poster
    root = urls.journal_root(poster) if poster else ""
    if hidden:
        leafclass: str | None = c.state
    elif c.state != "active":
        leafclass = c.state
    else:
        leafclass = "collapsed" if shown.collapsed else None
    return {
        "userpic": _userpic(c) if loaded else None,
        "uname": poster or "",
        "loaded": 1 if loaded else 0,
        "statprefix": STAT,
        "deepLevel": 0,
        "talkid": c.talkid,
        "controls": None,
        "siteroot": WWW,
        "ipaddr": None,
        "parent": c.parent or 0,
        "subject": None if hidden else c.subject,
        "is_promo": 0,
        "username": [_ljuser_json(poster)] if poster else None,
        "thread": c.talkid,
        "level": c.depth,
        "dname": poster or "",
        "shown": 0 if hidden else 1,
        "collapsed": 0 if loaded else 1,
        "actions": _actions(journal, post, shown, expandable=expandable),
        "p_tracked": 0,
        "commenter_journal_base": root,
        "lj_statprefix": STAT,
        "dtalkid": c.talkid,
        "etime_ts": None,
        "thread_url": thread_url(post, c.talkid),
        "above": above,
        "upictitle": f"{poster}: default userpic" if loaded and poster else None,
        "article": c.body_html if loaded else None,
        "noid": None,
        "poster": post.poster,
        "stime": relative_time(now, c.posted),
        "below": below,
        "ctime": None if hidden else site_ctime(c.posted),
        "deleted_poster": None,
        "massactions": 0,
        "deleted": 1 if c.state == "deleted" else 0,
        "etime": None,
        "ctime_ts": None if hidden else unix(c.posted),
        "subclass": None,
        "suspended": None,
        "margin": 30 * (c.depth - 1),
        "leafclass": leafclass,
        "is_best": 0,
        "tracked": 0,
    }


def _more_record(post: Post, more: More) -> JSON:
    """`{"more": N, "parent": …}`: N replies this page does not list; they are on the parent's
    `?thread=` page (the record's "expand" action)."""
    users = list(dict.fromkeys(c.poster for c in more.folded if c.poster and c.state == "active"))
    return {
        "actions": [_action("expand", "More", thread_url(post, more.parent.talkid))],
        "parent": more.parent.talkid,
        "moreclass": "width",
        "data": ":".join(str(c.talkid) for c in more.replies),
        "is_remote_sup": 0,
        "moreusers": 1 if users else 0,
        "level": more.depth,
        "margin": 30 * (more.depth - 1),
        "more": len(more.folded),
        "ljusers": [_ljuser_json(u) for u in users],
        "touched": max(unix(c.posted) for c in more.folded),
    }


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
    if c.state != "active":  # frozen, or screened as the journal's owner sees it
        classes += f" b-leaf-{c.state}"
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
            f'<img src="{esc(userpic_url(c.poster))}" alt="{user}" loading="lazy" title="{user}"/>'
            "</a>"
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
            f'<div class="comment-upic"><img alt="" height="100" '
            f'src="{esc(userpic_url(c.poster))}" width="100"/></div>\n'
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
    info["remote"] = journal.reader
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
    if c.state != "active":
        classes += f" mdspost-comment--{c.state}"
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
