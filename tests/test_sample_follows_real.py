"""The sample server prints what the real pages print: for each kind of page a real capture shows
(fixtures/real), the same selectors find something in the real page and in the sample's page of
that kind, as the sample server answers it. A selector the real page lacks fails too, so the table
cannot drift away from the evidence.

Selectors starting with "/" are XPath, the others CSS. The comment JSON is checked by key name and
JSON type, record kind by record kind; the feed by XPath, with the `lj:` namespace.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from lxml import etree
from parsel import Selector

from archiver import urls
from archiver.sample.content import build_site
from archiver.sample.routes import Request, respond

REAL = Path(__file__).parent / "fixtures" / "real"
LJ_NS = {"lj": "http://www.livejournal.org/rss/lj/1.0/"}


@cache
def served(url: str) -> str:
    """The body the sample server sends a logged-out reader (with the adult cookie)."""
    headers = (("Cookie", "adult_explicit=1"),) if "/misc/" not in url else ()
    response = respond(build_site(), Request("GET", url, headers))
    assert response.status == 200, (url, response.status)
    return response.body.decode("utf-8")


@cache
def real(name: str) -> str:
    folder = REAL / name
    body = folder / "page.xml" if (folder / "page.xml").exists() else folder / "page.html"
    return body.read_text("utf-8")


# ---------------------------------------------------------------- HTML pages


@dataclass(frozen=True)
class Pair:
    kind: str
    real: str  # folder under fixtures/real
    sample: tuple[str, ...]  # URLs on the sample server; a selector must match in each
    selectors: tuple[str, ...]


ENTRY = "div.entry-wrap.entry-wrap--post > dl.entry.hentry"
META = "ul.b-singlepost-meta > li.b-singlepost-meta-item"

PAIRS = (
    Pair(
        "front page (S2 Minimalism)",
        "evo_lutio-index",
        (urls.index_url("zloy_odessit", 0),),
        (
            "html.html-s2-no-adaptive",
            f"div.content.hfeed > div.content-inner > {ENTRY}",
            "//dl[contains(@class, 'hentry') and starts-with(@id, 'post-')]",
            f"{ENTRY} > dt.entry-title > a.subj-link[rel=bookmark][href$='.html']",
            f"{ENTRY} > dd.entry-text > dl.vcard.author > dd.username > span.ljuser[data-ljuser]",
            f"{ENTRY} > dd.entry-text > dl.vcard.author > dd.entry-date > abbr.updated[title]",
            f"{ENTRY} > dd.entry-text > div.entry-content > div.ljtags > a[rel=tag]",
            f"{ENTRY} > dd.entrymenu > ul.entrymenu__list > li.comments.entrymenu__item"
            " > a.btn.btn-comments[href$='#comments']",
            f"{ENTRY} > dd.entrymenu > ul.entrymenu__list > li.share.entrymenu__item",
            f"{ENTRY} > dd.entrymenu > ul.entrymenu__list > li.flag.entrymenu__item",
            "div.content-inner > div.entry-wrap--post + div.hr",
            "div.content-inner > ul.page-nav > li.prev > a.item[href*='?skip=']",
            "head > link[rel=next][href*='?skip=']",
            "link[rel=alternate][type='application/rss+xml'][href$='/data/rss']",
            # The visible date: "June 27th, 11:21" (English layer), the ISO moment with its offset.
            "//abbr[@class='updated' and string-length(@title) = 25"
            " and (substring(@title, 20, 1) = '+' or substring(@title, 20, 1) = '-')]",
        ),
    ),
    Pair(
        "schemius post metadata",
        "rebecca2525-3562-2014-schemius-light",
        (
            urls.post_url("zloy_odessit", 9958) + "?format=light",  # mood and music
            urls.post_url("tea_club", 1521) + "?format=light",  # music and location
        ),
        (
            "article.b-singlepost div.b-singlepost-wrapper"
            " > ul.b-singlepost-meta.entry-content-asset + h1.b-singlepost-title",
            f"{META} > strong.b-singlepost-meta-title > b",
            f"{META} > strong.b-singlepost-meta-title + span.b-singlepost-meta-data",
            "//li[contains(@class, 'b-singlepost-meta-item-music')]"
            "/strong[@class='b-singlepost-meta-title']/b[. = 'Music:']",
        ),
    ),
    Pair(
        "schemius post metadata: mood",
        "rebecca2525-3562-2014-schemius-light",
        (urls.post_url("zloy_odessit", 9958) + "?format=light",),
        (
            f"{META}.b-singlepost-meta-item-mood > span.b-singlepost-meta-data > img[alt='']",
            "//li[contains(@class, 'b-singlepost-meta-item-mood')]/strong/b[. = 'Mood:']",
            "//li[contains(@class, 'b-singlepost-meta-item-mood')]"
            "/span[@class='b-singlepost-meta-data'][normalize-space(text())]",
        ),
    ),
    Pair(
        "schemius post metadata: location",
        "rebecca2525-3562-2014-schemius-light",
        (urls.post_url("tea_club", 1521) + "?format=light",),
        (
            f"{META}.b-singlepost-meta-item-location.p-location > span.b-singlepost-meta-data"
            " > a[href*='maps.google.com/maps?q=']",
            "//li[contains(@class, 'b-singlepost-meta-item-location')]/strong/b[. = 'Location:']",
        ),
    ),
    Pair(
        "adult-content notice",
        "rarelitslash-271960-adult-notice",
        (
            "https://www.livejournal.com/misc/adult_explicit.bml?ret="
            + quote(urls.post_url("adult_notes", 481), safe=""),
        ),
        (
            "//title[normalize-space() = 'Adult Content Notice']",
            "body.logged-out div#content > div#content-inner > div#content-wrapper > table",
            "//table//td/h1[. = '18']",
            "//table//td/h1[. = 'Adult Content Notice']",
            "//td/strong[normalize-space() = 'may contain material only suitable for adults']",
            "center > form[method=POST][action$='/misc/adult_explicit.bml']",
            "center > form > input[type=hidden][name=ret][value*='.livejournal.com/']",
            "center > form > input[type=submit][name=adult_check]"
            "[value='Yes, I am at least 18 years old.']",
            "center > form > a[href$='/site/search.bml']",
        ),
    ),
)

PAIR_CASES = [(pair, selector) for pair in PAIRS for selector in pair.selectors]


def found(html: str, selector: str) -> list[Any]:
    sel = Selector(html)
    return sel.xpath(selector) if selector.startswith("/") else sel.css(selector)


@pytest.mark.parametrize(
    ("pair", "selector"), PAIR_CASES, ids=[f"{p.kind}: {s}" for p, s in PAIR_CASES]
)
def test_html_selector_matches_real_and_sample(pair: Pair, selector: str) -> None:
    assert found(real(pair.real), selector), f"the real page {pair.real} has no {selector}"
    for url in pair.sample:
        assert found(served(url), selector), f"the sample's {url} has no {selector}"


# ---------------------------------------------------------------- the RSS feed

FEED_REAL = "shvarz-rss"
FEED_SAMPLE = urls.rss_url("zloy_odessit")
ITEM = "/rss/channel/item"
FEED_XPATHS = (
    "/rss[@version = '2.0']",
    *(
        f"/rss/channel/{name}"
        for name in (
            "title",
            "link",
            "description[contains(., ' - LiveJournal.com')]",
            "lastBuildDate[contains(., ' GMT')]",
            "generator[. = 'LiveJournal / LiveJournal.com']",
            "lj:journal",
            "lj:journalid[number(.) = number(.)]",
            "lj:journaltype[. = 'personal']",
            "image/url",
            "image/title",
            "image/link",
            "image/width",
            "image/height",
        )
    ),
    f"{ITEM}/guid[@isPermaLink = 'true']",
    f"{ITEM}[guid = link]",
    f"{ITEM}/pubDate[contains(., ' GMT')]",
    f"{ITEM}/title",
    f"{ITEM}/author",
    f"{ITEM}/description",
    f"{ITEM}/comments[contains(., '.html#comments')]",
    f"{ITEM}/category",
    f"{ITEM}/lj:security[. = 'public']",
    f"{ITEM}/lj:reply-count[number(.) = number(.)]",
)


def feed(text: str) -> Any:
    return etree.fromstring(text.encode("utf-8"))


@pytest.mark.parametrize("xpath", FEED_XPATHS)
def test_feed_element_in_real_and_sample(xpath: str) -> None:
    for name, text in (("real", real(FEED_REAL)), ("sample", served(FEED_SAMPLE))):
        assert feed(text).xpath(xpath, namespaces=LJ_NS), f"the {name} feed has no {xpath}"


def _item_order(item: Any) -> list[str]:
    names = [etree.QName(child).localname for child in item]
    return list(dict.fromkeys(names))


def test_feed_items_keep_the_real_element_order() -> None:
    """guid, pubDate, title, author, link, description, comments, category…, lj:security,
    lj:reply-count: the order of the real item, in every sample item (lj:music, lj:mood and
    lj:poster, which the real feed lacks, aside)."""
    real_items = feed(real(FEED_REAL)).xpath(ITEM)
    order = max((_item_order(i) for i in real_items), key=len)
    assert order[:7] == ["guid", "pubDate", "title", "author", "link", "description", "comments"]
    for item in feed(served(FEED_SAMPLE)).xpath(ITEM):
        names = [n for n in _item_order(item) if n in order]
        assert names == [n for n in order if n in names]


# ---------------------------------------------------------------- Site.page.comments

JSON_REAL = ("evo_lutio-1180335", "evo_lutio-1179162-page1")
JSON_SAMPLE = (urls.post_url("tea_club", 1806) + "?format=light",)
_SITE_PAGE = re.compile(r"^\s*Site\.page = (.*);\s*$", re.M)


def comments_of(html: str) -> list[dict[str, Any]]:
    match = _SITE_PAGE.search(html)
    assert match is not None
    records = json.loads(match.group(1))["comments"]
    assert isinstance(records, list)
    return records


def kind_of(record: dict[str, Any]) -> str:
    if "more" in record and "thread" not in record:
        return "more"
    if record.get("deleted"):
        return "deleted"
    if record.get("leafclass") == "collapsed":
        return "collapsed"
    return "loaded" if record.get("loaded") == 1 and not record.get("leafclass") else "other"


def words(text: str) -> list[str]:
    return text.split()


COMMENT_KEYS = words(  # every key of a real comment record, in the real order
    "userpic uname loaded statprefix deepLevel talkid controls siteroot ipaddr parent subject "
    "is_promo username thread level dname shown collapsed actions p_tracked "
    "commenter_journal_base lj_statprefix dtalkid etime_ts thread_url above upictitle article "
    "noid poster stime below ctime deleted_poster massactions deleted etime ctime_ts subclass "
    "suspended margin leafclass is_best tracked"
)
RECORD_KEYS = {
    "loaded": COMMENT_KEYS,
    "collapsed": COMMENT_KEYS,
    "deleted": COMMENT_KEYS,
    "more": words(
        "actions parent moreclass data is_remote_sup moreusers level margin more ljusers touched"
    ),
}
LJUSER_KEYS = words(  # a `username` / `ljusers` entry
    "journal_url striked journaltype userhead_url color noctxpopup side_alias journal inline_css "
    "attrs is_identity bold show_userhead username user_alias profile_url alias"
)
ACTION_KEYS = ("allowed", "href", "name", "title")
# (kind, key): JSON types the sample gives where the real record differs, and why.
TYPE_EXCEPTIONS = {
    # The parser's tests want a collapsed comment's time text (posted_text); the real one is null.
    ("collapsed", "ctime"): {"str"},
    # The parser's tests want no time for a placeholder; the real deleted record keeps ctime_ts.
    ("deleted", "ctime_ts"): {"NoneType"},
    # The real deleted comment is a top-level one (above null); the sample's is a reply.
    ("deleted", "above"): {"int", "NoneType"},
}


@cache
def records_by_kind(side: str) -> dict[str, list[dict[str, Any]]]:
    pages = [real(n) for n in JSON_REAL] if side == "real" else [served(u) for u in JSON_SAMPLE]
    grouped: dict[str, list[dict[str, Any]]] = {}
    for html in pages:
        for record in comments_of(html):
            grouped.setdefault(kind_of(record), []).append(record)
    return grouped


def types_of(records: list[dict[str, Any]], key: str) -> set[str]:
    return {type(r[key]).__name__ for r in records if key in r}


KEY_CASES = [(kind, key) for kind, keys in RECORD_KEYS.items() for key in keys]


@pytest.mark.parametrize(("kind", "key"), KEY_CASES, ids=[f"{k}.{key}" for k, key in KEY_CASES])
def test_comment_record_key_in_real_and_sample(kind: str, key: str) -> None:
    real_records = records_by_kind("real").get(kind, [])
    sample_records = records_by_kind("sample").get(kind, [])
    assert real_records and all(key in r for r in real_records), f"real {kind} lacks {key}"
    assert sample_records and all(key in r for r in sample_records), f"sample {kind} lacks {key}"
    allowed = TYPE_EXCEPTIONS.get((kind, key)) or types_of(real_records, key)
    if any(r.get(key) is None for rs in records_by_kind("real").values() for r in rs):
        allowed = allowed | {"NoneType"}  # null somewhere on the real pages: null is a value
    assert types_of(sample_records, key) <= allowed, (kind, key, types_of(sample_records, key))


@pytest.mark.parametrize("side", ["real", "sample"])
def test_comment_records_nest_the_real_objects(side: str) -> None:
    """`username` / `ljusers` entries and `actions` have the real objects' keys."""
    grouped = records_by_kind(side)
    users = [u for r in grouped["loaded"] for u in r["username"] or ()]
    users += [u for r in grouped["more"] for u in r["ljusers"]]
    assert users and all(set(LJUSER_KEYS) <= set(u) for u in users)
    actions = [a for kind in ("loaded", "collapsed", "more") for r in grouped[kind]
               for a in r["actions"]]  # fmt: skip
    assert actions and all(set(ACTION_KEYS) <= set(a) for a in actions)
    names = {a["name"] for r in grouped["collapsed"] for a in r["actions"]}
    assert names == {"permalink", "collapse", "expand"}
    assert {a["name"] for r in grouped["more"] for a in r["actions"]} == {"expand"}
    assert all(r["actions"] is None and r["shown"] == 0 for r in grouped["deleted"])


@pytest.mark.parametrize("side", ["real", "sample"])
def test_comment_records_mean_the_same(side: str) -> None:
    """thread = dtalkid (the ?thread= id); parent 0 at the top; margin 30 a level; a collapsed
    record has no article; a "more" record's expand action opens its parent's thread."""
    grouped = records_by_kind(side)
    comments = [r for kind in ("loaded", "collapsed", "deleted") for r in grouped[kind]]
    for r in comments:
        assert r["thread"] == r["dtalkid"]
        assert r["thread_url"].endswith(f"?thread={r['thread']}#t{r['thread']}")
        assert (r["parent"] == 0) == (r["level"] == 1)
        assert r["margin"] == 30 * (r["level"] - 1)
    assert all(r["collapsed"] == 0 and isinstance(r["article"], str) for r in grouped["loaded"])
    assert all(r["collapsed"] == 1 and r["article"] is None for r in grouped["collapsed"])
    for r in grouped["more"]:
        assert r["actions"][0]["href"].endswith(f"?thread={r['parent']}#t{r['parent']}")
        assert r["more"] >= len(r["data"].split(":"))
