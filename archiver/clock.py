"""The one way times become text in the database: ISO 8601, UTC, whole seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_seconds(moment: datetime) -> str:
    """`2021-09-30T16:05:00+00:00`: the form every `*_seen`, `seen_at` and `at` column holds,
    so that comparing two of them as text compares the times."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def now_iso() -> str:
    return iso_seconds(datetime.now(UTC))
