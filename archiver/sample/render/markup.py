"""Small pieces every template uses: escaping, inline JSON, the ljuser span, times, text."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from archiver import urls
from archiver.sample.content import Journal, Post
from archiver.sample.media import STAT as STAT
from archiver.sample.media import userpic_url

WWW = f"https://{urls.WWW_HOST}"
USERHEAD_URL = f"{STAT}/img/userinfo_v8.svg?v=17080?v=375.1"
COMMUNITY_USERHEAD_URL = f"{STAT}/img/community_v3.svg?v=17080?v=375.1"
# The site's picture for a user without userpics (the logged-out reader's, in the comment form).
DEFAULT_USERPIC_URL = f"{STAT}/img/userpics/userpic-user.png?v=15821"
ANONYMOUS_USERPIC_URL = f"{STAT}/img/userpics/userpic-anonymous.png?v=15821"


def esc(text: object) -> str:
    """Text or attribute value, HTML-escaped (quotes included)."""
    return html.escape(str(text), quote=True)


def json_literal(value: object) -> str:
    """One-line JSON for an inline <script>: it cannot close the script or split the line."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("</", "<\\/")
        .replace("<!--", "\\u003c!--")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


# ---------------------------------------------------------------- users


def journal_type_letter(journal: Journal) -> str:
    return "C" if journal.journal_type == "community" else "P"


def ljuser(username: str, type_letter: str = "P") -> str:
    """The `span.ljuser` of every modern page (ANATOMY §1b)."""
    root = urls.journal_root(username)
    head = COMMUNITY_USERHEAD_URL if type_letter == "C" else USERHEAD_URL
    name = esc(username)
    return (
        f'<span class="ljuser i-ljuser i-ljuser-type-{type_letter}" data-ljuser="{name}" '
        f'lj:user="{name}"><a class="i-ljuser-profile" href="{esc(root)}profile" '
        f'target="_self"><img class="i-ljuser-userhead" src="{esc(head)}"/></a>'
        f'<a class="i-ljuser-username" href="{esc(root)}" target="_self"><b>{name}</b></a></span>'
    )


def journal_ljuser(journal: Journal) -> str:
    return ljuser(journal.username, journal_type_letter(journal))


def userpic_img(username: str, **attributes: object) -> str:
    """The user's userpic as an `img`, `src` first, then `attributes` in order."""
    extra = "".join(
        f' {name.replace("_", "-")}="{esc(value)}"' for name, value in attributes.items()
    )
    return f'<img src="{esc(userpic_url(username))}"{extra}/>'


# LiveJournal's S2 security icons of a non-public post: file, alt text, width, height.
SECURITY_ICONS: dict[str, tuple[str, str, int, int]] = {
    "friends": ("icon_protected.gif", "[friends-only post]", 14, 15),
    "private": ("icon_private.gif", "[private post]", 16, 16),
    "custom": ("icon_groups.gif", "[custom friends group post]", 19, 16),
}


def security_icon(post: Post) -> str:
    """`img.i-posticon-security` for a non-public post (MARKUP "Logged in"); "" for a public one."""
    if post.security not in SECURITY_ICONS:
        return ""
    name, alt, width, height = SECURITY_ICONS[post.security]
    return (
        f'<img class="i-posticon-security" src="{STAT}/img/{name}" alt="{alt}" title="{alt}" '
        f'width="{width}" height="{height}" align="absmiddle"/>'
    )


# ---------------------------------------------------------------- times


def offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{mins:02d}"


def local_iso(journal: Journal, when: datetime) -> str:
    """Journal-local wall time with the journal's offset: "2020-01-03T09:36:00+03:00"."""
    return f"{when:%Y-%m-%dT%H:%M:%S}{offset_text(journal.utc_offset_minutes)}"


def post_utc(journal: Journal, post: Post) -> datetime:
    """The post's moment in UTC (its time is journal-local wall time)."""
    local = post.published.replace(tzinfo=None)
    return (local - timedelta(minutes=journal.utc_offset_minutes)).replace(tzinfo=UTC)


def to_local(journal: Journal, when: datetime) -> datetime:
    """A UTC moment as journal-local wall time (naive)."""
    utc = when.astimezone(UTC).replace(tzinfo=None)
    return utc + timedelta(minutes=journal.utc_offset_minutes)


def unix(when: datetime) -> int:
    return int(when.astimezone(UTC).timestamp())


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def rfc822(when: datetime) -> str:
    """RSS dates: "Sun, 03 Jan 2021 06:36:00 GMT" (English names regardless of locale)."""
    utc = when.astimezone(UTC)
    day = _WEEKDAYS[utc.weekday()]
    return f"{day}, {utc.day:02d} {_MONTHS[utc.month - 1]} {utc:%Y %H:%M:%S} GMT"


def w3c_utc(when: datetime) -> str:
    return f"{when.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


# ---------------------------------------------------------------- text


_DROP = re.compile(r"<(script|style|object|iframe)\b.*?</\1\s*>", re.I | re.S)
_BREAK = re.compile(r"<(br|p|div|li|h\d)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def text_of(body_html: str) -> str:
    """The readable text of a post body, on one line."""
    text = _DROP.sub(" ", body_html)
    text = _TAG.sub("", _BREAK.sub(" ", text))
    return _SPACE.sub(" ", html.unescape(text)).strip()


def excerpt(text: str, limit: int) -> str:
    """Whole words within `limit` characters, then "…" when something was cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if not text[limit].isspace():
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:") + "…"


# ---------------------------------------------------------------- links


CURRENT_KEYS = ("mood", "music", "location")


def currents(post: Post) -> list[tuple[str, str]]:
    """(key, value) of the post's mood, music and location, those it has."""
    return [(key, value) for key in CURRENT_KEYS if (value := getattr(post, key))]


def post_link(post: Post, *, light: bool = False, nojs: bool = False, **params: object) -> str:
    """The post URL with query parameters, `format=light` first as LiveJournal writes it."""
    query: list[tuple[str, object]] = []
    if light:
        query.append(("format", "light"))
    if nojs:
        query.append(("nojs", 1))
    query.extend((k, v) for k, v in params.items() if v is not None)
    return f"{post.url}?{urlencode(query)}" if query else post.url


def thread_url(post: Post, talkid: int) -> str:
    return f"{post.url}?thread={talkid}#t{talkid}"


def lines(*parts: str) -> str:
    """The non-empty parts, one per line: optional blocks leave no blank lines behind."""
    return "\n".join(part for part in parts if part)
