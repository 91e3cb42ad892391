"""Thin downloader middleware: sends every request through ARCHIVER_PROXY when it is set."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler


class ArchiverProxyMiddleware:
    def __init__(self, proxy: str) -> None:
        self.proxy = proxy

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiverProxyMiddleware:
        return cls(crawler.settings.get("ARCHIVER_PROXY") or "")

    def process_request(self, request: Request, spider: Spider | None = None) -> Any:
        if self.proxy and "proxy" not in request.meta:
            request.meta["proxy"] = self.proxy
        return None
