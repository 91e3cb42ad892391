"""What pages load: the `media` rows (one per URL, what fetching it gave) and `media_links`
(which post or comment shows it, in which role)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database

from archiver.clock import iso_seconds
from archiver.items import MediaItem, MediaRef
from archiver.store.journals import ensure_journal
from archiver.store.rows import atomic, upsert

_SAVE_MEDIA = """
INSERT INTO media (url, role, status, content_type, length, payload_digest, note,
                   first_capture_id, last_capture_id, first_seen, last_seen)
VALUES (:url, :role, :status, :content_type, :length,
        (SELECT payload_digest FROM captures WHERE id = :capture_id), :note,
        :capture_id, :capture_id, :seen_at, :seen_at)
ON CONFLICT (url) DO UPDATE SET
    status = excluded.status,
    content_type = excluded.content_type,
    length = excluded.length,
    payload_digest = COALESCE(excluded.payload_digest, payload_digest),
    note = excluded.note,
    first_capture_id = COALESCE(first_capture_id, excluded.first_capture_id),
    last_capture_id = COALESCE(excluded.last_capture_id, last_capture_id),
    last_seen = max(last_seen, excluded.last_seen)
"""


def save_media(db: Database, item: MediaItem, seen_at: str, capture_id: int | None) -> None:
    """What fetching a resource gave; a later answer replaces an earlier one, but the first
    capture and a payload already archived stay."""
    row = {
        "url": item.url,
        "role": item.role,
        "status": item.status,
        "content_type": item.content_type,
        "length": item.length,
        "note": item.note,
        "capture_id": capture_id,
        "seen_at": seen_at,
    }
    with atomic(db):
        db.execute(_SAVE_MEDIA, row)


def save_media_ref(db: Database, ref: MediaRef, seen_at: str, capture_id: int | None) -> bool:
    """Link a post or comment to what it shows; a ref that belongs to no post is not kept.
    A userpic also becomes the comment's, the post's (its poster's) and, when the poster is
    the journal, the journal's picture. Returns whether a link was kept."""
    if ref.ditemid is None:
        return False
    talkid = ref.talkid or 0
    row = {
        "journal": ref.journal,
        "ditemid": ref.ditemid,
        "talkid": talkid,
        "url": ref.url,
        "role": ref.role,
        "first_seen": seen_at,
        "last_seen": seen_at,
        "capture_id": capture_id,
    }
    with atomic(db):
        ensure_journal(db, ref.journal, seen_at)
        upsert(db, "media_links", row, ["journal", "ditemid", "talkid", "url", "role"])
        if ref.role == "userpic":
            _set_userpic(db, ref, talkid)
    return True


def _set_userpic(db: Database, ref: MediaRef, talkid: int) -> None:
    key = [ref.url, ref.journal]
    if talkid:
        db.execute(
            "UPDATE comments SET userpic_url = ? WHERE journal = ? AND talkid = ?", [*key, talkid]
        )
        return
    db.execute(
        "UPDATE posts SET userpic_url = ? WHERE journal = ? AND ditemid = ?", [*key, ref.ditemid]
    )
    db.execute(
        "UPDATE journals SET userpic_url = ? WHERE username = ? AND EXISTS (SELECT 1 FROM posts "
        "WHERE journal = ? AND ditemid = ? AND poster = journal)",
        [*key, ref.journal, ref.ditemid],
    )


def archived_media(db: Database, max_age_days: int) -> frozenset[str]:
    """The URLs whose last good answer (2xx) was archived in the last `max_age_days`."""
    since = iso_seconds(datetime.now(UTC) - timedelta(days=max_age_days))
    rows = db.execute(
        "SELECT url FROM media WHERE status BETWEEN 200 AND 299 AND last_seen >= ?", [since]
    ).fetchall()
    return frozenset(url for (url,) in rows)
