"""A few lines that say what an archive database holds."""

from __future__ import annotations

from pathlib import Path

from archiver.store import reads

LABELS = {
    "posts": "posts",
    "tags": "tags",
    "comments": "comments",
    "recent_posts": "widget items",
    "comment_policies": "comment policies",
    "errors": "errors",
}


def archive_summary(db_path: Path) -> str:
    with reads.connect(db_path) as db:
        statuses = reads.journal_statuses(db)
        counts = reads.table_counts(db)
    by_status = ", ".join(f"{n} {s}" for s, n in statuses) or "none"
    journals = f"{sum(n for _, n in statuses)} ({by_status})"
    lines = [f"Archive: {db_path}", _line("journals", journals)]
    lines += [_line(LABELS[table], str(count)) for table, count in counts.items()]
    return "\n".join(lines)


def _line(label: str, value: str) -> str:
    return f"  {label + ':':<16} {value}"
