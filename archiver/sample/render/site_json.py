"""The inline `Site.*` JSON of every modern page (ANATOMY §1a; keys as in A1/A2)."""

from __future__ import annotations

from typing import Any

from archiver import urls
from archiver.sample.content import Journal, Post, Site
from archiver.sample.media import userid_of, userpic_url
from archiver.sample.render.markup import (
    STAT,
    USERHEAD_URL,
    WWW,
    journal_type_letter,
    json_literal,
    to_local,
    unix,
)

JSON = dict[str, Any]

# The site strings a logged-out reader's page carries (a few of A1's `Site.ml_text`).
ML_TEXT: JSON = {
    "talk.deletedpost": "Deleted comment",
    "talk.screenedpost": "Screened comment",
    "talk.spammedpost": "Spammed comment",
    "talk.suspendedpost": "Suspended comment",
    "talk.frozen": "Replies frozen",
    "talk.anonuser": "Anonymous",
    "talk.replytothis": "Reply",
    "talk.expandlink": "Expand",
    "talk.default.userpic": "default userpic",
    "talk.replycount": "[[count]] [[?count|comment|comments]]",
    "loginform.error.purgeduser": "This journal has been deleted",
}


def journal_json(journal: Journal) -> JSON:
    root = urls.journal_root(journal.username)
    return {
        "journal_url": root,
        "is_personal": journal.journal_type != "community",
        "userhead_url": USERHEAD_URL,
        "id": journal.userid,
        "is_paid": False,
        "is_news": False,
        "display_username": journal.username,
        "journal_title": journal.title,
        "is_identity": False,
        "is_medius": False,
        "is_permanent": False,
        "is_community": journal.journal_type == "community",
        "username": journal.username,
        "is_suspended": journal.status == "suspended",
        "is_bad_content": False,
        "profile_url": f"{root}profile",
    }


def entry_json(post: Post) -> JSON:
    poster_root = urls.journal_root(post.poster)
    return {
        "poster_profile_url": f"{poster_root}profile",
        "poster_is_friend": 0,
        "poster_userhead_url": USERHEAD_URL,
        "is_delayed": False,
        "is_public": post.is_public,
        "ditemid": post.ditemid,
        "is_bad_content": False,
        "poster_journal_base": poster_root.rstrip("/"),
        "categories_adjusted": [],
        "poster_userpic_url": userpic_url(post.poster),
        "is_draft": False,
        "title": post.title,
        "poster": post.poster,
        "journal": post.journal,
    }


def page_entry_json(post: Post, *, version2: bool = False) -> JSON:
    """`Site.page.entry`: the short form (A1)."""
    return {
        "is_version2": 1 if version2 else 0,
        "title": post.title,
        "poster": post.poster,
        "ditemid": post.ditemid,
        "journal": post.journal,
    }


def controlstrip_json(site: Site, journal: Journal) -> JSON:
    """The journal's date span, JS months 0-based (A2: {"lastDate":"2020,0,27",...})."""
    today = to_local(journal, site.now)
    posts = journal.shelf.posts
    oldest = posts[-1].published if posts else today
    return {
        "status": "",
        "calendar": {
            "lastDate": f"{today.year},{today.month - 1},{today.day}",
            "earlyDate": f"{oldest.year},{oldest.month - 1},{oldest.day}",
        },
    }


def current_journal_json(journal: Journal) -> JSON:
    root = urls.journal_root(journal.username)
    community = journal.journal_type == "community"
    return {
        "url_profile": f"{root}profile",
        "userid": journal.userid,
        "journaltype": journal_type_letter(journal),
        "is_comm": "1" if community else "",
        "is_syndicated": "",
        "is_person": "" if community else "1",
        "display_username": journal.username,
        "url_journal": root.rstrip("/"),
        "is_identity": "",
        "is_shared": "",
        "display_name": journal.username,
        "username": journal.username,
    }


def remote_json(remote: str | None) -> JSON | None:
    """`Site.remote`: the logged-in reader (MARKUP "Logged in"); null when logged out."""
    return None if remote is None else {"username": remote, "userid": userid_of(remote)}


def p_block_json(
    site: Site, journal: Journal | None, entry_url: str | None, remote: str | None = None
) -> JSON:
    """The `var p = {...}` block copied into `Site` (A1): the reader, the current journal and
    entry."""
    block: JSON = {
        "remote_is_identity": None,
        "remote_is_maintainer": 0,
        "locale": "en_US",
        "remoteUser": remote,
        "remoteJournalBase": urls.journal_root(remote).rstrip("/") if remote else None,
        "statprefix": STAT,
        "siteroot": WWW,
        "currentLanguage": "en_LJ",
        "server_time": unix(site.now),
        "remoteLocale": "en_US",
        "imgprefix": f"{STAT}/img",
    }
    if journal is not None:
        block["currentJournalBase"] = urls.journal_root(journal.username).rstrip("/")
        block["currentJournal"] = journal.username
    if entry_url is not None:
        block["currentEntry"] = entry_url
    return block


def script_block(
    site: Site,
    *,
    page: JSON | None,
    journal: Journal | None,
    entry: Post | None = None,
    adult: bool = False,
    remote: str | None = None,
) -> str:
    """The `<script>` with one `Site.x = {...};` line per object, in A1's order; `remote` is the
    logged-in reader's name."""
    lines = [
        "Site = window.Site || {};",
        f"Site.ml_text = {ML_TEXT_LITERAL};",
        f"Site.page = {json_literal(page if page is not None else {})};",
        "Site.page.template = {};",
        f"Site.page.is_adult = {1 if adult else 0};",
        f"Site.remote = {json_literal(remote_json(remote))};",
    ]
    if journal is not None:
        lines.append(f"Site.journal = {json_literal(journal_json(journal))};")
    if entry is not None:
        lines.append(f"Site.entry = {json_literal(entry_json(entry))};")
    p_block = json_literal(p_block_json(site, journal, entry.url if entry else None, remote))
    lines += [
        "(function(){",
        f"    var p = {p_block}, i;",
        "    for (i in p) Site[i] = p[i];",
        "})();",
    ]
    if journal is not None:
        lines.append(f"Site.current_journal = {json_literal(current_journal_json(journal))};")
    lines.append("Site.version = '375.1';")
    body = "\n".join(f"                {line}" for line in lines)
    return f'<script type="text/javascript">\n{body}\n            </script>'


ML_TEXT_LITERAL = json_literal(ML_TEXT)
