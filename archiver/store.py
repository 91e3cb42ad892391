"""The SQLite database: schema, migrations and one idempotent save_* per item type.

Every save_* takes the time the thing was seen as an ISO 8601 string from the caller and never
reads the clock, so saving the same item twice gives the same rows, and tests pin every value.
Each save_* runs in its own transaction; wrap many of them in `with db.atomic():` to batch
them (nested blocks become savepoints).

Rows are never deleted: a post that changed moves its previous content to `post_versions`, a
post that disappeared gets `deleted_in_run`, and the comment policy and the "Recent Posts"
widget keep one row per distinct state, with the time range it was seen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from archiver import urls
from archiver.items import (
    CommentItem,
    CommentPolicyItem,
    JournalItem,
    JournalKnowledge,
    LockedPostItem,
    PostItem,
    RecentPostItem,
)

PostOutcome = Literal["new", "changed", "unchanged"]
Migration = Callable[[Database], None]

# The tables that have a full-text index (`<table>_fts`) and the columns it covers.
FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "posts": ("title", "body_text"),
    "comments": ("subject", "body_html"),
}

_FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")
_RUN_COUNTERS: dict[PostOutcome, str] = {
    "new": "new_posts",
    "changed": "changed_posts",
    "unchanged": "unchanged_posts",
}


# --- opening and migrating -------------------------------------------------------------------


def open_db(path: str | Path) -> Database:
    """Open (or create) the archive database and bring its schema up to date."""
    db = Database(path)
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    # Safe with WAL: a power cut can lose the last commits, never corrupt the file; the WARC
    # files are the source of truth anyway.
    db.execute("PRAGMA synchronous = NORMAL")
    migrate(db)
    return db


def migrate(db: Database, applied_at: str | None = None) -> list[str]:
    """Apply the migrations this database has not had yet; return their names.

    Each migration runs in one transaction together with its `_migrations` row, so a failed
    migration leaves nothing behind and is retried next time.
    """
    db.execute(
        'CREATE TABLE IF NOT EXISTS "_migrations" '
        '("name" TEXT PRIMARY KEY NOT NULL, "applied_at" TEXT NOT NULL)'
    )
    done = {row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()}
    unknown = done - {name for name, _ in MIGRATIONS}
    if unknown:
        raise RuntimeError(
            f"database has migrations this archiver does not know: {sorted(unknown)}; "
            "it was written by a newer version"
        )
    stamp = applied_at or datetime.now(UTC).isoformat(timespec="seconds")
    applied: list[str] = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with db.atomic():
            step(db)
            db.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)", [name, stamp])
        applied.append(name)
    return applied


def _create_tables(db: Database) -> None:
    # Referenced tables first: SQLite checks that a foreign key's target exists.
    _create_journal_and_run_tables(db)
    _create_post_tables(db)
    _create_page_tables(db)
    _create_capture_tables(db)


def _create_journal_and_run_tables(db: Database) -> None:
    db.table("journals").create(
        {
            "username": str,
            "url": str,
            "journal_id": int,
            "title": str,
            "journal_type": str,
            "status": str,  # NULL until a JournalItem for it was saved
            "renamed_to": str,
            "status_text": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk="username",
        not_null=["username", "url", "first_seen", "last_seen"],
    )
    db.table("crawl_runs").create(
        {
            "id": int,
            "started_at": str,
            "ended_at": str,
            "journals": str,  # JSON list of usernames
            "outcome": str,
            "requests": int,
            "new_posts": int,
            "changed_posts": int,
            "unchanged_posts": int,
            "errors": int,
            "exit_code": int,
        },
        pk="id",
        not_null=["started_at", "journals"],
    )


def _create_post_tables(db: Database) -> None:
    db.table("posts").create(
        {
            "journal": str,
            "ditemid": int,
            "url": str,
            "title": str,
            "poster": str,
            "published_text": str,
            "published": str,
            "body_html": str,
            "body_text": str,
            "comment_count": int,
            "security": str,
            "skin": str,
            "mood": str,
            "music": str,
            "location": str,
            "content_hash": str,
            "first_seen": str,
            "last_seen": str,
            "last_changed": str,
            "deleted_in_run": int,
        },
        pk=("journal", "ditemid"),
        not_null=[
            "journal",
            "ditemid",
            "url",
            "title",
            "poster",
            "published_text",
            "body_html",
            "body_text",
            "security",
            "skin",
            "content_hash",
            "first_seen",
            "last_seen",
            "last_changed",
        ],
        foreign_keys=[("journal", "journals", "username"), ("deleted_in_run", "crawl_runs", "id")],
    )
    db.table("tags").create(
        {"id": int, "journal": str, "name": str},
        pk="id",
        not_null=["journal", "name"],
        foreign_keys=[("journal", "journals", "username")],
    )
    db.table("tags").create_index(["journal", "name"], unique=True)
    db.table("post_tags").create(
        {"journal": str, "ditemid": int, "tag_id": int},
        pk=("journal", "ditemid", "tag_id"),
        not_null=["journal", "ditemid", "tag_id"],
        foreign_keys=[(("journal", "ditemid"), "posts"), ("tag_id", "tags", "id")],
    )
    db.table("post_versions").create(
        {
            "journal": str,
            "ditemid": int,
            "version": int,  # 1 is the oldest
            "title": str,
            "body_html": str,
            "body_text": str,
            "tags": str,  # JSON list, sorted
            "published": str,
            "content_hash": str,
            "first_seen": str,
            "last_seen": str,
            "superseded_at": str,
        },
        pk=("journal", "ditemid", "version"),
        not_null=[
            "journal",
            "ditemid",
            "version",
            "content_hash",
            "first_seen",
            "last_seen",
            "superseded_at",
        ],
        foreign_keys=[(("journal", "ditemid"), "posts")],
    )
    db.table("locked_posts").create(
        {
            "journal": str,
            "ditemid": int,
            "url": str,
            "message": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk=("journal", "ditemid"),
        not_null=["journal", "ditemid", "url", "message", "first_seen", "last_seen"],
        foreign_keys=[("journal", "journals", "username")],
    )
    db.table("post_tags").create_index(["tag_id"])


def _create_page_tables(db: Database) -> None:
    """What a post page shows besides the post: the widget, the comment policy, comments."""
    db.table("recent_post_snapshots").create(
        {
            "id": int,
            "journal": str,
            "source_url": str,  # the page it was first seen on
            "items_hash": str,
            "item_count": int,
            "seen_at": str,
            "last_seen": str,
        },
        pk="id",
        not_null=["journal", "source_url", "items_hash", "item_count", "seen_at", "last_seen"],
        foreign_keys=[("journal", "journals", "username")],
    )
    db.table("recent_posts").create(
        {
            "snapshot_id": int,
            "journal": str,
            "source_url": str,
            "position": int,
            "title": str,
            "url": str,
            "author": str,
            "date_text": str,
            "date": str,
            "comment_count": int,
            "promoted": int,
            "price_tokens": int,
            "excerpt": str,
            "seen_at": str,
        },
        pk=("snapshot_id", "position"),
        not_null=[
            "snapshot_id",
            "journal",
            "source_url",
            "position",
            "title",
            "url",
            "date_text",
            "promoted",
            "seen_at",
        ],
        foreign_keys=[
            ("snapshot_id", "recent_post_snapshots", "id"),
            ("journal", "journals", "username"),
        ],
    )
    db.table("comment_policies").create(
        {
            "id": int,
            "journal": str,
            "anonymous_allowed": int,
            "screened": int,
            "screened_scope": str,
            "ip_recorded": int,
            "comments_disabled": int,
            "source_url": str,  # the page the policy was first seen on
            "seen_at": str,
            "last_seen": str,
        },
        pk="id",
        not_null=[
            "journal",
            "anonymous_allowed",
            "screened",
            "ip_recorded",
            "comments_disabled",
            "source_url",
            "seen_at",
            "last_seen",
        ],
        foreign_keys=[("journal", "journals", "username")],
    )
    # No foreign key to posts: a comment page can be saved before (or without) its post.
    db.table("comments").create(
        {
            "journal": str,
            "talkid": int,
            "ditemid": int,
            "parent_talkid": int,
            "depth": int,
            "poster": str,
            "subject": str,
            "body_html": str,
            "posted_text": str,
            "posted": str,
            "state": str,
            "collapsed": int,
            "first_seen": str,
            "last_seen": str,
        },
        pk=("journal", "talkid"),
        not_null=[
            "journal",
            "talkid",
            "ditemid",
            "depth",
            "state",
            "collapsed",
            "first_seen",
            "last_seen",
        ],
        foreign_keys=[("journal", "journals", "username")],
    )
    db.table("comments").create_index(["journal", "ditemid"])
    db.table("recent_post_snapshots").create_index(["journal"])
    db.table("comment_policies").create_index(["journal"])


def _create_capture_tables(db: Database) -> None:
    db.table("captures").create(
        {
            "id": int,
            "url": str,
            "status": int,
            "content_type": str,
            "warc_file": str,
            "warc_offset": int,
            "warc_length": int,
            "record_id": str,
            "payload_digest": str,
            "fetched_at": str,
            "run_id": int,
        },
        pk="id",
        not_null=["url", "warc_file", "warc_offset", "warc_length", "record_id", "fetched_at"],
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db.table("captures").create_index(["record_id"], unique=True)
    db.table("captures").create_index(["url"])
    db.table("errors").create(
        {"id": int, "run_id": int, "url": str, "kind": str, "message": str, "at": str},
        pk="id",
        not_null=["kind", "message", "at"],
        foreign_keys=[("run_id", "crawl_runs", "id")],
    )
    db.table("captures").create_index(["run_id"])
    db.table("errors").create_index(["run_id"])


def _enable_full_text_search(db: Database) -> None:
    for table, columns in FTS_COLUMNS.items():
        db.table(table).enable_fts(list(columns), create_triggers=True)


# The rows that point at the capture (WARC record) they were read from.
CAPTURE_LINKED_TABLES = (
    "journals",
    "posts",
    "post_versions",
    "locked_posts",
    "comments",
    "comment_policies",
    "recent_post_snapshots",
)


def _link_rows_to_captures(db: Database) -> None:
    db.table("captures").add_column("record_type", str)  # response, revisit
    db.table("captures").add_column("refers_to", str)  # a revisit's original record id
    db.table("captures").create_index(["url", "payload_digest"])
    for table in CAPTURE_LINKED_TABLES:
        # Plain ALTER TABLE: sqlite-utils' add_column(fk=...) rebuilds the table, which would
        # drop the full-text triggers on posts and comments.
        db.execute(f"ALTER TABLE [{table}] ADD COLUMN capture_id INTEGER REFERENCES captures(id)")


def _remember_complete_listings(db: Database) -> None:
    # The last run that listed the whole journal (calendar walked, nothing failed): from then
    # on a scheduled run reads only the index pages and the feeds.
    db.execute("ALTER TABLE journals ADD COLUMN listed_in_run INTEGER REFERENCES crawl_runs(id)")


def _create_post_index(db: Database) -> None:
    # For browsing in Datasette: facets by year, by tag (a JSON list) and by live or deleted.
    db.execute(
        """
        CREATE VIEW post_index AS
        SELECT p.journal, p.ditemid, p.title, p.published,
               substr(p.published, 1, 4) AS year, p.security, p.comment_count,
               (SELECT json_group_array(t.name) FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
                WHERE pt.journal = p.journal AND pt.ditemid = p.ditemid) AS tags,
               CASE WHEN p.deleted_in_run IS NULL THEN 'live' ELSE 'deleted' END AS status,
               p.url
        FROM posts p
        """
    )


# In order; never rename or reorder an applied one, only append.
MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("0001_create_tables", _create_tables),
    ("0002_full_text_search", _enable_full_text_search),
    ("0003_capture_links", _link_rows_to_captures),
    ("0004_complete_listings", _remember_complete_listings),
    ("0005_post_index_view", _create_post_index),
)


def schema_sql(db: Database) -> str:
    """The schema as SQL text, in creation order, without SQLite's FTS5 shadow tables."""
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master "
        "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()
    fts_tables = {name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")}
    shadow = {table + suffix for table in fts_tables for suffix in _FTS5_SHADOW_SUFFIXES}
    statements = [sql.strip().rstrip(";") + ";" for name, sql in rows if name not in shadow]
    return "\n\n".join(statements) + "\n"


# --- journals ---------------------------------------------------------------------------------


def save_journal(
    db: Database, item: JournalItem, seen_at: str, capture_id: int | None = None
) -> None:
    """Upsert a journal; status fields follow the latest page, known identity fields stay."""
    with db.atomic():
        db.execute(
            """
            INSERT INTO journals (username, url, journal_id, title, journal_type, status,
                                  renamed_to, status_text, first_seen, last_seen, capture_id)
            VALUES (:username, :url, :journal_id, :title, :journal_type, :status,
                    :renamed_to, :status_text, :seen_at, :seen_at, :capture_id)
            ON CONFLICT (username) DO UPDATE SET
                url = excluded.url,
                journal_id = COALESCE(excluded.journal_id, journal_id),
                title = COALESCE(excluded.title, title),
                journal_type = COALESCE(excluded.journal_type, journal_type),
                status = excluded.status,
                renamed_to = excluded.renamed_to,
                status_text = excluded.status_text,
                last_seen = MAX(last_seen, excluded.last_seen),
                capture_id = COALESCE(excluded.capture_id, capture_id)
            """,
            {
                "username": item.username,
                "url": item.url,
                "journal_id": item.journal_id,
                "title": item.title,
                "journal_type": item.journal_type,
                "status": item.status,
                "renamed_to": item.renamed_to,
                "status_text": item.status_text,
                "seen_at": seen_at,
                "capture_id": capture_id,
            },
        )


def _ensure_journal(db: Database, username: str, seen_at: str) -> None:
    """A placeholder row (status NULL) so that rows of a journal not yet saved keep their FK."""
    db.execute(
        "INSERT INTO journals (username, url, first_seen, last_seen) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (username) DO NOTHING",
        [username, urls.journal_root(username), seen_at, seen_at],
    )


# --- posts ------------------------------------------------------------------------------------


def post_content_hash(item: PostItem) -> str:
    """What decides whether a post changed: title, body, tags (as a set) and publication date.

    body_text is left out because it is derived from body_html.
    """
    return _content_hash(item.title, item.body_html, _tag_list(item.tags), item.published)


def _content_hash(title: str, body_html: str, tags: list[str], published: str | None) -> str:
    payload = json.dumps(
        {"title": title, "body_html": body_html, "tags": tags, "published": published},
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
    with db.atomic():
        _ensure_journal(db, item.journal, seen_at)
        old = _one(
            db,
            "SELECT * FROM posts WHERE journal = ? AND ditemid = ?",
            [item.journal, item.ditemid],
        )
        outcome: PostOutcome
        if old is None:
            outcome = "new"
            row = _post_row(item, content_hash, seen_at, seen_at, seen_at)
            _insert(db, "posts", {**row, "capture_id": capture_id})
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
            _count_post(db, run_id, outcome)
    return outcome


def _post_row(
    item: PostItem, content_hash: str, first_seen: str, last_seen: str, last_changed: str
) -> dict[str, Any]:
    return {
        "journal": item.journal,
        "ditemid": item.ditemid,
        "url": item.url,
        "title": item.title,
        "poster": item.poster,
        "published_text": item.published_text,
        "published": item.published,
        "body_html": item.body_html,
        "body_text": item.body_text,
        "comment_count": item.comment_count,
        "security": item.security,
        "skin": item.skin,
        "mood": item.mood,
        "music": item.music,
        "location": item.location,
        "content_hash": content_hash,
        "first_seen": first_seen,
        "last_seen": last_seen,
        "last_changed": last_changed,
        "deleted_in_run": None,
    }


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
    _insert(
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


def _count_post(db: Database, run_id: int, outcome: PostOutcome) -> None:
    column = _RUN_COUNTERS[outcome]
    cursor = db.execute(
        f"UPDATE crawl_runs SET [{column}] = COALESCE([{column}], 0) + 1 WHERE id = ?", [run_id]
    )
    _require_run(cursor.rowcount, run_id)


_MISSING = (
    "journal = ? AND deleted_in_run IS NULL AND ditemid NOT IN (SELECT value FROM json_each(?)) "
    "AND (? IS NULL OR substr(published, 1, 4) IN (SELECT value FROM json_each(?)))"
)


def _missing_params(
    journal: str, seen_ditemids: Iterable[int], years: Iterable[int] | None
) -> list[Any]:
    seen = json.dumps(sorted(set(seen_ditemids)))
    listed_years = None if years is None else json.dumps([f"{y:04d}" for y in sorted(years)])
    return [journal, seen, listed_years, listed_years]


def count_missing_posts(
    db: Database, journal: str, seen_ditemids: Iterable[int], years: Iterable[int] | None = None
) -> int:
    """How many live posts `mark_missing_posts` would mark, without marking them."""
    params = _missing_params(journal, seen_ditemids, years)
    count: int = db.execute(f"SELECT COUNT(*) FROM posts WHERE {_MISSING}", params).fetchone()[0]
    return count


def mark_missing_posts(
    db: Database,
    journal: str,
    seen_ditemids: Iterable[int],
    run_id: int,
    years: Iterable[int] | None = None,
) -> int:
    """Set `deleted_in_run` on the journal's posts that are not in `seen_ditemids`.

    Only for a run that listed the whole journal; with `years`, only posts published in those
    years (the years whose calendar the run read). Posts already marked keep the run that
    first missed them; rows are kept. Returns how many posts were marked.
    """
    params = _missing_params(journal, seen_ditemids, years)
    with db.atomic():
        cursor = db.execute(
            f"UPDATE posts SET deleted_in_run = ? WHERE {_MISSING}", [run_id, *params]
        )
        marked: int = cursor.rowcount
    return marked


def mark_missing_posts_on_days(
    db: Database, journal: str, listed: dict[str, set[int]], run_id: int
) -> int:
    """Like `mark_missing_posts`, for a run that listed some days whole (`YYYY-MM-DD` -> the
    ditemids the calendar showed that day, empty for a day it no longer shows)."""
    marked = 0
    with db.atomic():
        for day, ditemids in listed.items():
            cursor = db.execute(
                "UPDATE posts SET deleted_in_run = ? WHERE journal = ? AND deleted_in_run IS NULL "
                "AND substr(published, 1, 10) = ? "
                "AND ditemid NOT IN (SELECT value FROM json_each(?))",
                [run_id, journal, day, json.dumps(sorted(ditemids))],
            )
            marked += cursor.rowcount
    return marked


def journal_knowledge(db: Database, journal: str, refresh_window: int) -> JournalKnowledge:
    listed = db.execute(
        "SELECT listed_in_run IS NOT NULL FROM journals WHERE username = ?", [journal]
    ).fetchone()
    rows = db.execute(
        "SELECT url, comment_count FROM posts WHERE journal = ? AND deleted_in_run IS NULL "
        "ORDER BY published DESC, ditemid DESC",
        [journal],
    ).fetchall()
    days = db.execute(
        "SELECT substr(published, 1, 10), COUNT(*) FROM posts WHERE journal = ? "
        "AND deleted_in_run IS NULL AND published IS NOT NULL GROUP BY 1",
        [journal],
    ).fetchall()
    return JournalKnowledge(
        listed=bool(listed and listed[0]),
        comment_counts={url: count for url, count in rows},
        newest=frozenset(url for url, _count in rows[:refresh_window]),
        day_counts=dict(days),
    )


def mark_listed(db: Database, journal: str, run_id: int) -> None:
    with db.atomic():
        db.execute("UPDATE journals SET listed_in_run = ? WHERE username = ?", [run_id, journal])


def save_locked_post(
    db: Database, item: LockedPostItem, seen_at: str, capture_id: int | None = None
) -> None:
    with db.atomic():
        _ensure_journal(db, item.journal, seen_at)
        db.execute(
            """
            INSERT INTO locked_posts (journal, ditemid, url, message, first_seen, last_seen,
                                      capture_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (journal, ditemid) DO UPDATE SET
                url = excluded.url,
                message = excluded.message,
                last_seen = MAX(last_seen, excluded.last_seen),
                capture_id = COALESCE(excluded.capture_id, capture_id)
            """,
            [item.journal, item.ditemid, item.url, item.message, seen_at, seen_at, capture_id],
        )


# --- comments ---------------------------------------------------------------------------------


def save_comment(
    db: Database, item: CommentItem, seen_at: str, capture_id: int | None = None
) -> None:
    """Upsert a comment on (journal, talkid).

    LiveJournal hides the text of a comment once it is deleted, screened or collapsed; the
    text seen earlier is kept (a None never overwrites a value).
    """
    with db.atomic():
        _ensure_journal(db, item.journal, seen_at)
        db.execute(
            """
            INSERT INTO comments (journal, talkid, ditemid, parent_talkid, depth, poster,
                                  subject, body_html, posted_text, posted, state, collapsed,
                                  first_seen, last_seen, capture_id)
            VALUES (:journal, :talkid, :ditemid, :parent_talkid, :depth, :poster,
                    :subject, :body_html, :posted_text, :posted, :state, :collapsed,
                    :seen_at, :seen_at, :capture_id)
            ON CONFLICT (journal, talkid) DO UPDATE SET
                ditemid = excluded.ditemid,
                parent_talkid = COALESCE(excluded.parent_talkid, parent_talkid),
                depth = excluded.depth,
                poster = COALESCE(excluded.poster, poster),
                subject = COALESCE(excluded.subject, subject),
                body_html = COALESCE(excluded.body_html, body_html),
                posted_text = COALESCE(excluded.posted_text, posted_text),
                posted = COALESCE(excluded.posted, posted),
                state = excluded.state,
                collapsed = excluded.collapsed,
                last_seen = MAX(last_seen, excluded.last_seen),
                capture_id = COALESCE(excluded.capture_id, capture_id)
            """,
            {
                "journal": item.journal,
                "talkid": item.talkid,
                "ditemid": item.ditemid,
                "parent_talkid": item.parent_talkid,
                "depth": item.depth,
                "poster": item.poster,
                "subject": item.subject,
                "body_html": item.body_html,
                "posted_text": item.posted_text,
                "posted": item.posted,
                "state": item.state,
                "collapsed": int(item.collapsed),
                "seen_at": seen_at,
                "capture_id": capture_id,
            },
        )


def save_comment_policy(
    db: Database, item: CommentPolicyItem, seen_at: str, capture_id: int | None = None
) -> int:
    """Record the journal's comment policy; return the id of the row that now describes it.

    A new row only when the policy differs from the journal's latest row; otherwise that row's
    `last_seen` moves on. The rows are the history of policy changes.
    """
    policy = {
        "anonymous_allowed": int(item.anonymous_allowed),
        "screened": int(item.screened),
        "screened_scope": item.screened_scope,
        "ip_recorded": int(item.ip_recorded),
        "comments_disabled": int(item.comments_disabled),
    }
    with db.atomic():
        _ensure_journal(db, item.journal, seen_at)
        latest = _one(
            db,
            "SELECT * FROM comment_policies WHERE journal = ? ORDER BY id DESC LIMIT 1",
            [item.journal],
        )
        if latest is not None and all(latest[k] == v for k, v in policy.items()):
            _touch(db, "comment_policies", latest["id"], seen_at)
            policy_id: int = latest["id"]
            return policy_id
        return _insert(
            db,
            "comment_policies",
            {
                "journal": item.journal,
                **policy,
                "source_url": item.source_url,
                "seen_at": seen_at,
                "last_seen": seen_at,
                "capture_id": capture_id,
            },
        )


# --- the "Recent Posts from This Journal" widget ----------------------------------------------


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
    with db.atomic():
        _ensure_journal(db, journal, seen_at)
        latest = _one(
            db,
            "SELECT id, items_hash FROM recent_post_snapshots "
            "WHERE journal = ? ORDER BY id DESC LIMIT 1",
            [journal],
        )
        if latest is not None and latest["items_hash"] == items_hash:
            _touch(db, "recent_post_snapshots", latest["id"], seen_at)
            same_id: int = latest["id"]
            return same_id
        snapshot_id = _insert(
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
            _insert(db, "recent_posts", _recent_post_row(item, snapshot_id, seen_at))
    return snapshot_id


def _widget_fields(item: RecentPostItem) -> dict[str, Any]:
    return {
        "position": item.position,
        "title": item.title,
        "url": item.url,
        "author": item.author,
        "date_text": item.date_text,
        "date": item.date,
        "comment_count": item.comment_count,
        "promoted": int(item.promoted),
        "price_tokens": item.price_tokens,
        "excerpt": item.excerpt,
    }


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


# --- captures, runs and errors ----------------------------------------------------------------


def save_capture(
    db: Database,
    *,
    url: str,
    status: int | None,
    warc_file: str,
    warc_offset: int,
    warc_length: int,
    record_id: str,
    fetched_at: str,
    content_type: str | None = None,
    payload_digest: str | None = None,
    run_id: int | None = None,
    record_type: str = "response",
    refers_to: str | None = None,
) -> int:
    """Record where a response lives in the WARC files; idempotent on the WARC record id."""
    with db.atomic():
        db.execute(
            """
            INSERT INTO captures (url, status, content_type, warc_file, warc_offset,
                                  warc_length, record_id, payload_digest, fetched_at, run_id,
                                  record_type, refers_to)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (record_id) DO NOTHING
            """,
            [
                url,
                status,
                content_type,
                warc_file,
                warc_offset,
                warc_length,
                record_id,
                payload_digest,
                fetched_at,
                run_id,
                record_type,
                refers_to,
            ],
        )
        capture_id: int = db.execute(
            "SELECT id FROM captures WHERE record_id = ?", [record_id]
        ).fetchone()[0]
    return capture_id


def start_run(db: Database, started_at: str, journals: Sequence[str]) -> int:
    return _insert(
        db,
        "crawl_runs",
        {
            "started_at": started_at,
            "journals": json.dumps(list(journals), ensure_ascii=False),
            "requests": 0,
            "new_posts": 0,
            "changed_posts": 0,
            "unchanged_posts": 0,
            "errors": 0,
        },
    )


def finish_run(
    db: Database,
    run_id: int,
    *,
    ended_at: str,
    outcome: str,
    exit_code: int,
    requests: int | None = None,
) -> None:
    """Close a run. The post counters were kept by save_post; `errors` counts its errors rows."""
    with db.atomic():
        cursor = db.execute(
            """
            UPDATE crawl_runs SET
                ended_at = ?,
                outcome = ?,
                exit_code = ?,
                requests = COALESCE(?, requests),
                errors = (SELECT COUNT(*) FROM errors WHERE run_id = crawl_runs.id)
            WHERE id = ?
            """,
            [ended_at, outcome, exit_code, requests, run_id],
        )
        _require_run(cursor.rowcount, run_id)


def record_error(
    db: Database, run_id: int | None, url: str | None, kind: str, message: str, at: str
) -> int:
    return _insert(
        db,
        "errors",
        {"run_id": run_id, "url": url, "kind": kind, "message": message, "at": at},
    )


def _require_run(rowcount: int, run_id: int) -> None:
    if rowcount != 1:
        raise ValueError(f"no crawl run with id {run_id}")


# --- small helpers ----------------------------------------------------------------------------


def _insert(db: Database, table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(f"[{c}]" for c in row)
    values = ", ".join(f":{c}" for c in row)
    cursor = db.execute(f"INSERT INTO [{table}] ({columns}) VALUES ({values})", row)
    rowid: int | None = cursor.lastrowid
    assert rowid is not None
    return rowid


def _one(db: Database, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    return next(iter(db.query(sql, params)), None)


def _touch(db: Database, table: str, row_id: int, seen_at: str) -> None:
    db.execute(
        f"UPDATE [{table}] SET last_seen = MAX(last_seen, ?) WHERE id = ?", [seen_at, row_id]
    )
