"""What a failed fetch or a redirect means for the journal: an error row, sometimes a status."""

from __future__ import annotations

from urllib.parse import urlsplit

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


def failure_message(status: int | None, reason: str, url: str = "", proxy: str = "") -> str:
    """What went wrong, cause first: `could not resolve zloy-odessit.livejournal.com (no
    network?)`, then the exception's own words."""
    if status is not None:
        return f"HTTP {status} after retries"
    name = reason.split(":", 1)[0]
    if name not in _NO_ANSWER:
        return reason
    host = urlsplit(url).hostname or url
    if proxy:  # the crawler spoke to the proxy only: it is the one that did not answer
        cause = _NO_ANSWER[name].format(host=f"the proxy {proxy_address(proxy)}")
        return f"{cause} (for {host}): {reason}"
    return f"{_NO_ANSWER[name].format(host=host)}: {reason}"


def proxy_address(proxy: str) -> str:
    """`host:port` of a proxy URL, never the user and password it may carry."""
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


# Scrapy's exceptions for a request that got no answer, by what a person should check.
_NO_ANSWER = {
    "CannotResolveHostError": "could not resolve {host} (no network, or a DNS failure?)",
    "DNSLookupError": "could not resolve {host} (no network, or a DNS failure?)",
    "DownloadConnectionRefusedError": "{host} refused the connection",
    "ConnectionRefusedError": "{host} refused the connection",
    "DownloadTimeoutError": "{host} did not answer in time",
    "TCPTimedOutError": "{host} did not answer in time",
    "TimeoutError": "{host} did not answer in time",
    "NoRouteError": "no route to {host} (no network?)",
}
