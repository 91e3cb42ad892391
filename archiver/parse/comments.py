"""The comments of a post page: `Site.page.comments`, S2 markup with `LJ_cmtinfo`, schemius
`?nojs=1` leaves and the 2017+ `mdspost` threads (ANATOMY §1d–1e, MARKUP.md).

Besides the comments it returns the URLs that hold more of them: the other comment pages
(`?page=N`) and the threads folded on this page (`?thread=ID`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from parsel import Selector

from archiver import urls
from archiver.items import CommentItem
from archiver.parse.dates import DateParseError, from_timestamp, parse_date
from archiver.parse.markup import class_set, cleaned_copy, first, has_class, inner_html, text_of
from archiver.parse.page import Page
from archiver.parse.requisites import USERPIC_HOSTS
from archiver.parse.site_json import as_int, as_str

STATES = ("screened", "deleted", "frozen", "spammed", "suspended")
# States whose comments LiveJournal shows only as a placeholder ("Deleted comment"…).
_HIDDEN_STATES = frozenset({"screened", "deleted", "spammed", "suspended"})
# Of those, the states whose text no reader gets: a screened comment's text is shown to the
# journal's owner (and its author), and is kept when the page shows it.
_TEXTLESS_STATES = _HIDDEN_STATES - {"screened"}
# Query parameters that choose the skin; a follow-up page keeps them.
_SKIN_PARAMS = ("format", "nojs")
_TALKID = re.compile(r"(\d+)$")
_MARGIN = re.compile(r"margin-left\s*:\s*(\d+)")


@dataclass
class CommentsResult:
    comments: list[CommentItem] = field(default_factory=list)
    more_urls: list[str] = field(default_factory=list)  # other comment pages, folded threads
    userpics: dict[int, str] = field(default_factory=dict)  # talkid -> the commenter's userpic


def parse_comments(page: Page, journal: str, ditemid: int) -> CommentsResult:
    result = CommentsResult()
    raw = page.site.page_value("comments")
    if isinstance(raw, list) and raw:
        _from_json(page, journal, ditemid, raw, result)
    elif page.sel.xpath(f"//div[{has_class('comment-wrap')} and starts-with(@id, 'ljcmt')]"):
        _from_s2(page, journal, ditemid, result)
    elif page.sel.xpath(f"//div[{has_class('b-tree-twig')}]"):
        _from_leaves(page, journal, ditemid, result)
    elif page.sel.xpath(f"//div[{has_class('mdspost-thread')}]"):
        _from_mdspost(page, journal, ditemid, result)
    result.more_urls = _unique(
        [*_comment_page_urls(page, journal, ditemid), *result.more_urls], exclude=page.url
    )
    return result


# ---------------------------------------------------------------- Site.page.comments


def _from_json(
    page: Page, journal: str, ditemid: int, raw: list[Any], result: CommentsResult
) -> None:
    for entry in raw:
        if not isinstance(entry, dict):
            continue
        if entry.get("type") == "more" or ("more" in entry and "thread" not in entry):
            result.more_urls.extend(_more_urls(page, journal, ditemid, entry))
            continue
        talkid = as_int(entry.get("thread")) or as_int(entry.get("dtalkid"))
        if talkid is None:
            continue
        state = _state_from_json(entry)
        # A placeholder (screened, deleted...) is never "collapsed": there is no body to unfold.
        collapsed = state not in _HIDDEN_STATES and (
            bool(entry.get("collapsed")) or not isinstance(entry.get("article"), str)
        )
        article = entry.get("article")
        body = article if isinstance(article, str) and not collapsed else None
        if state in _TEXTLESS_STATES:
            body = None
        posted_text = as_str(entry.get("ctime")) or None
        ts = entry.get("ctime_ts")
        stamp = (
            from_timestamp(ts) if isinstance(ts, int | float) and not isinstance(ts, bool) else None
        )
        posted = stamp.isoformat() if stamp is not None else _posted(page, posted_text)
        result.comments.append(
            CommentItem(
                journal=journal,
                ditemid=ditemid,
                talkid=talkid,
                parent_talkid=as_int(entry.get("parent")) or None,
                depth=as_int(entry.get("level")) or 1,
                poster=as_str(entry.get("uname")) or None,
                subject=as_str(entry.get("subject")) or None,
                body_html=body,
                posted_text=posted_text,
                posted=posted,
                state=state,
                collapsed=collapsed,
            )
        )
        if collapsed:
            result.more_urls.append(
                _thread_url(page, journal, ditemid, talkid, as_str(entry.get("thread_url")))
            )
        _note_userpic(result, talkid, as_str(entry.get("userpic")))


def _state_from_json(entry: dict[str, Any]) -> str:
    leafclass = as_str(entry.get("leafclass"))
    found = _state_in(leafclass.replace("b-leaf-", " ").split())
    if found != "active":
        return found
    if entry.get("deleted"):
        return "deleted"
    if entry.get("frozen") or entry.get("is_frozen"):
        return "frozen"
    return "active"


def _more_urls(page: Page, journal: str, ditemid: int, entry: dict[str, Any]) -> Iterator[str]:
    actions = entry.get("actions")
    hrefs = (
        [as_str(a.get("href")) for a in actions if isinstance(a, dict) and a.get("href")]
        if isinstance(actions, list)
        else []
    )
    parent = as_int(entry.get("parent")) or 0
    for href in hrefs:
        yield _thread_url(page, journal, ditemid, parent, href)
    if not hrefs and parent:
        yield _thread_url(page, journal, ditemid, parent, "")


# ---------------------------------------------------------------- S2 (§1e)


def _from_s2(page: Page, journal: str, ditemid: int, result: CommentsResult) -> None:
    info_all = page.site.page_value("LJ_cmtinfo")
    infos: dict[str, Any] = info_all if isinstance(info_all, dict) else {}
    stack: Ancestors = {}
    for wrap in page.sel.xpath(f"//div[{has_class('comment-wrap')} and starts-with(@id, 'ljcmt')]"):
        talkid = _talkid(str(wrap.attrib.get("id", "")))
        if talkid is None:
            continue
        info = infos.get(str(talkid))
        info = info if isinstance(info, dict) else {}
        own = f"[ancestor::div[{has_class('comment-wrap')}][1][@id='{wrap.attrib['id']}']]"
        depth = as_int(info.get("depth")) or _depth_from_margin(wrap, 25)
        parent = as_int(info.get("parent")) if "parent" in info else _parent(stack, depth)
        _push(stack, depth, talkid)
        classes = set(class_set(wrap))
        for child in wrap.xpath("./*"):
            classes |= class_set(child)
        state = _state_in(c.removeprefix("comment-") for c in classes)
        text_nodes = wrap.xpath(f".//div[{has_class('comment-text')}]{own}")
        poster = wrap.xpath(
            f".//*[{has_class('comment-poster-info')} or {has_class('comment-poster')}]{own}"
            "//@*[name()='data-ljuser' or name()='lj:user']"
        ).get()
        if state == "active" and not text_nodes:
            state = _state_from_placeholder(text_of(wrap))
        collapsed = state not in _HIDDEN_STATES and (
            info.get("full") == 0 or "partial" in classes or not text_nodes
        )
        body = (
            inner_html(cleaned_copy(text_nodes[0], None))
            if text_nodes and not collapsed and state not in _TEXTLESS_STATES
            else None
        )
        subject = wrap.xpath(
            f".//*[{has_class('comment-subject')} or {has_class('comment-title')}]{own}"
        )
        date = wrap.xpath(f".//*[{has_class('comment-permalink')}]{own}") or wrap.xpath(
            f".//*[{has_class('comment-datetimelink')} or {has_class('comment-date')}]{own}"
        )
        posted_text = text_of(date[0]) if date else None
        result.comments.append(
            CommentItem(
                journal=journal,
                ditemid=ditemid,
                talkid=talkid,
                parent_talkid=parent or None,
                depth=depth,
                poster=_s2_poster(info, str(poster) if poster else None),
                subject=(text_of(subject[0]) or None) if subject else None,
                body_html=body,
                posted_text=posted_text or None,
                posted=_posted(page, posted_text),
                state=state,
                collapsed=collapsed,
            )
        )
        if collapsed:
            result.more_urls.append(_thread_url(page, journal, ditemid, talkid, ""))
        _note_userpic(result, talkid, wrap.xpath(f".//img{own}/@src").get())


def _s2_poster(info: dict[str, Any], in_markup: str | None) -> str | None:
    """`LJ_cmtinfo` names every commenter whatever the theme's markup: `u` (or `username`) is
    the LiveJournal username, `ext_NNN` for an OpenID account, empty for an anonymous one. The
    markup's `data-ljuser` is the fallback for a comment LJ_cmtinfo does not list."""
    if "u" in info or "username" in info:
        return as_str(info.get("u")) or as_str(info.get("username")) or None
    return in_markup


