"""Injected misbehaviour: which request gets a 429, a 5xx, a dropped connection or a cut body.

Choices are deterministic: a URL is picked by a hash of the URL, and only its first
`fail_attempts` attempts misbehave, so a crawler that retries always gets through.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


@dataclass(frozen=True)
class FaultOptions:
    latency_ms: int = 0
    throttle_requests: int = 0  # the first N requests get 429
    retry_after: int = 1  # seconds, sent with 429 and 503
    error_rate: float = 0.0  # share of URLs answered with error_status first
    error_status: int = 500
    drop_rate: float = 0.0  # share of URLs whose connection is closed without an answer
    truncate_rate: float = 0.0  # share of URLs whose body is cut short
    fail_attempts: int = 1
    gzip: bool = False  # gzip bodies for clients that accept it
    chunked: bool = False  # send bodies with Transfer-Encoding: chunked
    crawl_delay: float = 0.0  # robots.txt asks crawlers for this Crawl-delay (seconds)
    # After this many requests carrying a valid session, every session is revoked (0: never);
    # see archiver.sample.sessions.
    expire_session_after: int = 0

    @property
    def any(self) -> bool:
        return bool(
            self.latency_ms
            or self.throttle_requests
            or self.error_rate
            or self.drop_rate
            or self.truncate_rate
        )


def _share(url: str, salt: str) -> float:
    digest = hashlib.sha256(f"{salt}\x1f{url}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32


def _robots(url: str) -> bool:
    return url.endswith("/robots.txt")


def choose_fault(options: FaultOptions, url: str, attempt: int, request_number: int) -> str | None:
    """'throttle', 'error', 'drop', 'truncate' or None for the `attempt`-th request of `url`."""
    if request_number <= options.throttle_requests:
        return "throttle"
    if attempt > options.fail_attempts or _robots(url):
        return None
    if _share(url, "error") < options.error_rate:
        return "error"
    if _share(url, "drop") < options.drop_rate:
        return "drop"
    if _share(url, "truncate") < options.truncate_rate:
        return "truncate"
    return None
