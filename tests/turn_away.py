"""A downloader middleware for tests, put among archiver's own: the 200 answers of two chosen
post pages never reach the spider's callback, as a middleware may decide after the download.

`ARCHIVER_TURN_AWAY` names a URL whose answer is refused (`IgnoreRequest`: the errback);
`ARCHIVER_ASK_TWICE` one whose first answer is dropped for a second request (the first answer
is then claimed by nobody until the crawl ends).
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
        if request.url == os.environ.get("ARCHIVER_ASK_TWICE") and request.url not in self.asked:
            self.asked.add(request.url)
            return request.replace(dont_filter=True)
        return response