# ---------------------------------------------------------------- schemius ?nojs=1 (§1d, C1)


def _from_leaves(page: Page, journal: str, ditemid: int, result: CommentsResult) -> None:
    stack: Ancestors = {}
    for twig in page.sel.xpath(f"//div[{has_class('b-tree-twig')}]"):
        leaf = first(twig, "div.b-leaf")
        talkid = _talkid(str((leaf.attrib.get("id") if leaf is not None else None) or ""))
        talkid = talkid or _talkid(str(twig.attrib.get("data-tid", "")))
        if talkid is None:
            continue
        depth = _level_class(twig, "b-tree-twig-") or _depth_from_margin(twig, 30)
        parent = _parent(stack, depth)
        _push(stack, depth, talkid)
        classes = class_set(leaf) if leaf is not None else frozenset()
        state = _state_in(c.removeprefix("b-leaf-") for c in classes)
        article = first(leaf, "div.b-leaf-article") if leaf is not None else None
        if state == "active" and article is None:
            state = _state_from_placeholder(text_of(leaf))
        collapsed = state not in _HIDDEN_STATES and (
            "b-leaf-collapsed" in classes or article is None
        )
        subject_node = first(leaf, ".b-leaf-subject") if leaf is not None else None
        subject = text_of(subject_node) if subject_node is not None else ""
        if not subject and leaf is not None:
            subject = " ".join(str(leaf.attrib.get("data-subject", "")).split())
        posted_text = text_of(first(leaf, ".b-leaf-createdtime")) if leaf is not None else ""
        poster = str(leaf.attrib.get("data-username", "")) if leaf is not None else ""
        result.comments.append(
            CommentItem(
                journal=journal,
                ditemid=ditemid,
                talkid=talkid,
                parent_talkid=parent,
                depth=depth,
                poster=poster or None,
                subject=subject or None,
                body_html=(
                    inner_html(cleaned_copy(article, None))
                    if article is not None and state not in _TEXTLESS_STATES
                    else None
                ),
                posted_text=posted_text or None,
                posted=_posted(page, posted_text),
                state=state,
                collapsed=collapsed,
            )
        )
        if collapsed:
            result.more_urls.append(_thread_url(page, journal, ditemid, talkid, ""))
        if leaf is not None:
            _note_userpic(result, talkid, leaf.xpath(".//img/@src").get())


