"""Everything parsed from one page, saved in one transaction with its capture marked parsed.

A run killed while saving a page leaves either all of that page's rows or none of them, and a
capture without `parsed` is one whose rows are not in the database: recovery reads it back
from the WARC.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from archiver.items import (
    CommentItem,
    CommentPolicyItem,
    ErrorItem,
    JournalItem,
    LockedPostItem,
    MediaItem,
    MediaRef,
    PostItem,
    RecentPostItem,
)
from archiver.store.captures import mark_parsed
from archiver.store.comments import save_comment, save_comment_policy
from archiver.store.journals import save_journal
from archiver.store.media import save_media, save_media_ref
from archiver.store.posts import save_locked_post, save_post
from archiver.store.rows import page_scope
from archiver.store.runs import record_error
from archiver.store.widget import save_recent_posts

# What SQLite says of the database itself (a full disk, I/O, a corrupt file): nothing more can
# be kept, the crawl stops. A row it refuses (a constraint, a value out of range) or a bug in a
# save is that page's error instead, and the page is read back from the WARC next time.
STORAGE_FAILURE = (sqlite3.DatabaseError, OSError)
_ROW_FAILURE = (
    sqlite3.IntegrityError,
    sqlite3.DataError,
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
)


def is_storage_failure(error: BaseException) -> bool:
    return isinstance(error, STORAGE_FAILURE) and not isinstance(error, _ROW_FAILURE)


def save_page(
    db: Database,
    items: Sequence[Any],
    seen_at: str,
    *,
    capture_id: int | None,
    run_id: int | None,
) -> Counter[str]:
    """Save the items of one page seen at `seen_at`; return what was saved, by kind (posts by
    outcome: new, changed, unchanged)."""
    counts: Counter[str] = Counter()
    widgets: dict[str, list[RecentPostItem]] = {}
    with page_scope(db):
        for item in items:
            if isinstance(item, RecentPostItem):
                widgets.setdefault(item.source_url, []).append(item)
            else:
                counts[_save_one(db, item, seen_at, capture_id, run_id)] += 1
        for widget in widgets.values():
            save_recent_posts(db, widget, seen_at, capture_id=capture_id)
            counts["widget_items"] += len(widget)
        if capture_id is not None:
            mark_parsed(db, capture_id)
    return counts


def _save_one(
    db: Database, item: Any, seen_at: str, capture_id: int | None, run_id: int | None
) -> str:
    if isinstance(item, PostItem):
        return save_post(db, item, seen_at, run_id=run_id, capture_id=capture_id)
    if isinstance(item, JournalItem):
        save_journal(db, item, seen_at, capture_id=capture_id)
        return "journals"
    if isinstance(item, CommentPolicyItem):
        save_comment_policy(db, item, seen_at, capture_id=capture_id)
        return "policies"
    if isinstance(item, CommentItem):
        return f"comments_{save_comment(db, item, seen_at, capture_id=capture_id)}"
    if isinstance(item, LockedPostItem):
        save_locked_post(db, item, seen_at, capture_id=capture_id)
        return "locked"
    if isinstance(item, ErrorItem):
        record_error(db, run_id, item.url, item.kind, item.message, seen_at)
        return "errors"
    if isinstance(item, MediaRef):
        return "media_links" if save_media_ref(db, item, seen_at, capture_id) else "media_refs"
    if isinstance(item, MediaItem):
        save_media(db, item, seen_at, capture_id)
        return "media"
    raise TypeError(f"cannot save a {type(item).__name__}")
