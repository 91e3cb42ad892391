"""The floor under `archiver crawl`: a Scrapy spider that fetches a list of URLs and keeps nothing.

    .venv/bin/python benchmarks/bare_spider.py URLS_FILE --proxy http://127.0.0.1:PORT

One URL a line. Every request goes through the proxy (`meta["proxy"]`, as archiver's
ArchiverProxyMiddleware sets it) with the adult-content cookies archiver sends, given to Scrapy's
cookie middleware for the domain `.livejournal.com`, path `/` (its jar holds them once), so the
sample server's answers and its cache keys are the same as for archiver's requests. The settings
are the ones benchmarks/crawl_compare.py gives archiver: CONCURRENT_REQUESTS and
CONCURRENT_REQUESTS_PER_DOMAIN, AutoThrottle and robots.txt off, archiver's TWISTED_REACTOR,
LOG_LEVEL=WARNING; everything else is Scrapy's default (its HTTP/1.1 download handler, retries,
no item pipeline). Responses are dropped as they arrive.
Prints one line of JSON: requests sent, responses received, bytes of bodies.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.downloadermiddlewares import cookies
from tldextract import TLDExtract

from archiver.crawl import settings as archiver_settings

# The adult-content answer, as archiver sends it, filed once for the whole site: Scrapy's cookie
# middleware drops a Cookie header set by hand, and cookies given as a plain dict would be filed
# under each page's path (the jar would grow with the crawl).
COOKIES = [
    {"name": name, "value": "1", "domain": ".livejournal.com", "path": "/"}
    for name in ("adult_explicit", "adult_concepts")
]

# As archiver does (archiver.crawl.middlewares): the cookie middleware would otherwise download the
# Public Suffix List for its first cookie; the bundled snapshot keeps all traffic on loopback.
cookies._split_domain = TLDExtract(suffix_list_urls=(), include_psl_private_domains=True)


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls: list[str], proxy: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.urls = urls
        self.proxy = proxy
        self.responses = 0
        self.body_bytes = 0

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.urls:
            yield scrapy.Request(
                url,
                cookies=COOKIES,
                meta={"proxy": self.proxy, "dont_redirect": True, "handle_httpstatus_all": True},
                callback=self.parse,
            )

    def parse(self, response: scrapy.http.Response) -> None:
        self.responses += 1
        self.body_bytes += len(response.body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", type=Path)
    parser.add_argument("--proxy", required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    urls = [line for line in args.urls.read_text("utf-8").splitlines() if line]
    process = CrawlerProcess(
        {
            "CONCURRENT_REQUESTS": args.concurrency,
            "CONCURRENT_REQUESTS_PER_DOMAIN": args.concurrency,
            "AUTOTHROTTLE_ENABLED": False,
            "ROBOTSTXT_OBEY": False,
            "TWISTED_REACTOR": archiver_settings.TWISTED_REACTOR,
            "LOG_LEVEL": "WARNING",
        }
    )
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls=urls, proxy=args.proxy)
    process.start()
    spider = crawler.spider
    assert isinstance(spider, BareSpider)
    print(
        json.dumps(
            {
                "urls": len(urls),
                "requests": crawler.stats.get_value("downloader/request_count", 0),
                "responses": spider.responses,
                "body_bytes": spider.body_bytes,
            }
        )
    )


if __name__ == "__main__":
    main()
