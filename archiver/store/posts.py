"""Posts: upserts with versions and tags, locked posts, and the marks of deleted posts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlite_utils import Database

from archiver.items import LockedPostItem, PostItem
from archiver.store.journals import ensure_journal
from archiver.store.rows import atomic, insert, item_row, one, upsert
from archiver.store.runs import PostOutcome, count_post


def post_content_hash(item: PostItem) -> str:
    """What decides whether a post changed: title, body, tags (as a set), publication date and
    who may read it, so a post that turns friends-only keeps its public version.

    body_text is left out because it is derived from body_html; a public post's security is
    left out too, so that the hashes of archives made before it was read stay as they were.
    """
    return _content_hash(
        item.title, item.body_html, _tag_list(item.tags), item.published, item.security
    )


def _content_hash(
    title: str, body_html: str, tags: list[str], published: str | None, security: str
) -> str:
    fields: dict[str, object] = {
        "title": title,
        "body_html": body_html,
        "tags": tags,
        "published": published,
    }
    if security != "public":
        fields["security"] = security
    payload = json.dumps(
        fields,
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _tag_list(tags: Iterable[str]) -> list[str]:
    return sorted(set(tags))


def save_post(
    db: Database,
    item: PostItem,
    seen_at: str,
    run_id: int | None = None,
    capture_id: int | None = None,
) -> PostOutcome:
    """Upsert a post on (journal, ditemid); return whether it was new, changed or unchanged.

    When the content changed, the previous content goes to `post_versions` first. A post seen
    again after `mark_missing_posts` loses its `deleted_in_run`. With `run_id`, the run's
    new/changed/unchanged counter goes up by one.
    """
    content_hash = post_content_hash(item)
    with atomic(db):
        ensure_journal(db, item.journal, seen_at)
        old = one(
            db,
            "SELECT * FROM posts WHERE journal = ? AND ditemid = ?",
            [item.journal, item.ditemid],
        )
        outcome: PostOutcome
        if old is None:
            outcome = "new"
            row = _post_row(item, content_hash, seen_at, seen_at, seen_at)
            insert(db, "posts", {**row, "capture_id": capture_id})
        else:
            outcome = "unchanged" if old["content_hash"] == content_hash else "changed"
            if outcome == "changed":
                _archive_post_version(db, old, superseded_at=seen_at)
            last_changed = seen_at if outcome == "changed" else old["last_changed"]
            row = _post_row(
                item, content_hash, old["first_seen"], max(old["last_seen"], seen_at), last_changed
            )
            _update_post(db, {**row, "capture_id": capture_id or old["capture_id"]})
        _sync_post_tags(db, item.journal, item.ditemid, item.tags)
        if run_id is not None:
            count_post(db, run_id, outcome)
    return outcome


def _post_row(
    item: PostItem, content_hash: str, first_seen: str, last_seen: str, last_changed: str
) -> dict[str, Any]:
    return item_row(
        item,
        drop=("tags",),
        content_hash=content_hash,
        first_seen=first_seen,
        last_seen=last_seen,
        last_changed=last_changed,
        deleted_in_run=None,
    )


def _update_post(db: Database, row: dict[str, Any]) -> None:
    assignments = ", ".join(f"[{c}] = :{c}" for c in row if c not in ("journal", "ditemid"))
    db.execute(
        f"UPDATE posts SET {assignments} WHERE journal = :journal AND ditemid = :ditemid", row
    )


def _archive_post_version(db: Database, old: dict[str, Any], superseded_at: str) -> None:
    journal, ditemid = old["journal"], old["ditemid"]
    version = db.execute(
        "SELECT COALESCE(MAX(version), 0) + 1 FROM post_versions WHERE journal = ? AND ditemid = ?",
        [journal, ditemid],
    ).fetchone()[0]
    insert(
        db,
        "post_versions",
        {
            "journal": journal,
            "ditemid": ditemid,
            "version": version,
            "title": old["title"],
            "body_html": old["body_html"],
            "body_text": old["body_text"],
            "tags": json.dumps(_current_tags(db, journal, ditemid), ensure_ascii=False),
            "published": old["published"],
            "security": old["security"],
            "content_hash": old["content_hash"],
            "first_seen": old["last_changed"],
            "last_seen": old["last_seen"],
            "superseded_at": superseded_at,
            "capture_id": old["capture_id"],
        },
    )


def _current_tags(db: Database, journal: str, ditemid: int) -> list[str]:
    rows = db.execute(
        "SELECT tags.name FROM post_tags JOIN tags ON tags.id = post_tags.tag_id "
        "WHERE post_tags.journal = ? AND post_tags.ditemid = ? ORDER BY tags.name",
        [journal, ditemid],
    ).fetchall()
    return [row[0] for row in rows]


def _sync_post_tags(db: Database, journal: str, ditemid: int, tags: Iterable[str]) -> None:
    wanted = set(tags)
    current = set(_current_tags(db, journal, ditemid))
    for name in sorted(current - wanted):
        db.execute(
            "DELETE FROM post_tags WHERE journal = ? AND ditemid = ? "
            "AND tag_id = (SELECT id FROM tags WHERE journal = ? AND name = ?)",
            [journal, ditemid, journal, name],
        )
    for name in sorted(wanted - current):
        db.execute(
            "INSERT INTO post_tags (journal, ditemid, tag_id) VALUES (?, ?, ?)",
            [journal, ditemid, _tag_id(db, journal, name)],
        )


def _tag_id(db: Database, journal: str, name: str) -> int:
    db.execute(
        "INSERT INTO tags (journal, name) VALUES (?, ?) ON CONFLICT (journal, name) DO NOTHING",
        [journal, name],
    )
    tag_id: int = db.execute(
        "SELECT id FROM tags WHERE journal = ? AND name = ?", [journal, name]
    ).fetchone()[0]
    return tag_id


def save_locked_post(
    db: Database, item: LockedPostItem, seen_at: str, capture_id: int | None = None
) -> None:
    row = item_row(item, first_seen=seen_at, last_seen=seen_at, capture_id=capture_id)
    with atomic(db):
        ensure_journal(db, item.journal, seen_at)
        upsert(db, "locked_posts", row, ["journal", "ditemid"])


# A listing made logged out, or by a friend's session, cannot show every friends-only or private
# post: their absence there says nothing, so only the owner's listings may mark them deleted.
_VISIBLE = "(? OR security = 'public')"
_MISSING = (
    "journal = ? AND deleted_in_run IS NULL AND ditemid NOT IN (SELECT value FROM json_each(?)) "
    "AND (? IS NULL OR substr(published, 1, 4) IN (SELECT value FROM json_each(?))) "
    f"AND {_VISIBLE}"
)


def _missing_params(
    journal: str, seen_ditemids: Iterable[int], years: Iterable[int] | None, by_owner: bool
) -> list[Any]:
    seen = json.dumps(sorted(set(seen_ditemids)))
    listed_years = None if years is None else json.dumps([f"{y:04d}" for y in sorted(years)])
    return [journal, seen, listed_years, listed_years, by_owner]


def count_missing_posts(
    db: Database,
    journal: str,
    seen_ditemids: Iterable[int],
    years: Iterable[int] | None = None,
    *,
    by_owner: bool = False,
) -> int:
    """How many live posts `mark_missing_posts` would mark, without marking them."""
    params = _missing_params(journal, seen_ditemids, years, by_owner)
    count: int = db.execute(f"SELECT COUNT(*) FROM posts WHERE {_MISSING}", params).fetchone()[0]
    return count


def mark_missing_posts(
    db: Database,
    journal: str,
    seen_ditemids: Iterable[int],
    run_id: int,
    years: Iterable[int] | None = None,
    *,
    by_owner: bool = False,
) -> int:
    """Set `deleted_in_run` on the journal's posts that are not in `seen_ditemids`.

    Only for a run that listed the whole journal; with `years`, only posts published in those
    years (the years whose calendar the run read); only public posts unless the listing was
    read `by_owner` (with the journal's owner's session). Posts already marked keep the run that
    first missed them; rows are kept. Returns how many posts were marked.
    """
    params = _missing_params(journal, seen_ditemids, years, by_owner)
    with atomic(db):
        cursor = db.execute(
            f"UPDATE posts SET deleted_in_run = ? WHERE {_MISSING}", [run_id, *params]
        )
        marked: int = cursor.rowcount
    return marked


def mark_missing_posts_on_days(
    db: Database,
    journal: str,
    listed: dict[str, set[int]],
    run_id: int,
    *,
    by_owner: bool = False,
) -> int:
    """Like `mark_missing_posts`, for a run that listed some days whole (`YYYY-MM-DD` -> the
    ditemids the calendar showed that day, empty for a day it no longer shows)."""
    marked = 0
    with atomic(db):
        for day, ditemids in listed.items():
            cursor = db.execute(
                "UPDATE posts SET deleted_in_run = ? WHERE journal = ? AND deleted_in_run IS NULL "
                "AND substr(published, 1, 10) = ? "
                f"AND ditemid NOT IN (SELECT value FROM json_each(?)) AND {_VISIBLE}",
                [run_id, journal, day, json.dumps(sorted(ditemids)), by_owner],
            )
            marked += cursor.rowcount
    return marked
