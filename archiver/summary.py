"""A few lines that say what an archive database holds."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils


def _count(db: sqlite_utils.Database, table: str) -> int:
    return db[table].count if table in db.table_names() else 0


def archive_summary(db_path: Path) -> str:
    db = sqlite_utils.Database(db_path)
    statuses = (
        db.execute(
            "select status, count(*) from journals group by status order by status"
        ).fetchall()
        if "journals" in db.table_names()
        else []
    )
    by_status = ", ".join(f"{n} {s}" for s, n in statuses) or "none"
    lines = [
        f"Archive: {db_path}",
        f"  journals:        {sum(n for _, n in statuses)} ({by_status})",
        f"  posts:           {_count(db, 'posts')}",
        f"  tags:            {_count(db, 'tags')}",
        f"  comments:        {_count(db, 'comments')}",
        f"  widget items:    {_count(db, 'recent_posts')}",
        f"  comment policies: {_count(db, 'comment_policies')}",
        f"  errors:          {_count(db, 'errors')}",
    ]
    db.close()
    return "\n".join(lines)
