"""Thin downloader middleware: sends every request through ARCHIVER_PROXY when it is set."""

from __future__ import annotations

from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import cookies
from tldextract import TLDExtract


def use_bundled_public_suffix_list() -> None:
    """Scrapy's cookie middleware would download the Public Suffix List on its first cookie.

    A crawl must contact nobody but the journal (and runs offline in tests), so it reads the
    snapshot bundled with tldextract instead.
    """
    cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


use_bundled_public_suffix_list()


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
