"""The public copy of an archive's database: what a copy made to be shared leaves out
(`archiver.archive.public` makes the copy; `archiver wacz --public-only` packages only the WARC
records it keeps; `archiver serve --public-only` serves it).

What is left out:

- a non-public post (its current `posts.security` is not `public`, or a logged-out run last
  saw LiveJournal's protected-entry page for it: locked since it was archived): its row, tags
  links (and a tag only non-public posts had), versions, comments, `locked_posts` row,
  `media_links`, full-text entries, and every capture whose URL is one of its pages
  (`?page=`, `?thread=`, `?format=light`, any query);
- of a public post: its versions that were not public, and its screened comments that show
  their text (only the owner could read it; a placeholder without text stays);
- a media URL that only non-public posts and screened comments show (one a public post also
  shows stays), with its captures; a URL no post shows (what listing pages load) stays;
- every page fetched with a session (`logged_in_as`), whatever it is: served logged in, a
  listing lists non-public posts, and any page names the reader, carries form tokens of the
  session, and shows the owner what only the owner sees (screened comments, commenters' IP
  addresses). Only media captures are kept whoever fetched them (the bytes are the picture's).
  A public post fetched only logged in is then not in the copy: `archiver crawl --logged-out
  --full` fetches its public page (`public_posts_fetched_logged_in_only` counts them);
- a revisit record whose original is left out, since it replays that original's body;
- the rows read from a left-out page that describe what it showed (a "Recent Posts" snapshot
  or a comment policy first seen there, or a snapshot that names a non-public post), and the
  `errors` rows of a left-out post or media URL. A kept row that points at a left-out capture
  or names a left-out picture as its userpic keeps its other columns, with that one NULL.

The copy is then indexed again for full-text search and vacuumed, so that no page of the file
still holds a word of what was deleted.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass

from sqlite_utils import Database

from archiver import urls
from archiver.store.schema import FTS_COLUMNS, migrate

PUBLIC = "public"
# Comment states only the journal's owner (and the commenter) can read.
OWNER_ONLY_STATES = ("screened",)

PostKey = tuple[str, int]  # (journal, ditemid)

_OWNER_ONLY = ", ".join(f"'{state}'" for state in OWNER_ONLY_STATES)
# A screened comment with its text: what the owner read. Without text it is the placeholder a
# logged-out reader sees too, and stays.
_READ_BY_OWNER = (
    f"state IN ({_OWNER_ONLY}) AND (coalesce(body_html, '') <> '' OR coalesce(subject, '') <> '')"
)
# Not public: by its level, or because the last a logged-out reader saw of it was LiveJournal's
# protected-entry page (the owner has locked it since it was archived as public).
_NOT_PUBLIC = (
    f"(p.security IS NOT '{PUBLIC}' OR EXISTS (SELECT 1 FROM locked_posts l "
    "WHERE l.journal = p.journal AND l.ditemid = p.ditemid AND l.last_seen > p.last_seen))"
)
_PRIVATE_POSTS = f"SELECT p.journal, p.ditemid FROM posts p WHERE {_NOT_PUBLIC}"
# A media URL whose every link is to a non-public post, or to a comment the copy leaves out.
_PRIVATE_MEDIA = f"""
SELECT url FROM media_links l GROUP BY url
HAVING max(
    EXISTS (SELECT 1 FROM posts p WHERE p.journal = l.journal AND p.ditemid = l.ditemid
            AND p.security = '{PUBLIC}')
    AND (l.talkid = 0 OR NOT EXISTS (
        SELECT 1 FROM comments c WHERE c.journal = l.journal AND c.talkid = l.talkid
        AND {_READ_BY_OWNER}))
) = 0
"""


@dataclass(frozen=True)
class PrivateContent:
    """What in an archive is not for everyone: a WACZ of it asks what to do with them."""

    non_public_posts: int
    logged_in_captures: int
    accounts: tuple[str, ...]  # whose sessions the logged-in captures carried

    @property
    def any(self) -> bool:
        return bool(self.non_public_posts or self.logged_in_captures)

    def describe(self) -> str:
        parts = []
        if self.non_public_posts:
            parts.append(
                f"{self.non_public_posts} non-public posts (friends-only, private, custom)"
            )
        if self.logged_in_captures:
            accounts = ", ".join(self.accounts)
            parts.append(f"{self.logged_in_captures} captures fetched logged in (as {accounts})")
        return " and ".join(parts) or "nothing private"


def private_content(db: sqlite3.Connection) -> PrivateContent:
    """Read `db` only; an archive from before sessions has no logged-in captures."""
    posts = db.execute(f"SELECT count(*) FROM posts p WHERE {_NOT_PUBLIC}").fetchone()
    if "logged_in_as" not in _columns(db, "captures"):
        return PrivateContent(posts[0], 0, ())
    rows = db.execute(
        "SELECT logged_in_as, count(*) FROM captures WHERE logged_in_as IS NOT NULL "
        "GROUP BY logged_in_as ORDER BY logged_in_as"
    ).fetchall()
    return PrivateContent(posts[0], sum(n for _, n in rows), tuple(name for name, _ in rows))


@dataclass(frozen=True)
class Visibility:
    """What the rules above need to know of the archive, read before anything is deleted."""

    private_posts: frozenset[PostKey]
    media: frozenset[str]  # every media URL
    private_media: frozenset[str]


def read_visibility(db: sqlite3.Connection) -> Visibility:
    return Visibility(
        private_posts=_post_keys(db, _PRIVATE_POSTS),
        media=frozenset(url for (url,) in db.execute("SELECT url FROM media")),
        private_media=frozenset(url for (url,) in db.execute(_PRIVATE_MEDIA)),
    )


def post_of(url: str) -> PostKey | None:
    """The post a URL is a page of (any query), or None."""
    page = urls.classify(url)
    if page.kind != "post" or page.ditemid is None or page.journal is None:
        return None
    return (page.journal, page.ditemid) if urls.is_valid_username(page.journal) else None


def keeps_capture(url: str, logged_in_as: str | None, seen: Visibility) -> bool:
    """Whether the public copy keeps a response or revisit record (before the revisit rule)."""
    if url in seen.media:
        return url not in seen.private_media
    post = post_of(url)
    if post is not None and post in seen.private_posts:
        return False
    return logged_in_as is None


def public_posts_fetched_logged_in_only(db: sqlite3.Connection) -> int:
    """Live public posts the public copy cannot show: every capture of their page was fetched
    with a session."""
    if "logged_in_as" not in _columns(db, "captures"):
        return 0
    found: int = db.execute(
        f"SELECT count(*) FROM posts p WHERE p.security = '{PUBLIC}' AND p.deleted_in_run IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM captures c WHERE c.url = p.url AND c.logged_in_as IS NULL)"
    ).fetchone()[0]
    return found


@dataclass(frozen=True)
class LeftOut:
    """What a public copy left out: rows deleted, by table (captures included)."""

    rows: dict[str, int]

    def summary(self) -> str:
        shown = ", ".join(f"{n} {table}" for table, n in sorted(self.rows.items()) if n)
        return f"left out {shown}" if shown else "nothing left out"


def prepare_copy(db: sqlite3.Connection) -> None:
    """Set up a fresh copy (opened with isolation_level=None) for deleting: no -wal file to
    hold deleted pages, what is deleted zeroed, the schema this archiver knows."""
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA secure_delete = ON")
    migrate(Database(db))


def compact(db: sqlite3.Connection) -> None:
    """Write the copy again without its free pages, so none still holds deleted text."""
    db.execute("VACUUM")


def leave_out_private(db: sqlite3.Connection) -> LeftOut:
    """Delete from `db`, a copy, what the rules above leave out, in one transaction."""
    seen = read_visibility(db)
    db.create_function(
        "private_page", 1, lambda url: _is_private_page(url, seen), deterministic=True
    )
    db.execute("BEGIN")
    try:
        _fill_temp_tables(db, seen)
        rows = _delete_rows(db)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        for table in _TEMP_TABLES:
            db.execute(f"DROP TABLE IF EXISTS temp.{table}")
    return LeftOut(rows)


def rebuild_full_text(db: sqlite3.Connection) -> None:
    """Index each full-text table again from its content table: a deleted row's words stay in
    the FTS5 segments (only marked deleted) until the index is rebuilt."""
    tables = _tables(db)
    for table in FTS_COLUMNS:
        fts = f"{table}_fts"
        if fts in tables:
            db.execute(f"INSERT INTO [{fts}] ([{fts}]) VALUES ('rebuild')")


def kept_record_ids(db: sqlite3.Connection) -> frozenset[str]:
    """The record ids of the response and revisit records a public copy keeps."""
    return frozenset(record_id for (record_id,) in db.execute("SELECT record_id FROM captures"))


# ------------------------------------------------------------ deleting


_TEMP_TABLES = (
    "left_out_posts",
    "left_out_comments",
    "left_out_media",
    "left_out_captures",
    "left_out_snapshots",
)


def _fill_temp_tables(db: sqlite3.Connection, seen: Visibility) -> None:
    db.execute("CREATE TEMP TABLE left_out_posts (journal TEXT, ditemid INTEGER)")
    db.executemany("INSERT INTO left_out_posts VALUES (?, ?)", sorted(seen.private_posts))
    db.execute(
        "CREATE TEMP TABLE left_out_comments AS SELECT journal, talkid FROM comments "
        f"WHERE ({_READ_BY_OWNER}) OR (journal, ditemid) IN temp.left_out_posts"
    )
    db.execute("CREATE TEMP TABLE left_out_media (url TEXT PRIMARY KEY)")
    db.executemany("INSERT INTO left_out_media VALUES (?)", [(u,) for u in seen.private_media])
    db.execute("CREATE TEMP TABLE left_out_captures (id INTEGER PRIMARY KEY)")
    rows = db.execute("SELECT id, url, logged_in_as FROM captures").fetchall()
    out = [(capture_id,) for capture_id, url, who in rows if not keeps_capture(url, who, seen)]
    db.executemany("INSERT INTO left_out_captures VALUES (?)", out)
    # A revisit replays its original's body; originals are responses, but follow any chain.
    while db.execute(
        "INSERT OR IGNORE INTO left_out_captures SELECT r.id FROM captures r "
        "JOIN captures o ON o.record_id = r.refers_to "
        "WHERE r.record_type = 'revisit' AND o.id IN temp.left_out_captures"
    ).rowcount:
        pass
    # A widget state read from a left-out page, or one that names a non-public post.
    db.execute(
        "CREATE TEMP TABLE left_out_snapshots AS SELECT id FROM recent_post_snapshots "
        "WHERE capture_id IN temp.left_out_captures OR private_page(source_url) "
        "UNION SELECT snapshot_id FROM recent_posts WHERE private_page(url)"
    )


_IN_POSTS = "(journal, ditemid) IN temp.left_out_posts"
# In order: links before what they link to.
_DELETES: tuple[tuple[str, str], ...] = (
    (
        "media_links",
        f"{_IN_POSTS} OR (talkid <> 0 AND (journal, talkid) IN temp.left_out_comments)",
    ),
    ("media", "url IN temp.left_out_media"),
    ("comments", "(journal, talkid) IN temp.left_out_comments"),
    ("post_tags", _IN_POSTS),
    ("post_versions", f"{_IN_POSTS} OR security IS NOT '{PUBLIC}'"),
    ("locked_posts", _IN_POSTS),
    ("posts", _IN_POSTS),
    ("recent_posts", "snapshot_id IN temp.left_out_snapshots"),
    ("recent_post_snapshots", "id IN temp.left_out_snapshots"),
    ("comment_policies", "capture_id IN temp.left_out_captures OR private_page(source_url)"),
    ("errors", "private_page(url) OR url IN temp.left_out_media"),
)


def _delete_rows(db: sqlite3.Connection) -> dict[str, int]:
    deleted: Counter[str] = Counter()
    used_tags = _used_tags(db)
    for table, condition in _DELETES:
        deleted[table] += db.execute(f"DELETE FROM [{table}] WHERE {condition}").rowcount
    # A tag only non-public posts had: its name alone may say too much.
    unused = used_tags - _used_tags(db)
    db.executemany("DELETE FROM tags WHERE id = ?", [(tag,) for tag in sorted(unused)])
    deleted["tags"] += len(unused)
    for table in ("journals", "posts", "comments"):
        db.execute(
            f"UPDATE [{table}] SET userpic_url = NULL WHERE userpic_url IN temp.left_out_media"
        )
    for table, column in _capture_references(db):
        db.execute(
            f"UPDATE [{table}] SET [{column}] = NULL WHERE [{column}] IN temp.left_out_captures"
        )
    deleted["captures"] += db.execute(
        "DELETE FROM captures WHERE id IN temp.left_out_captures"
    ).rowcount
    return dict(deleted)


def _used_tags(db: sqlite3.Connection) -> set[int]:
    return {tag for (tag,) in db.execute("SELECT DISTINCT tag_id FROM post_tags")}


def _capture_references(db: sqlite3.Connection) -> list[tuple[str, str]]:
    """(table, column) of every column that points at a `captures` row."""
    found = []
    for table in sorted(_tables(db)):
        for row in db.execute(f"PRAGMA foreign_key_list([{table}])"):
            if row[2] == "captures":
                found.append((table, row[3]))
    return found


# ------------------------------------------------------------ helpers


def _is_private_page(url: str | None, seen: Visibility) -> bool:
    post = post_of(url) if url else None
    return post is not None and post in seen.private_posts


def _post_keys(db: sqlite3.Connection, query: str) -> frozenset[PostKey]:
    return frozenset((journal, ditemid) for journal, ditemid in db.execute(query))


def _tables(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _columns(db: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in db.execute(f"PRAGMA table_info([{table}])")}
