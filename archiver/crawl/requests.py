"""The Scrapy requests of the plan's steps: a journal page, or a thing a page loads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import scrapy

from archiver.plan import media
from archiver.plan.crawl_plan import Fetch
from archiver.plan.media import FetchMedia

Callback = Callable[..., Any]
MEDIA_META_KEY = "archiver_media"  # a requisite's request carries its FetchMedia here
PAGE_META_KEY = "archiver_page"  # a journal page's request, whose callback parses it


def page_request(
    fetch: Fetch, callback: Callback, errback: Callback, statuses: list[int]
) -> scrapy.Request:
    """A journal page: redirects and LiveJournal's error pages come back to the plan."""
    meta = {
        "journal": fetch.journal,
        PAGE_META_KEY: True,
        "dont_redirect": True,
        "handle_httpstatus_list": statuses,
    }
    return scrapy.Request(
        fetch.url,
        callback=callback,
        errback=errback,
        meta=meta,
        priority=fetch.priority,
    )


def media_request(
    fetch: FetchMedia, callback: Callback, errback: Callback, max_bytes: int
) -> scrapy.Request:
    """A requisite: redirects followed by Scrapy, not downloaded past `max_bytes`, any answer
    but a 5xx or 429 (retried first) recorded."""
    meta = {
        "journal": fetch.journal,
        MEDIA_META_KEY: fetch,
        "download_maxsize": max_bytes,
        "handle_httpstatus_list": list(media.ANSWERED_STATUSES),
    }
    return scrapy.Request(
        fetch.url, callback=callback, errback=errback, meta=meta, priority=media.PRIORITY
    )
