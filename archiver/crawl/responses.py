"""What the spider reads off a Scrapy response for the plan."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from scrapy.http import Response
from twisted.python.failure import Failure

from archiver.clock import served_at
from archiver.crawl.wire import CAPTURE_META_KEY
from archiver.items import FetchedPage


def header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def captured_at(response: Response) -> datetime:
    """When the page was served (`archiver.clock.served_at`), else now."""
    return served_at(header(response, "Date"), datetime.now(UTC))


def failure_reason(failure: Failure) -> str:
    """A failed download in one short line, `ConnectionDone: Connection was closed cleanly.`,
    not the nested Failure reprs of Scrapy's and Twisted's wrappers."""
    value: BaseException = failure.value or RuntimeError("no reason given")
    cause: BaseException | None = value
    while cause is not None:  # DownloadFailedError <- ResponseNeverReceived([Failure(...)])
        inner = getattr(cause, "reasons", None)
        if inner and isinstance(inner[0], Failure) and inner[0].value is not None:
            value = inner[0].value
            break
        cause = cause.__cause__
    text = _FAILURE_REPR.sub(lambda m: f"{m.group(1)}: {m.group(2)}", str(value))
    text = " ".join(text.split()) or "no reason given"
    return f"{type(value).__name__}: {text}"[:300]


_FAILURE_REPR = re.compile(r"\[?<twisted\.python\.failure\.Failure (?:[\w]+\.)*(\w+): ([^>]*)>\]?")


def fetched_page(response: Response) -> FetchedPage:
    """The response as the plan takes it, with the WARC capture the archive extension made."""
    return FetchedPage(
        url=response.url,
        journal=response.meta["journal"],
        body=response.body,
        status=response.status,
        captured_at=captured_at(response),
        content_type=header(response, "Content-Type"),
        capture=response.meta.get(CAPTURE_META_KEY),
    )
