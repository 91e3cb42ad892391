"""All LiveJournal URL knowledge: journal roots, post/index/tag/calendar URLs, classification."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, quote, unquote, urldefrag, urljoin, urlsplit

LJ_DOMAIN = "livejournal.com"
WWW_HOST = f"www.{LJ_DOMAIN}"

_USERNAME = re.compile(r"^[a-z0-9_]{1,15}$")
_POST_PATH = re.compile(r"^/(\d+)\.html$")
_YEAR_PATH = re.compile(r"^/(\d{4})/$")
_MONTH_PATH = re.compile(r"^/(\d{4})/(\d{2})/$")
_DAY_PATH = re.compile(r"^/(\d{4})/(\d{2})/(\d{2})/$")
_TAG_PATH = re.compile(r"^/tag/(.+)$")


# Host names of LiveJournal's own services, which no journal can have.
SERVICE_NAMES = frozenset({"www", "stat", "l_stat", "l_api", "l_userpic", "ic", "pics", "static"})


def is_valid_username(name: str) -> bool:
    return bool(_USERNAME.match(name)) and name not in SERVICE_NAMES


def journal_name(text: str) -> str | None:
    """The username a person means: `zloy_odessit`, `ZLOY-ODESSIT`, `@zloy_odessit` or a
    journal URL such as `https://zloy-odessit.livejournal.com/123.html`,
    `www.livejournal.com/users/zloy_odessit/` or `users.livejournal.com/zloy-odessit/`; None
    when it names no journal."""
    text = text.strip()
    if "://" in text or text.endswith(LJ_DOMAIN) or f"{LJ_DOMAIN}/" in text:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        name = _name_in_path(parts.hostname or "", parts.path) or username_from_host(
            parts.hostname or ""
        )
    else:
        name = text.removeprefix("@").lower().replace("-", "_")
    return name if name is not None and is_valid_username(name) else None


# Hosts that name a journal in the path: LiveJournal's old URL forms, still linked and still
# redirected, and users.livejournal.com, where names with a leading or trailing underscore live.
_PATH_NAMED = {
    LJ_DOMAIN: ("users", "~", "community"),
    f"www.{LJ_DOMAIN}": ("users", "~", "community"),
    f"users.{LJ_DOMAIN}": ("",),
    f"community.{LJ_DOMAIN}": ("",),
}


def _name_in_path(host: str, path: str) -> str | None:
    prefixes = _PATH_NAMED.get(host.lower())
    segments = [s for s in path.split("/") if s]
    if prefixes is None or not segments:
        return None
    first = segments[0]
    if "" in prefixes:
        return first.lower().replace("-", "_")
    if first.startswith("~") and "~" in prefixes:
        return first[1:].lower().replace("-", "_")
    if first in prefixes and len(segments) > 1:
        return segments[1].lower().replace("-", "_")
    return None


def journal_host(username: str) -> str:
    # Underscores are not allowed in host names, so LiveJournal swaps them for hyphens.
    return f"{username.replace('_', '-')}.{LJ_DOMAIN}"


def journal_root(username: str) -> str:
    return f"https://{journal_host(username)}/"


def username_from_host(host: str) -> str | None:
    host = host.lower().split(":", 1)[0]
    suffix = f".{LJ_DOMAIN}"
    if not host.endswith(suffix):
        return None
    label = host[: -len(suffix)]
    if "." in label or label in {"www", "l-stat", "l-api", "stat"}:
        return None
    return label.replace("-", "_")


def post_url(username: str, ditemid: int) -> str:
    return f"{journal_root(username)}{ditemid}.html"


def index_url(username: str, skip: int = 0) -> str:
    root = journal_root(username)
    return root if skip == 0 else f"{root}?skip={skip}"


def tag_url(username: str, tag: str) -> str:
    return f"{journal_root(username)}tag/{quote(tag, safe='')}"


def year_url(username: str, year: int) -> str:
    return f"{journal_root(username)}{year:04d}/"


def month_url(username: str, year: int, month: int) -> str:
    return f"{journal_root(username)}{year:04d}/{month:02d}/"


def day_url(username: str, year: int, month: int, day: int) -> str:
    return f"{journal_root(username)}{year:04d}/{month:02d}/{day:02d}/"


def rss_url(username: str) -> str:
    return f"{journal_root(username)}data/rss"


def atom_url(username: str) -> str:
    return f"{journal_root(username)}data/atom"


@dataclass(frozen=True)
class PageRef:
    """What a URL on a journal host points at."""

    kind: str  # post, index, tag, year, month, day, rss, atom, robots, profile, other
    journal: str | None
    ditemid: int | None = None
    tag: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    skip: int = 0
    query: dict[str, str] | None = None


def join(base: str, href: str) -> str:
    """`href` (stripped) on the page at `base` as an absolute URL without its fragment."""
    href = href.strip()
    if href.startswith(("https://", "http://")):
        # The same links (navigation, userpics, the journal's own posts) are on every page, and
        # an absolute href's join depends only on whether the base shares its scheme.
        return _join_absolute(base.startswith("https:"), href)
    return urldefrag(urljoin(base, href)).url


# The repeats come from the page at hand and its neighbours: 2,048 entries hit as often as
# 32,768 on a crawl's pages, and an entry costs 330 bytes (classify's 520), kept for the run.
CACHED_URLS = 2048


@lru_cache(maxsize=CACHED_URLS)
def _join_absolute(secure_base: bool, href: str) -> str:
    return urldefrag(urljoin("https://x/" if secure_base else "http://x/", href)).url


@lru_cache(maxsize=CACHED_URLS)
def classify(url: str) -> PageRef:
    """What `url` points at. Cached: a crawl classifies each URL a page links many times; a
    PageRef is not to be changed (its `query` dict included)."""
    parts = urlsplit(url)
    journal = username_from_host(parts.hostname or "")
    path = parts.path or "/"
    query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    if journal is None:
        return PageRef("other", None, query=query)
    if m := _POST_PATH.match(path):
        return PageRef("post", journal, ditemid=int(m.group(1)), query=query)
    if path == "/":
        return PageRef("index", journal, skip=_int_or_zero(query.get("skip")), query=query)
    if m := _TAG_PATH.match(path):
        return PageRef(
            "tag",
            journal,
            tag=unquote(m.group(1).rstrip("/")),
            skip=_int_or_zero(query.get("skip")),
            query=query,
        )
    if m := _YEAR_PATH.match(path):
        return PageRef("year", journal, year=int(m.group(1)), query=query)
    if m := _MONTH_PATH.match(path):
        return PageRef("month", journal, year=int(m.group(1)), month=int(m.group(2)), query=query)
    if m := _DAY_PATH.match(path):
        return PageRef(
            "day",
            journal,
            year=int(m.group(1)),
            month=int(m.group(2)),
            day=int(m.group(3)),
            query=query,
        )
    simple = {"/data/rss": "rss", "/data/atom": "atom", "/robots.txt": "robots"}
    if path in simple:
        return PageRef(simple[path], journal, query=query)
    if path.rstrip("/") == "/profile":
        return PageRef("profile", journal, query=query)
    return PageRef("other", journal, query=query)


def _int_or_zero(value: str | None) -> int:
    try:
        return max(0, int(value)) if value is not None else 0
    except ValueError:
        return 0
