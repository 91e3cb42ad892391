"""The post of a post page, in each of the three skins (ANATOMY §1a–1c, MARKUP.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsel import Selector

from archiver import urls
from archiver.items import PostItem
from archiver.parse import skin as skins
from archiver.parse.dates import DateParseError, parse_date
from archiver.parse.errors import ParseError
from archiver.parse.markup import (
    cleaned_copy,
    first,
    get_str,
    has_class,
    html_to_text,
    inner_html,
    int_in,
    text_of,
)
from archiver.parse.page import Page
from archiver.parse.site_json import as_int, as_str

METADATA_KEYS = ("mood", "music", "location")

# What the skins put inside or next to the body that is not the author's text.
_JUNK_CLASSES = (
    "ljtags",
    "b-singlepost-tags",
    "metadata",
    "b-singlepost-currents",
    "aentry-post__currents",
    "aentry-tags",
    "lj-like",
    "ljlikus-item",
    "journal-reactions",
    "b-singlepost-reactions",
    "lj-recommended",
    "ljsale",
    "js-lj-share",
    "b-linkbar",
    "entry-linkbar",
    "threeposts",
)
_BODY_JUNK = " | ".join(
    [f".//*[{has_class(name)}]" for name in _JUNK_CLASSES] + [".//*[@lj-likus]", ".//*[@lj-share]"]
)
_POST_ID = re.compile(r"^post-([\w-]+)-(\d+)$")


@dataclass
class _Parts:
    """What one skin's markup shows; `None` where the skin shows nothing."""

    root: Selector
    body: Selector | None
    title: str | None = None
    date_text: str = ""
    date_iso: str | None = None  # a machine-readable datetime attribute, when the skin has one
    tags: list[str] = field(default_factory=list)
    poster: str | None = None
    count_text: str | None = None
    metadata: dict[str, str | None] = field(default_factory=dict)


def find_post_root(page: Page) -> Selector | None:
    """The element holding the post in the page's skin, or None."""
    old_scheme = [f"//div[{has_class('b-singlepost')}]"]
    queries = {
        skins.SCHEMIUS: [f"//article[{has_class('b-singlepost')}]"],
        **{name: old_scheme for name in skins.OLD_SCHEMES},
        skins.S2: [
            f"//*[{has_class('hentry')} and starts-with(@id, 'post-')]",
            f"//*[{has_class('hentry')}]",
        ],
        skins.AENTRY: [f"//article[{has_class('aentry')}]"],
    }.get(page.skin.name, [])
    for query in queries:
        found = page.sel.xpath(query)
        if found:
            return found[0]
    return None


def parse_post(page: Page, root: Selector) -> PostItem:
    parse_parts = {skins.S2: _s2, skins.AENTRY: _aentry}.get(page.skin.name, _schemius)
    parts = parse_parts(root)
    if parts.body is None:
        raise ParseError(page.url, f"no post body in the {page.skin.name} markup")
    journal, ditemid = _identity(page, root)
    entry = page.site.entry
    body = cleaned_copy(parts.body, _BODY_JUNK)
    published_text, published = _published(page, parts)
    return PostItem(
        journal=journal,
        ditemid=ditemid,
        url=urls.post_url(journal, ditemid),
        title=parts.title if parts.title else as_str(entry.get("title")),
        poster=as_str(entry.get("poster")) or parts.poster or journal,
        published_text=published_text,
        published=published,
        body_html=inner_html(body),
        body_text=html_to_text(body),
        tags=tuple(_tags(page, parts)),
        comment_count=_comment_count(page, parts),
        security=_security(page, parts),
        skin=page.skin.name,
        mood=parts.metadata.get("mood"),
        music=parts.metadata.get("music"),
        location=parts.metadata.get("location"),
    )


