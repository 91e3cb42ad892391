"""Journal facts (`Site.journal`, `Site.current_journal`) and what error pages say (ANATOMY §7)."""

from __future__ import annotations

from typing import Any

from archiver import urls
from archiver.items import Item, JournalItem, LockedPostItem
from archiver.parse.errors import ParseError
from archiver.parse.markup import has_class, text_of
from archiver.parse.page import Page
from archiver.parse.site_json import as_int, as_str

# current_journal.journaltype letters (LJ::User journaltype).
_JOURNAL_TYPES = {
    "P": "personal",
    "C": "community",
    "S": "community",  # shared journal
    "Y": "syndicated",
    "I": "identity",
    "N": "news",
}

# errorpage-<kind> -> journal status.
_STATUS_BY_ERROR_KIND = {
    "region_block": "blocked",
    "deleted": "deleted",
    "purged": "purged",
    "suspended": "suspended",
    "renamed": "renamed",
}

# The sentences LiveJournal shows (en.dat), for error pages whose kind class is not specific.
_STATUS_BY_SENTENCE = (
    ("deleted and purged", "purged"),
    ("has been deleted", "deleted"),
    ("suspended", "suspended"),
    ("blocked due to the decision of the authorities", "blocked"),
    ("has been renamed", "renamed"),
)
_LOCKED_SENTENCES = (
    "must be logged in to view this protected entry",
    "not authorized to view this protected entry",
)
_PROTECTED_KINDS = frozenset({"protected", "private", "locked"})
_NOT_FOUND_KINDS = frozenset({"not_found", "notfound", "404"})


def journal_from_site(page: Page) -> JournalItem | None:
    """The journal as `Site.journal` / `Site.current_journal` describe it, if the page has them."""
    journal = page.site.journal
    current = page.site.current_journal
    username = as_str(journal.get("username")) or as_str(current.get("username"))
    if not username:
        return None
    return JournalItem(
        username=username,
        url=urls.journal_root(username),
        status="suspended" if journal.get("is_suspended") else "active",
        journal_id=as_int(journal.get("id")) or as_int(current.get("userid")),
        title=as_str(journal.get("journal_title")) or None,
        journal_type=_journal_type(journal, current),
    )


def parse_error_page(page: Page) -> list[Item]:
    """LiveJournal's error page template: a journal status, a locked post, or nothing (404)."""
    kind = page.skin.error_kind or "generic"
    message = error_message(page)
    lowered = message.casefold()
    if kind in _PROTECTED_KINDS or any(s in lowered for s in _LOCKED_SENTENCES):
        return [*_known_journal(page), _locked_post(page, message)]
    status = _STATUS_BY_ERROR_KIND.get(kind) or _status_from_sentence(lowered)
    if status is not None:
        return [_journal_with_status(page, status, message)]
    if kind in _NOT_FOUND_KINDS or page.status == 404:
        if _is_front_page(page) and page.journal:
            # No journal answers its own front page with "not found": there is no such journal.
            return [_journal_with_status(page, "missing", message or "HTTP 404 Not Found")]
        return []  # a missing page says nothing about the journal; the status code is the fact
    raise ParseError(page.url, f"unknown LiveJournal error page {kind!r}: {message[:200]!r}")


def _is_front_page(page: Page) -> bool:
    return page.ref.kind == "index" and page.ref.skip == 0 and not page.ref.query


def error_message(page: Page) -> str:
    """The sentence of an error page (`.b-errorpage-section-text`), else its title."""
    for query in (
        f"//section[{has_class('b-errorpage-message')}]//p",
        f"//*[{has_class('b-errorpage-section-text')}]",
        f"//*[{has_class('b-errorpage-message')}]",
        f"//*[{has_class('b-msgsystem-error')}]",
    ):
        nodes = page.sel.xpath(query)
        text = " ".join(t for t in (text_of(n) for n in nodes) if t)
        if text:
            return text
    title = page.sel.xpath("//title")
    return text_of(title[0]) if title else ""


def locked_text_in(page: Page) -> str | None:
    """The "protected entry" sentence on a page that is not in the error template, if any."""
    for sentence in _LOCKED_SENTENCES:
        nodes = page.sel.xpath("//body//*[not(self::script)][contains(text(), $s)]", s=sentence)
        if nodes:
            return text_of(nodes[0])
    return None


def locked_post_items(page: Page, message: str) -> list[Item]:
    return [*_known_journal(page), _locked_post(page, message)]


def _locked_post(page: Page, message: str) -> LockedPostItem:
    journal = page.journal
    ditemid = page.ref.ditemid or as_int(page.site.entry.get("ditemid"))
    if journal is None or ditemid is None:
        raise ParseError(page.url, "a protected-entry page that is not a post URL")
    return LockedPostItem(
        journal=journal,
        ditemid=ditemid,
        url=urls.post_url(journal, ditemid),
        message=message,
    )


def _known_journal(page: Page) -> list[Item]:
    item = journal_from_site(page)
    return [item] if item is not None else []


def _journal_with_status(page: Page, status: str, message: str) -> JournalItem:
    username = page.journal
    if username is None:
        raise ParseError(page.url, f"a {status!r} journal page on a host that names no journal")
    known = journal_from_site(page)
    return JournalItem(
        username=username,
        url=urls.journal_root(username),
        status=status,
        journal_id=known.journal_id if known else None,
        title=known.title if known else None,
        journal_type=known.journal_type if known else None,
        renamed_to=_renamed_to(page, username) if status == "renamed" else None,
        status_text=message or None,
    )


def _renamed_to(page: Page, username: str) -> str | None:
    for name in page.sel.xpath(
        f"//*[{has_class('b-errorpage-message')} or {has_class('b-errorpage-section-text')}]"
        "//@data-ljuser"
    ).getall():
        if name != username:
            return str(name)
    for href in page.sel.xpath(f"//*[{has_class('b-errorpage-message')}]//a/@href").getall():
        other = urls.classify(page.absolute(str(href))).journal
        if other and other != username:
            return other
    return None


def _status_from_sentence(lowered: str) -> str | None:
    for sentence, status in _STATUS_BY_SENTENCE:
        if sentence in lowered:
            return status
    return None


def _journal_type(journal: dict[str, Any], current: dict[str, Any]) -> str | None:
    letter = as_str(current.get("journaltype"))
    if letter in _JOURNAL_TYPES:
        return _JOURNAL_TYPES[letter]
    for flag, name in (
        ("is_community", "community"),
        ("is_identity", "identity"),
        ("is_syndicated", "syndicated"),
        ("is_news", "news"),
        ("is_personal", "personal"),
    ):
        if journal.get(flag) is True:
            return name
    # Pages from before 2013 say it in Site.current_journal with "1" and "" for yes and no.
    for flag, name in (
        ("is_comm", "community"),
        ("is_identity", "identity"),
        ("is_syndicated", "syndicated"),
        ("is_person", "personal"),
    ):
        if current.get(flag) in ("1", 1, True):
            return name
    return None