# ---------------------------------------------------------------- 2017+ mdspost (C2)


def _from_mdspost(page: Page, journal: str, ditemid: int, result: CommentsResult) -> None:
    stack: Ancestors = {}
    for thread in page.sel.xpath(f"//div[{has_class('mdspost-thread')}]"):
        comment = first(thread, "article.mdspost-comment")
        talkid = _talkid(str((comment.attrib.get("id") if comment is not None else None) or ""))
        talkid = talkid or _talkid(str(thread.attrib.get("data-tid", "")))
        if talkid is None:
            continue
        depth = _level_class(thread, "mdspost-thread--level-") or 1
        parent = _parent(stack, depth)
        _push(stack, depth, talkid)
        classes = class_set(comment) if comment is not None else frozenset()
        state = _state_in(c.removeprefix("mdspost-comment--") for c in classes)
        body_node = first(comment, ".mdspost-comment__body") if comment is not None else None
        if state == "active" and body_node is None:
            state = _state_from_placeholder(text_of(comment))
        collapsed = state not in _HIDDEN_STATES and (
            "mdspost-comment--collapsed" in classes or body_node is None
        )
        subject = text_of(first(body_node, ".mdspost-comment__subject")) if body_node else ""
        body = (
            inner_html(cleaned_copy(body_node, f".//*[{has_class('mdspost-comment__subject')}]"))
            if body_node is not None and state not in _TEXTLESS_STATES
            else None
        )
        posted_text = text_of(first(comment, ".mdspost-comment-time")) if comment else ""
        poster = str(comment.attrib.get("data-username", "")) if comment is not None else ""
        result.comments.append(
            CommentItem(
                journal=journal,
                ditemid=ditemid,
                talkid=talkid,
                parent_talkid=parent,
                depth=depth,
                poster=poster or None,
                subject=subject or None,
                body_html=body,
                posted_text=posted_text or None,
                posted=_posted(page, posted_text),
                state=state,
                collapsed=collapsed,
            )
        )
        if collapsed:
            result.more_urls.append(_thread_url(page, journal, ditemid, talkid, ""))
        if comment is not None:
            _note_userpic(result, talkid, comment.xpath(".//img/@src").get())