def _schemius(root: Selector) -> _Parts:
    """Schemius, and the older schemes that share its classes (`div`, `span`, `lj:user`)."""
    title = first(root, "h1.b-singlepost-title")
    author = f".//*[{has_class('b-singlepost-author-userinfo')}]"
    return _Parts(
        root=root,
        body=first(root, ".b-singlepost-body"),
        title=text_of(title) if title is not None else None,
        date_text=text_of(first(root, ".b-singlepost-author-date")),
        tags=_texts(root, "div.b-singlepost-tags a"),
        poster=get_str(root, f"{author}//@data-ljuser")
        or get_str(root, f"{author}//@*[name()='lj:user']"),
        count_text=text_of(first(root, "span.js-amount")) or None,
        metadata=_schemius_metadata(root),
    )


# The labels LiveJournal prints before mood, music and location, in its site languages, for
# the schemes that give the list items no per-field class ("Current mood:", "Настроение:").
_METADATA_LABELS = {
    "mood": ("mood", "настроение", "настрій"),
    "music": ("music", "музыка", "музика"),
    "location": ("location", "местонахождение", "местоположение", "место", "місце", "розташування"),
}


def _schemius_metadata(root: Selector) -> dict[str, str | None]:
    """`li.b-singlepost-meta-item-mood` (value in `.b-singlepost-meta-data`); the lynx scheme's
    unmarked `li.b-singlepost-meta-item` told apart by its label; the sample's older guess."""
    found: dict[str, str | None] = {}
    for item in root.css("li.b-singlepost-meta-item"):
        key = _metadata_key(item) or _metadata_label(item)
        if key and key not in found:
            found[key] = _metadata_value(item, "b-singlepost-meta-data")
    for key in METADATA_KEYS:
        if found.get(key) is None:
            guessed = first(root, f"li.b-singlepost-currents-item-{key}")
            found[key] = _metadata_value(guessed, "b-singlepost-currents-value")
    return found


def _metadata_key(item: Selector) -> str | None:
    classes = str(item.attrib.get("class", "")).split()
    keys = [c.removeprefix("b-singlepost-meta-item-") for c in classes]
    return next((k for k in keys if k in METADATA_KEYS), None)


def _metadata_label(item: Selector) -> str | None:
    label = " ".join(item.xpath(".//strong//text() | .//b//text()").getall()).casefold()
    words = label.replace(":", " ").split()
    for key, names in _METADATA_LABELS.items():
        if any(name in words for name in names):
            return key
    return None


def _s2(root: Selector) -> _Parts:
    title = root.xpath(f".//*[{has_class('entry-title')} and not({has_class('entry-linkbar')})]")
    date = first(root, "abbr.updated")
    content = first(root, ".entry-content")
    page_root = root.xpath("/*")[0]
    return _Parts(
        root=root,
        body=content,
        title=text_of(title[0]) if title else None,
        date_text=text_of(date) if date is not None else text_of(first(root, ".entry-date")),
        date_iso=_attr(date, "title"),
        tags=_texts(root, ".ljtags a[rel=tag]") or _texts(root, ".ljtags a"),
        poster=get_str(root, f".//*[{has_class('author')}]//@data-ljuser"),
        count_text=text_of(first(page_root, "span.comments-count")) or None,
        metadata={
            key: _metadata_value(first(root, f".metadata-{key}"), None) for key in METADATA_KEYS
        },
    )


def _aentry(root: Selector) -> _Parts:
    title = first(root, ".aentry-post__title-text") or first(root, ".aentry-post__title")
    time = first(root, "p.aentry-head__date time") or first(root, ".aentry-head__date")
    page_root = root.xpath("/*")[0]
    return _Parts(
        root=root,
        body=first(root, ".aentry-post__text--view") or first(root, ".aentry-post__text"),
        title=text_of(title) if title is not None else None,
        date_text=text_of(time),
        date_iso=_attr(time, "datetime"),
        tags=_texts(root, ".aentry-tags a.aentry-tags__link") or _texts(root, ".aentry-tags a"),
        poster=get_str(root, f".//*[{has_class('aentry-head')}]//@data-ljuser"),
        count_text=text_of(first(page_root, "a.mdspost-comments-controls__count")) or None,
        metadata={
            key: _metadata_value(
                first(root, f"li.aentry-post__current--{key}"), "aentry-post__current-value"
            )
            for key in METADATA_KEYS
        },
    )


