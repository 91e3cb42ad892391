"""What a failed fetch or a redirect means for the journal: an error row, sometimes a status."""

from __future__ import annotations

from archiver.plan.backoff import RATE_LIMIT_STATUSES

# The pages whose redirect to another journal means the journal was renamed.
RENAME_EVIDENCE = frozenset({"index", "rss", "atom"})
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
# The error statuses whose page is read: a deleted, suspended, missing or blocked journal's
# page, a locked post's. Any other error status is retried or given up on, never parsed.
ANSWERED_ERROR_STATUSES = (403, 404, 410, 451)


def failure_kind(status: int | None) -> str:
    """`network` (no answer), `rate-limited` (429/503 given up on) or `http` (another status)."""
    if status is None:
        return "network"
    return "rate-limited" if status in RATE_LIMIT_STATUSES else "http"


def failure_message(status: int | None, reason: str) -> str:
    return f"HTTP {status} after retries" if status is not None else reason