# ---------------------------------------------------------------- shared


def _note_userpic(result: CommentsResult, talkid: int, src: str | None) -> None:
    """The commenter's picture, when the comment shows one on LiveJournal's userpic host."""
    if src and urlsplit(src).hostname in USERPIC_HOSTS:
        result.userpics[talkid] = src


def _state_in(tokens: Any) -> str:
    found = set(tokens)
    for state in STATES:
        if state in found:
            return state
    return "active"


def _state_from_placeholder(text: str) -> str:
    # S2 language strings: "Deleted comment", "Screened comment", "Spammed comment"…
    lowered = text.casefold()
    for state in ("deleted", "screened", "spammed", "suspended"):
        if f"{state} comment" in lowered:
            return state
    return "active"


def _posted(page: Page, text: str | None) -> str | None:
    if not text:
        return None
    try:
        return parse_date(text, captured_at=page.captured_at).utc_iso()
    except DateParseError:
        return None


def _talkid(text: str) -> int | None:
    match = _TALKID.search(text)
    return int(match.group(1)) if match else None


def _level_class(node: Selector, prefix: str) -> int | None:
    for name in class_set(node):
        if name.startswith(prefix):
            level = as_int(name[len(prefix) :])
            if level is not None and level > 0:
                return level
    return None


def _depth_from_margin(node: Selector, step: int) -> int:
    match = _MARGIN.search(str(node.attrib.get("style", "")))
    margin = as_int(match.group(1)) if match else None
    return margin // step + 1 if margin is not None else 1


# The thread above the comment being read: depth -> the talkid last seen at that depth. A
# depth is a number from the page, so nothing is ever sized by it.
Ancestors = dict[int, int]


def _parent(stack: Ancestors, depth: int) -> int | None:
    """The nearest comment above at depth - 1; None when it is not on this page."""
    return stack.get(depth - 1) if depth >= 2 else None


def _push(stack: Ancestors, depth: int, talkid: int) -> None:
    for deeper in [d for d in stack if d >= depth]:
        del stack[deeper]
    stack[depth] = talkid


def _variant(at: Page, journal: str, ditemid: int, **params: str) -> str:
    """The post URL with `params`, keeping the skin-choosing parameters of the page `at`."""
    current = parse_qs(urlsplit(at.url).query)
    query = {k: v[-1] for k, v in current.items() if k in _SKIN_PARAMS}
    query.update(params)
    base = urls.post_url(journal, ditemid)
    return f"{base}?{urlencode(query)}" if query else base


def _thread_url(page: Page, journal: str, ditemid: int, talkid: int, given: str) -> str:
    """The `?thread=` page of a comment, keeping this page's skin parameters."""
    if given:
        ref = urls.classify(page.absolute(given))
        if ref.kind == "post" and ref.query and "thread" in ref.query:
            return _variant(page, journal, ditemid, thread=ref.query["thread"])
        if not talkid:
            return page.absolute(given)
    return _variant(page, journal, ditemid, thread=str(talkid))


def _comment_page_urls(page: Page, journal: str, ditemid: int) -> list[str]:
    current = (page.ref.query or {}).get("page", "1")
    found: list[str] = []
    for href in page.sel.xpath("//a[contains(@href, 'page=')]/@href").getall():
        ref = urls.classify(page.absolute(str(href)))
        if ref.kind != "post" or ref.ditemid != ditemid or ref.journal != journal:
            continue
        number = (ref.query or {}).get("page", "")
        if number.isdigit() and number != current:
            found.append(_variant(page, journal, ditemid, page=number))
    return found


def _unique(items: list[str], exclude: str) -> list[str]:
    return [u for u in dict.fromkeys(items) if u != exclude]
