"""The spider follows redirects only inside the journal; one to another journal is a rename."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from archiver.items import ErrorItem, JournalItem
from archiver.spiders.journal import JournalSpider


def redirect(spider: JournalSpider, url: str, location: str) -> list[Any]:
    request = scrapy.Request(url, meta={"journal": "zloy_odessit"})
    response = HtmlResponse(url, status=301, headers={"Location": location}, request=request)
    return list(spider.on_page(response))


def make_spider() -> JournalSpider:
    crawler = get_crawler(JournalSpider)
    spider: JournalSpider = JournalSpider.from_crawler(crawler, journal="zloy_odessit")
    return spider


def test_redirect_inside_the_journal_is_followed() -> None:
    out = redirect(
        make_spider(),
        "https://zloy-odessit.livejournal.com/2021/",
        "https://zloy-odessit.livejournal.com/2021/09/30/",
    )
    assert [r.url for r in out] == ["https://zloy-odessit.livejournal.com/2021/09/30/"]
    assert out[0].meta["dont_redirect"] is True


def test_redirect_to_another_service_is_recorded_not_followed() -> None:
    location = "https://www.livejournal.com/login.bml?returnto=x"
    out = redirect(make_spider(), "https://zloy-odessit.livejournal.com/1.html", location)
    assert len(out) == 1 and isinstance(out[0], ErrorItem)
    assert out[0].kind == "redirect" and location in out[0].message


def test_redirect_to_another_journal_is_a_rename_seen_once() -> None:
    spider = make_spider()
    first = redirect(
        spider, "https://zloy-odessit.livejournal.com/", "https://new-one.livejournal.com/"
    )
    renamed = [i for i in first if isinstance(i, JournalItem)]
    assert [(i.status, i.renamed_to) for i in renamed] == [("renamed", "new_one")]
    assert {r.url for r in first if isinstance(r, scrapy.Request)} == {
        "https://new-one.livejournal.com/",
        "https://new-one.livejournal.com/data/rss",
        "https://new-one.livejournal.com/data/atom",
    }
    again = redirect(
        spider,
        "https://zloy-odessit.livejournal.com/data/rss",
        "https://new-one.livejournal.com/data/rss",
    )
    assert again == []


def test_a_post_redirected_to_another_journal_is_not_a_rename() -> None:
    out = redirect(
        make_spider(),
        "https://zloy-odessit.livejournal.com/1.html",
        "https://someone-else.livejournal.com/5.html",
    )
    assert len(out) == 1 and isinstance(out[0], ErrorItem)
    assert out[0].kind == "redirect" and "another journal" in out[0].message
