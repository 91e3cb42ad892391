"""The one way times become text in the database (ISO 8601, UTC, whole seconds), and the
server's clock read from a response."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def iso_seconds(moment: datetime) -> str:
    """`2021-09-30T16:05:00+00:00`: the form every `*_seen`, `seen_at` and `at` column holds,
    so that comparing two of them as text compares the times."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def now_iso() -> str:
    return iso_seconds(datetime.now(UTC))


def served_at(date_header: str | None, fallback: datetime) -> datetime:
    """When a response was served, by its `Date` header (LiveJournal's clock dates the widget's
    "Yesterday" and year-less dates), else `fallback`."""
    if date_header:
        try:
            return parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            pass
    return fallback
