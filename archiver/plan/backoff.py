"""How long to wait before asking LiveJournal again after a 429 or a 503 (no Scrapy)."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# LiveJournal's "slow down": waited out and retried, never taken as the journal being gone.
RATE_LIMIT_STATUSES = frozenset({429, 503})


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A Retry-After header's wait: delay-seconds or an HTTP date; None if absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def wait_before_retry(
    retry_after: str | None, retries: int, now: datetime, base: float, cap: float
) -> float:
    """Retry-After when the server gave one, else exponential backoff (base, 2×base, 4×base...),
    never more than `cap` seconds."""
    told = retry_after_seconds(retry_after, now)
    wait = told if told is not None else base * 2**retries
    return min(wait, cap)


def truncation_reason(exception_name: str) -> str:
    """The WARC-Truncated value for a response cut off by an exception of this class name."""
    name = exception_name.lower()
    if "timeout" in name:
        return "time"
    if "cancel" in name or "maxsize" in name:
        return "length"
    return "disconnect"
