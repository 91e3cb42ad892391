"""A downloader middleware for tests, put among archiver's own: the 200 answers of chosen post
pages never reach the spider's callback, as a middleware may decide after the download.

`ARCHIVER_TURN_AWAY` names a URL whose answer is refused (`IgnoreRequest`: the errback);
`ARCHIVER_ASK_AGAIN` one whose first answer is dropped for the same request, downloaded again;
`ARCHIVER_ASK_ANEW` one whose first answer is dropped for a new request (the first answer is
then claimed by nobody until the crawl ends); `ARCHIVER_BREAK_CALLBACK` one whose callback
fails before it parses the page (a bug: its request lacks the journal the spider reads).
"""

from __future__ import annotations

import os
from typing import Any

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response


class TurnAwayPages:
    def __init__(self) -> None:
        self.asked: set[str] = set()

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        if response.status != 200:
            return response
        if request.url == os.environ.get("ARCHIVER_TURN_AWAY"):
            raise IgnoreRequest("turned away by a test")
        if request.url == os.environ.get("ARCHIVER_BREAK_CALLBACK"):
            del request.meta["journal"]
        if request.url in self.asked:
            return response
        if request.url == os.environ.get("ARCHIVER_ASK_AGAIN"):
            self.asked.add(request.url)
            request.dont_filter = True
            return request
        if request.url == os.environ.get("ARCHIVER_ASK_ANEW"):
            self.asked.add(request.url)
            return request.replace(dont_filter=True)
        return response
