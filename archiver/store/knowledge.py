"""What the archive holds of a journal, as the crawl plan needs it to decide what to fetch."""

from __future__ import annotations

from sqlite_utils import Database

from archiver.items import JournalKnowledge


def journal_knowledge(db: Database, journal: str, *, public_only: bool = False) -> JournalKnowledge:
    """With `public_only` (a run without a session), the non-public posts are left out: a
    logged-out reader's listings never show them, so their counts would never agree."""
    shown = "AND security = 'public'" if public_only else ""
    listed = db.execute(
        "SELECT listed_in_run IS NOT NULL FROM journals WHERE username = ?", [journal]
    ).fetchone()
    rows = db.execute(
        f"SELECT url, comment_count FROM posts WHERE journal = ? AND deleted_in_run IS NULL "
        f"{shown} ORDER BY published DESC, ditemid DESC",
        [journal],
    ).fetchall()
    days = db.execute(
        "SELECT substr(published, 1, 10), COUNT(*) FROM posts WHERE journal = ? "
        f"AND deleted_in_run IS NULL AND published IS NOT NULL {shown} GROUP BY 1",
        [journal],
    ).fetchall()
    incomplete = db.execute(
        "SELECT DISTINCT p.url FROM comments c JOIN posts p "
        "ON p.journal = c.journal AND p.ditemid = c.ditemid WHERE c.journal = ? "
        "AND c.state IN ('active', 'frozen') AND c.body_html IS NULL AND p.deleted_in_run IS NULL "
        # A run killed between a post page and the further pages of its comments: fewer
        # comments archived than the post shows.
        "UNION SELECT p.url FROM posts p WHERE p.journal = ? AND p.deleted_in_run IS NULL "
        "AND p.comment_count > (SELECT count(*) FROM comments c "
        "WHERE c.journal = p.journal AND c.ditemid = p.ditemid)",
        [journal, journal],
    ).fetchall()
    unfetched = db.execute(
        "SELECT DISTINCT l.url, l.role FROM media_links l LEFT JOIN media m ON m.url = l.url "
        "WHERE l.journal = ? AND m.url IS NULL ORDER BY l.url, l.role",
        [journal],
    ).fetchall()
    return JournalKnowledge(
        listed=bool(listed and listed[0]),
        comment_counts={url: count for url, count in rows},
        newest_first=tuple(url for url, _count in rows),
        day_counts=dict(days),
        incomplete=frozenset(url for (url,) in incomplete),
        unfetched_media=tuple((url, role) for url, role in unfetched),
    )
