"""Pure parsing of LiveJournal pages: `(url, bytes) -> items`. Never imports Scrapy.

`parse_page` parses a page once (one lxml tree through parsel, plus a JSON decoder over the inline
`Site.*` scripts), detects its skin and returns every item it holds:

- a post page (schemius, S2, aentry): `JournalItem` (when the page carries `Site.journal`),
  `PostItem`, the widget's `RecentPostItem`s, `CommentPolicyItem` (when the page shows the reply
  form or says comments are disabled), the `CommentItem`s of this page, and `PageLinks(kind="post")`
  when there are further comment pages, folded threads or year links to follow;
- a listing page (index, tag, calendar): `JournalItem` (if known) and `PageLinks`;
- on a post or listing page, a `MediaRef` for each image, userpic, stylesheet and script it
  loads (after the other items), with the post or comment it belongs to;
- an RSS / Atom feed: `JournalItem` and `PageLinks(kind="rss"|"atom")`;
- an error page: `JournalItem` with the journal's status (deleted, purged, suspended, blocked,
  renamed), or `LockedPostItem` for a protected entry (after the `JournalItem` when the page
  carries `Site.journal`), or nothing for a plain "not found" (the status code is the fact);
- the adult-content interstitial: `PageLinks(kind="adult")` pointing at the page it guards.

Anything else raises `ParseError`, whose message names the URL and the reason: an empty body, a
redirect (3xx), an HTTP error without LiveJournal's error page, a post URL without a post, a page
of a kind this parser does not know (robots.txt, a profile without `Site.journal`...).
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

from parsel import Selector

from archiver import urls
from archiver.items import FetchedPage, Item, PageLinks
from archiver.parse import site_json
from archiver.parse.comments import parse_comments
from archiver.parse.errors import ParseError
from archiver.parse.journal import (
    journal_from_site,
    locked_post_items,
    locked_text_in,
    parse_error_page,
)
from archiver.parse.listing import (
    LISTING_KINDS,
    canonical,
    looks_like_feed,
    parse_feed,
    parse_listing,
    year_links,
)
from archiver.parse.markup import decode_body, get_str
from archiver.parse.media import listing_page_media, post_page_media
from archiver.parse.page import Page
from archiver.parse.policy import parse_policy
from archiver.parse.post import find_post_root, parse_post
from archiver.parse.skin import ADULT, ERROR, UNKNOWN, detect_skin, skin_markers
from archiver.parse.widget import parse_recent_posts

__all__ = ["ParseError", "parse_page", "parsed"]

_HTML_START = re.compile(r"<(!doctype|html|head|body|div|p|table)\b", re.IGNORECASE)


def parse_page(
    url: str,
    body: bytes,
    *,
    status: int = 200,
    captured_at: datetime,
    content_type: str | None = None,
) -> list[Item]:
    """Every item the page at `url` holds (see the module docstring), in page order per type."""
    try:
        return _parse(url, body, status, captured_at, content_type)
    except ParseError:
        raise
    except Exception as exc:  # whatever a hostile page provokes is that page's parse error
        raise ParseError(url, f"{type(exc).__name__}: {exc}"[:500]) from exc


def parsed(page: FetchedPage) -> list[Item] | ParseError:
    """`parse_page` of a fetched page, its `ParseError` returned rather than raised."""
    try:
        return parse_page(
            page.url,
            page.body,
            status=page.status,
            captured_at=page.captured_at,
            content_type=page.content_type,
        )
    except ParseError as error:
        return error


def _parse(
    url: str, body: bytes, status: int, captured_at: datetime, content_type: str | None
) -> list[Item]:
    if 300 <= status < 400:
        raise ParseError(url, f"HTTP {status} is a redirect: follow it, there is nothing to parse")
    if not body.strip():
        raise ParseError(url, f"empty body (HTTP {status})")
    text = decode_body(body, content_type)
    if looks_like_feed(url, text, content_type):
        return list(parse_feed(url, Selector(text=text, type="xml")))
    if not _HTML_START.search(text[:20000]):
        raise ParseError(url, f"neither HTML nor a feed (HTTP {status}, {content_type or '?'})")
    sel = Selector(text=text, type="html")
    site = site_json.extract(sel.xpath("//script[not(@src)]/text()").getall())
    skin = detect_skin(url, sel, site)
    page = Page(url, status, captured_at, sel, site, skin, urls.classify(url))
    if skin.name == ERROR:
        return parse_error_page(page)
    if skin.name == ADULT:
        return [_adult_links(page)]
    if status >= 400:
        raise ParseError(url, f"HTTP {status} with a {skin.name} page, not an error page")
    root = find_post_root(page) if skin.is_post_skin else None
    if root is not None and (page.ref.kind == "post" or page.site.entry):
        return _post_page(page, root)
    if page.ref.kind == "post":
        locked = locked_text_in(page)
        if locked:
            return locked_post_items(page, locked)
        seen = f" (saw {skin_markers(sel, site)})" if skin.name == UNKNOWN else ""
        raise ParseError(url, f"no post found in the {skin.name} markup{seen}")
    journal = page.journal
    known = journal_from_site(page)
    if page.ref.kind in LISTING_KINDS and journal:
        return [
            *([known] if known else []),
            parse_listing(page, journal),
            *listing_page_media(page, journal),
        ]
    if known is not None:
        return [known]
    raise ParseError(url, f"not a page this parser knows ({page.ref.kind} URL, {skin.name} skin)")


def _post_page(page: Page, root: Selector) -> list[Item]:
    post = parse_post(page, root)
    items: list[Item] = []
    known = journal_from_site(page)
    if known is not None:
        items.append(known)
    items.append(post)
    items.extend(parse_recent_posts(page, post.journal))
    policy = parse_policy(page, post.journal)
    if policy is not None:
        items.append(policy)
    comments = parse_comments(page, post.journal, post.ditemid)
    items.extend(comments.comments)
    items.extend(
        post_page_media(
            page, post.journal, post.ditemid, root, comments.comments, comments.userpics
        )
    )
    years = year_links(page, post.journal)
    if comments.more_urls or years:
        items.append(
            PageLinks(
                source_url=page.url,
                kind="post",
                listing_urls=tuple(years),
                comment_page_urls=tuple(comments.more_urls),
            )
        )
    return items


def _adult_links(page: Page) -> PageLinks:
    """The interstitial guards one page: its `ret` parameter, else the URL itself."""
    target = (parse_qs(urlsplit(page.url).query).get("ret") or [""])[-1] or (
        get_str(page.sel, "//form//input[@name='ret']/@value") or ""
    )
    target = page.absolute(target) if target else page.url
    ref = urls.classify(target)
    normal = canonical(ref) or target
    if ref.kind == "post":
        return PageLinks(source_url=page.url, kind="adult", post_urls=(normal,))
    return PageLinks(source_url=page.url, kind="adult", listing_urls=(normal,))
