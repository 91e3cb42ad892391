"""The inline `Site.*` JSON literals of a LiveJournal page (ANATOMY §1a).

Every modern page sets `Site.journal`, `Site.entry`, `Site.page`, `Site.current_journal`… in an
inline script, one JSON literal per assignment, plus a `var p = {...}; for (i in p) Site[i] = p[i];`
block (`currentJournal`, `currentEntry`, `server_time`…). They are read with a JSON decoder started
right after each `Site.NAME =`, so no second HTML parse is needed: the script texts come from the
page's one parse (`extract`) or from a regular expression over the raw text (`extract_from_html`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# These start with a literal, which lets the regex engine skip ahead; a lookbehind or `\b` in
# front made them 30 times slower. What may precede the literal is checked by `_starts_name`.
_ASSIGNMENT = re.compile(r"Site\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*=\s*(?=[\[{\"\d-])")
_P_BLOCK = re.compile(r"var\s+p\s*=\s*(?=\{)")
# Older S2 pages set the comments' facts in a variable of their own, not in Site.page.
_CMTINFO_VAR = re.compile(r"var\s+LJ_cmtinfo\s*=\s*(?=\{)")
_SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_WANTED_ROOTS = frozenset(
    {"journal", "entry", "page", "current_journal", "remote", "currentJournal", "currentEntry"}
)
_DECODER = json.JSONDecoder()


@dataclass(frozen=True)
class SiteData:
    """The `Site.*` values of one page: `values["page"]`, `values["page.comments"]`, `p[...]`."""

    values: Mapping[str, Any] = field(default_factory=dict)
    p: Mapping[str, Any] = field(default_factory=dict)  # the `var p = {...}` block

    def obj(self, name: str) -> dict[str, Any]:
        value = self.values.get(name)
        return dict(value) if isinstance(value, dict) else {}

    @property
    def journal(self) -> dict[str, Any]:
        return self.obj("journal")

    @property
    def entry(self) -> dict[str, Any]:
        return self.obj("entry")

    @property
    def current_journal(self) -> dict[str, Any]:
        return self.obj("current_journal")

    def page_value(self, key: str) -> Any:
        """`Site.page.KEY`: a separate `Site.page.KEY = …` assignment wins over `Site.page`."""
        if f"page.{key}" in self.values:
            return self.values[f"page.{key}"]
        page = self.values.get("page")
        return page.get(key) if isinstance(page, dict) else None

    def name(self, key: str) -> Any:
        """A top-level `Site.KEY`, from its own assignment or from the `var p` block."""
        if key in self.values:
            return self.values[key]
        return self.p.get(key)

    @property
    def reader(self) -> str | None:
        """Whom the page was served to: `Site.remote.username`, else `remoteUser` of the `var p`
        block; None for a logged-out reader (both are null then)."""
        remote = self.obj("remote").get("username") or self.p.get("remoteUser")
        return remote.lower() if isinstance(remote, str) and remote else None

    @property
    def shows_reader(self) -> bool:
        """Whether the page says whom it was served to at all (feeds and robots.txt do not)."""
        return "remote" in self.values or "remoteUser" in self.p

    def __bool__(self) -> bool:
        return bool(self.values or self.p)


def extract(scripts: Iterable[str]) -> SiteData:
    """Read the `Site.*` literals from the texts of a page's inline scripts."""
    values: dict[str, Any] = {}
    p: dict[str, Any] = {}
    for script in scripts:
        if "LJ_cmtinfo" in script:
            for match in _matches(_CMTINFO_VAR, script, dotted=False):
                decoded = _decode_at(script, match.end())
                if isinstance(decoded, dict):
                    values.setdefault("page.LJ_cmtinfo", decoded)
        if "Site" not in script:
            continue
        for match in _matches(_ASSIGNMENT, script, dotted=True):
            name = match.group(1)
            if name.split(".", 1)[0] not in _WANTED_ROOTS:
                continue
            decoded = _decode_at(script, match.end())
            if decoded is not None:
                values[name] = decoded
        if "Site[i]" in script:
            for match in _matches(_P_BLOCK, script, dotted=False):
                decoded = _decode_at(script, match.end())
                if isinstance(decoded, dict):
                    p.update(decoded)
    return SiteData(values=values, p=p)


def extract_from_html(text: str) -> SiteData:
    """The same from raw page text, without an HTML parser."""
    return extract(match.group(1) for match in _SCRIPT.finditer(text) if "Site" in match.group(1))


def server_time(text: str) -> datetime | None:
    """When the page was served, from its `server_time` (Unix seconds), if it carries one."""
    value = extract_from_html(text).p.get("server_time")
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _matches(pattern: re.Pattern[str], script: str, *, dotted: bool) -> Iterator[re.Match[str]]:
    """The matches of `pattern` that start a name: not inside a longer word (`mySite.x`,
    `javar p`) and, when `dotted`, not a property of something else (`window.Site.x`)."""
    for match in pattern.finditer(script):
        start = match.start()
        before = script[start - 1] if start else ""
        if before and (before.isalnum() or before == "_" or (dotted and before == ".")):
            continue
        yield match


def _decode_at(script: str, start: int) -> Any:
    try:
        value, _end = _DECODER.raw_decode(script, start)
    except json.JSONDecodeError:
        return None
    return value


def as_str(value: Any) -> str:
    """A JSON value as text: strings as they are, anything else as ""."""
    return value if isinstance(value, str) else ""


# A number read from a page is data: one that no SQLite INTEGER can hold is no number at all.
MAX_NUMBER = 2**63 - 1
_MAX_DIGITS = 19


def bounded(value: int) -> int | None:
    """`value`, or None when it is beyond what the database (a 64-bit INTEGER) can hold."""
    return value if -MAX_NUMBER <= value <= MAX_NUMBER else None


def as_int(value: Any) -> int | None:
    """A JSON number or digit string as an int; booleans, floats with a fraction, numbers
    beyond a 64-bit INTEGER, junk: None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return bounded(value)
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_NUMBER:
        return int(value)
    if isinstance(value, str):
        digits = value.strip().lstrip("-")
        if digits.isdigit() and len(digits) <= _MAX_DIGITS:
            return bounded(int(value))
    return None
