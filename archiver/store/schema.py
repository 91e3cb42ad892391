"""The database's shape: the tables, the migrations that build them, and the schema as text.

Rows are never deleted: a post that changed moves its previous content to `post_versions`, a
post that disappeared gets `deleted_in_run`, and the comment policy and the "Recent Posts"
widget keep one row per distinct state, with the time range it was seen.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from sqlite_utils import Database

from archiver.clock import now_iso

Migration = Callable[[Database], None]

# The tables that have a full-text index (`<table>_fts`) and the columns it covers.
FTS_COLUMNS: dict[str, tuple[str, ...]] = {
    "posts": ("title", "body_text"),
    "comments": ("subject", "body_html"),
}

FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_content", "_docsize", "_config")


# A checkpoint copies every page the WAL holds into the file. At SQLite's default (every 1,000
# pages) a crawl checkpointed after nearly every commit, so the pages all its batches touch
# (indexes, full-text search) went into the file again each time. Now checkpoints are 16,384
# pages (64 MB at the default page size) of WAL apart.
WAL_CHECKPOINT_PAGES = 16384


def open_db(path: str | Path) -> Database:
    """Open (or create) the archive database and bring its schema up to date."""
    db = Database(path)
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    # Safe with WAL: a power cut can lose the last commits, never corrupt the file; the WARC
    # files are the source of truth anyway.
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
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
    stamp = applied_at or now_iso()
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


def _mark_parsed_captures(db: Database) -> None:
    # 1 once the rows parsed from a response (or the parse error it gave) are saved, in the
    # same transaction: a response without it was archived by a run killed before saving.
    db.execute("ALTER TABLE captures ADD COLUMN parsed INTEGER")
    db.execute(
        "UPDATE captures SET parsed = 1 WHERE run_id IS NULL "
        "OR run_id NOT IN (SELECT id FROM crawl_runs WHERE ended_at IS NULL)"
    )


def _keep_media(db: Database) -> None:
    # What pages load (images, userpics, styles, scripts, fonts): one row per URL, and which
    # posts and comments show each; talkid 0 is the post itself.
    db.execute(
        """
        CREATE TABLE media (
            url TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            status INTEGER,
            content_type TEXT,
            length INTEGER,
            payload_digest TEXT,
            note TEXT,
            first_capture_id INTEGER REFERENCES captures(id),
            last_capture_id INTEGER REFERENCES captures(id),
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE media_links (
            journal TEXT NOT NULL REFERENCES journals(username),
            ditemid INTEGER NOT NULL,
            talkid INTEGER NOT NULL DEFAULT 0,
            url TEXT NOT NULL,
            role TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            capture_id INTEGER REFERENCES captures(id),
            PRIMARY KEY (journal, ditemid, talkid, url, role)
        )
        """
    )
    db.execute("CREATE INDEX idx_media_links_url ON media_links (url)")
    # A body stored once whatever URL it came from: revisits are found by digest alone too.
    db.execute("CREATE INDEX idx_captures_payload_digest ON captures (payload_digest)")
    for table in ("journals", "posts", "comments"):
        db.execute(f"ALTER TABLE [{table}] ADD COLUMN userpic_url TEXT")


def _remember_sessions(db: Database) -> None:
    # Which account's session a request carried (NULL: logged out), for `--public-only` and
    # for knowing what a logged-out run could not have seen. A post's security level is one of
    # SECURITY_LEVELS; the 0001 schema's "locked" meant "not public, level not shown".
    db.execute("ALTER TABLE captures ADD COLUMN logged_in_as TEXT")
    db.execute("ALTER TABLE crawl_runs ADD COLUMN logged_in_as TEXT")
    db.execute("ALTER TABLE post_versions ADD COLUMN security TEXT")
    db.execute("UPDATE posts SET security = 'protected' WHERE security = 'locked'")
    db.execute("UPDATE post_versions SET security = 'public' WHERE security IS NULL")


def _identify_runs(db: Database) -> None:
    # A run's id is only this database's: `uid` names the run wherever `archiver merge` folds
    # it (a worker's runs into the archive, the archive's into a worker before a journal).
    db.execute("ALTER TABLE crawl_runs ADD COLUMN uid TEXT")
    db.execute("UPDATE crawl_runs SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL")
    db.execute("CREATE UNIQUE INDEX idx_crawl_runs_uid ON crawl_runs (uid)")


# public; friends (friends-only); private (the owner alone); custom (a friends group);
# protected (not public, and the page does not say which of the three).
SECURITY_LEVELS = ("public", "friends", "private", "custom", "protected")

# In order; never rename or reorder an applied one, only append.
MIGRATIONS: tuple[tuple[str, Migration], ...] = (
    ("0001_create_tables", _create_tables),
    ("0002_full_text_search", _enable_full_text_search),
    ("0003_capture_links", _link_rows_to_captures),
    ("0004_complete_listings", _remember_complete_listings),
    ("0005_post_index_view", _create_post_index),
    ("0006_parsed_captures", _mark_parsed_captures),
    ("0007_media", _keep_media),
    ("0008_sessions", _remember_sessions),
    ("0009_run_uids", _identify_runs),
)


def schema_sql(db: Database) -> str:
    """The schema as SQL text, in creation order, without SQLite's FTS5 shadow tables."""
    rows = db.execute(
        "SELECT name, sql FROM sqlite_master "
        "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
    ).fetchall()
    fts_tables = {name for name, sql in rows if sql.upper().startswith("CREATE VIRTUAL TABLE")}
    shadow = {table + suffix for table in fts_tables for suffix in FTS5_SHADOW_SUFFIXES}
    statements = [sql.strip().rstrip(";") + ";" for name, sql in rows if name not in shadow]
    return "\n\n".join(statements) + "\n"


def fold_wal(path: Path) -> None:
    """Write a database's WAL back into the file and empty it, so the file alone is whole."""
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
