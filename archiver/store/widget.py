"""The "Recent Posts from This Journal" widget: one snapshot per distinct state of it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlite_utils import Database

from archiver.items import RecentPostItem
from archiver.store.journals import ensure_journal
from archiver.store.rows import atomic, insert, item_row, one, touch


def save_recent_posts(
    db: Database,
    items: Sequence[RecentPostItem],
    seen_at: str,
    capture_id: int | None = None,
) -> int | None:
    """Store the widget items of one page capture as a snapshot; return the snapshot id.

    When the items equal those of the journal's latest snapshot, nothing is stored again: that
    snapshot's `last_seen` moves on and its id is returned. An empty list stores nothing.
    """
    if not items:
        return None
    journal, source_url = items[0].journal, items[0].source_url
    if any(i.journal != journal or i.source_url != source_url for i in items):
        raise ValueError(
            f"save_recent_posts takes the items of one page capture; {source_url} was mixed "
            "with items from other pages or journals"
        )
    ordered = sorted(items, key=lambda i: i.position)
    items_hash = _widget_hash(ordered)
    with atomic(db):
        ensure_journal(db, journal, seen_at)
        latest = one(
            db,
            "SELECT id, items_hash FROM recent_post_snapshots "
            "WHERE journal = ? ORDER BY id DESC LIMIT 1",
            [journal],
        )
        if latest is not None and latest["items_hash"] == items_hash:
            touch(db, "recent_post_snapshots", latest["id"], seen_at)
            same_id: int = latest["id"]
            return same_id
        snapshot_id = insert(
            db,
            "recent_post_snapshots",
            {
                "journal": journal,
                "source_url": source_url,
                "items_hash": items_hash,
                "item_count": len(ordered),
                "seen_at": seen_at,
                "last_seen": seen_at,
                "capture_id": capture_id,
            },
        )
        for item in ordered:
            insert(db, "recent_posts", _recent_post_row(item, snapshot_id, seen_at))
    return snapshot_id


def _widget_fields(item: RecentPostItem) -> dict[str, Any]:
    return item_row(item, drop=("journal", "source_url"), promoted=int(item.promoted))


def _widget_hash(items: Sequence[RecentPostItem]) -> str:
    payload = json.dumps(
        [_widget_fields(i) for i in items],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _recent_post_row(item: RecentPostItem, snapshot_id: int, seen_at: str) -> dict[str, Any]:
    return {
        "snapshot_id": snapshot_id,
        "journal": item.journal,
        "source_url": item.source_url,
        **_widget_fields(item),
        "seen_at": seen_at,
    }
