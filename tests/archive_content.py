"""What an archive holds, without what only says when or where it was written: two archives of
the same journals at the same revision hold the same content however they were crawled."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from archiver import urls

# Per table: the columns that are content. Times, row ids, WARC paths and offsets are not, nor
# which post page showed a policy or a widget first (that depends on the order of the answers).
CONTENT_COLUMNS: dict[str, str] = {
    "journals": "username, url, journal_id, title, journal_type, status, renamed_to, "
    "listed_in_run IS NOT NULL, userpic_url",
    "posts": "journal, ditemid, url, title, poster, published_text, published, body_html, "
    "body_text, comment_count, security, skin, mood, music, location, content_hash, "
    "deleted_in_run IS NOT NULL, userpic_url",
    "post_versions": "journal, ditemid, version, title, body_html, tags, published, content_hash",
    "locked_posts": "journal, ditemid, url, message",
    "comments": "journal, talkid, ditemid, parent_talkid, depth, poster, subject, body_html, "
    "posted_text, posted, state, collapsed, userpic_url",
    "comment_policies": "journal, anonymous_allowed, screened, screened_scope, ip_recorded, "
    "comments_disabled",
    "recent_post_snapshots": "journal, items_hash, item_count",
    "media": "url, role, status, content_type, length, payload_digest, note",
}
QUERIES: dict[str, str] = {
    **{
        table: f"SELECT DISTINCT {columns} FROM {table}"
        for table, columns in CONTENT_COLUMNS.items()
    },
    "post_tags": "SELECT DISTINCT pt.journal, pt.ditemid, t.name FROM post_tags pt "
    "JOIN tags t ON t.id = pt.tag_id",
    "recent_posts": "SELECT DISTINCT s.journal, s.items_hash, r.position, r.title, r.url, "
    "r.author, r.date_text, r.date, r.comment_count, r.promoted, r.price_tokens, r.excerpt "
    "FROM recent_posts r JOIN recent_post_snapshots s ON s.id = r.snapshot_id",
    # LiveJournal's site-wide static files are linked to the first page of a crawl that loaded
    # them, whichever that was.
    "media_links": "SELECT DISTINCT journal, CASE WHEN url LIKE "
    "'https://l-stat.livejournal.net/%' THEN NULL ELSE ditemid END, talkid, url, role, ditemid "
    "FROM media_links",
    # What was fetched and what came back: a revisit and a response of one payload are alike;
    # a download given up on (a note in `media`) holds whatever arrived before.
    "captures": "SELECT DISTINCT c.url, c.status, CASE WHEN m.note IS NULL THEN c.payload_digest "
    "END FROM captures c LEFT JOIN media m ON m.url = c.url",
    "posts_fts": "SELECT DISTINCT p.journal, p.ditemid FROM posts_fts f "
    "JOIN posts p ON p.rowid = f.rowid WHERE posts_fts MATCH 'a* OR e* OR o*'",
}


def light_posts(database: Path) -> set[tuple[str, int]]:
    """The posts a crawl also read in their light form, for the journal's comment policy: the
    front page's first post when the crawl ran, so archives crawled at other revisions (or in
    more rounds) hold other ones."""
    with closing(sqlite3.connect(database)) as db:
        found = db.execute("SELECT url FROM captures WHERE url LIKE '%?format=light'").fetchall()
    refs = [urls.classify(url) for (url,) in found]
    return {(ref.journal, ref.ditemid) for ref in refs if ref.journal and ref.ditemid}


def archive_content(
    database: Path, leave_out: set[tuple[str, int]] = frozenset()
) -> dict[str, set[tuple[Any, ...]]]:
    """The content, without what the light forms of the `leave_out` posts added (their media
    links, their captures, what only they load)."""
    with closing(sqlite3.connect(database)) as db:
        content = {table: set(db.execute(query).fetchall()) for table, query in QUERIES.items()}
    content["media_links"] = {
        row[:-1] for row in content["media_links"] if (row[0], row[-1]) not in leave_out
    }
    light_urls = {
        urls.post_url(journal, ditemid) + "?format=light" for journal, ditemid in leave_out
    }
    only_light = loaded_only_by(database, leave_out)
    content["captures"] = {
        row for row in content["captures"] if row[0] not in light_urls | only_light
    }
    content["media"] = {row for row in content["media"] if row[0] not in only_light}
    return content


def loaded_only_by(database: Path, posts: set[tuple[str, int]]) -> set[str]:
    """The media that no page but those of `posts` loads (a mood image on a light form)."""
    with closing(sqlite3.connect(database)) as db:
        links = db.execute("SELECT url, journal, ditemid FROM media_links").fetchall()
    linked_from: dict[str, set[bool]] = {}
    for url, journal, ditemid in links:
        linked_from.setdefault(url, set()).add((journal, ditemid) in posts)
    return {url for url, among in linked_from.items() if among == {True}}


COLLAPSED = CONTENT_COLUMNS["comments"].split(", ").index("collapsed")


def same_content(
    ours: Path, theirs: Path, *, collapsed: bool = True
) -> dict[str, tuple[list[Any], list[Any]]]:
    """`differences` of two archives' content, the light forms of posts left out; without
    `collapsed`, whether a comment was last seen collapsed is left out too."""
    leave_out = light_posts(ours) | light_posts(theirs)
    contents = [archive_content(ours, leave_out), archive_content(theirs, leave_out)]
    if not collapsed:
        for content in contents:
            content["comments"] = {r[:COLLAPSED] + r[COLLAPSED + 1 :] for r in content["comments"]}
    return differences(*contents)


def differences(
    ours: dict[str, set[tuple[Any, ...]]], theirs: dict[str, set[tuple[Any, ...]]]
) -> dict[str, tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Per table that differs: (rows only in ours, rows only in theirs), a few of each."""
    return {
        table: (
            sorted(ours[table] - theirs[table], key=repr)[:3],
            sorted(theirs[table] - ours[table], key=repr)[:3],
        )
        for table in ours
        if ours[table] != theirs[table]
    }


def table_dump(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (ids and times included), for "nothing changed" checks."""
    with closing(sqlite3.connect(database)) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'"
            )
        ]
        return {t: sorted(db.execute(f"SELECT * FROM [{t}]").fetchall(), key=repr) for t in tables}