def _identity(page: Page, root: Selector) -> tuple[str, int]:
    entry = page.site.entry
    root_id = _POST_ID.match(str(root.attrib.get("id", "")))
    journal = (
        as_str(entry.get("journal"))
        or page.journal
        or (root_id.group(1).replace("-", "_") if root_id else "")
    )
    ditemid = (
        as_int(entry.get("ditemid"))
        or page.ref.ditemid
        or (int(root_id.group(2)) if root_id else None)
    )
    if not journal or ditemid is None:
        raise ParseError(page.url, "a post page that names no journal or post id")
    return journal, ditemid


def _published(page: Page, parts: _Parts) -> tuple[str, str | None]:
    """The date text as shown, and its ISO form: with the offset only when the page gives one."""
    shown = parts.date_text or (parts.date_iso or "")
    for candidate in (parts.date_iso, parts.date_text):
        if not candidate:
            continue
        try:
            return shown, parse_date(candidate, captured_at=page.captured_at).iso()
        except DateParseError:
            continue
    return shown, None


def _tags(page: Page, parts: _Parts) -> list[str]:
    # The page's own declaration of this post's tags; the visible tags block of the entry is the
    # fallback. Never the journal's tag cloud in the sidebar.
    declared = [
        " ".join(str(t).split())
        for t in page.sel.xpath("//meta[@property='article:tag']/@content").getall()
    ]
    tags = [t for t in declared if t] or parts.tags
    return list(dict.fromkeys(tags))


def _comment_count(page: Page, parts: _Parts) -> int | None:
    count = as_int(page.site.page_value("replycount"))
    if count is not None:
        return count
    return int_in(parts.count_text)


# LiveJournal's security icons (its S2 image names), on a post a logged-in reader may read.
_SECURITY_ICONS = (
    ("icon_protected", "friends"),
    ("icon_private", "private"),
    ("icon_groups", "custom"),
)


def _security(page: Page, parts: _Parts) -> str:
    """The level the post's lock icon shows (friends, private, custom), else public, or
    protected when `Site.entry.is_public` says it is not (and no icon says which)."""
    level = _icon_level(parts)
    if level is not None:
        return level
    return "protected" if page.site.entry.get("is_public") is False else "public"


def _icon_level(parts: _Parts) -> str | None:
    """The level of the first security icon in the post's markup outside its body (where an
    author's own pictures could bear any name)."""
    body = parts.body.root if parts.body is not None else None
    for img in parts.root.root.iter("img"):
        src = str(img.get("src") or "")
        if "/img/icon_" not in src or any(a is body for a in img.iterancestors()):
            continue
        for name, level in _SECURITY_ICONS:
            if f"/{name}." in src:
                return level
    return None


def _texts(node: Selector, query: str) -> list[str]:
    return [t for t in (text_of(n) for n in node.css(query)) if t]


def _metadata_value(node: Selector | None, value_class: str | None) -> str | None:
    if node is None:
        return None
    if value_class:
        value = first(node, f".{value_class}")
        if value is not None:
            return text_of(value) or None
    parts = node.xpath(
        ".//text()[not(ancestor::strong) and not(ancestor::b)"
        " and not(ancestor::*[contains(@class, 'label')])]"
    ).getall()
    text = " ".join("".join(parts).split()).lstrip(":").strip()
    return text or None


def _attr(node: Selector | None, name: str) -> str | None:
    if node is None or name not in node.attrib:
        return None
    return str(node.attrib[name])
