"""What the sample LiveJournal's pages load (issue 12, "What a reader saw"): pictures, userpics,
stylesheets, scripts and fonts on LiveJournal's own hosts, deterministic and decodable; the photo
that answers 404 and the one over the crawler's cap; the trackers the server counts; and the
manifest's `media` list against what the pages show."""

from __future__ import annotations

import json
import re
import shutil
import struct
import time
import zlib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from lj_client import RawResponse, fetch
from parsel import Selector

from archiver import urls
from archiver.sample import content, media, render, seed_data
from archiver.sample.content import (
    Journal,
    Post,
    Site,
    build_site,
    comments_of,
    iter_manifest,
    post_media,
)
from archiver.sample.routes import Request, respond
from archiver.sample.server import RunningServer, running_server

REAL = Path(__file__).resolve().parent / "fixtures" / "real"
ZLOY = "zloy_odessit"
SEED = 1281 * 256 + 154
PROMO = 1290 * 256 + 77
PICTURE_HOSTS = {media.PICS_HOST, media.USERPIC_HOST}


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site()


def served(site: Site, url: str) -> Any:
    return respond(site, Request("GET", url))


def pictures_of(sel: Selector, base: str) -> list[str]:
    """Picture-host URLs of the images under `sel`: src, data-src, srcset, a linked original."""
    found: list[str] = []
    for img in sel.css("img"):
        found += [img.attrib[a] for a in ("src", "data-src") if a in img.attrib]
        found += [c.split()[0] for c in img.attrib.get("srcset", "").split(",") if c.strip()]
    found += sel.xpath(".//a[.//img]/@href").getall()
    resolved = (urljoin(base, u) for u in found)
    return list(dict.fromkeys(u for u in resolved if urlsplit(u).hostname in PICTURE_HOSTS))


def fragment_pictures(markup: str | None, base: str) -> list[str]:
    return pictures_of(Selector(f"<div>{markup}</div>"), base) if markup else []


def page_json(html: str) -> dict[str, Any]:
    match = re.search(r"^\s*Site\.page = (\{.*\});$", html, re.M)
    assert match, "no Site.page"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


# ---------------------------------------------------------------- the bytes of each kind


def png_pixels(body: bytes) -> tuple[int, int, list[bytes]]:
    """A PNG's size and rows, every chunk's CRC checked (colour type 2, filter 0 only)."""
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    at, chunks = 8, dict[bytes, bytes]()
    while at < len(body):
        (length,) = struct.unpack(">I", body[at : at + 4])
        kind, data = body[at + 4 : at + 8], body[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", body[at + 8 + length : at + 12 + length])
        assert crc == zlib.crc32(kind + data), kind
        chunks[kind] = chunks.get(kind, b"") + data
        at += 12 + length
    assert at == len(body) and b"IEND" in chunks
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 2)
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + 3 * width
    rows = [raw[y * stride : (y + 1) * stride] for y in range(height)]
    assert len(raw) == stride * height and all(r[0] == 0 for r in rows)
    return width, height, [r[1:] for r in rows]


def jpeg_first_block(body: bytes) -> tuple[int, int, tuple[int, int, int]]:
    """Walk a baseline JPEG's segments and decode its first MCU's DC values: the size and the
    first block's colour (as RGB)."""
    assert body[:2] == b"\xff\xd8" and body[-2:] == b"\xff\xd9"
    at, tables, quant, size, components = 2, {}, {}, (0, 0), []
    while True:
        assert body[at] == 0xFF, at
        marker = body[at + 1]
        (length,) = struct.unpack(">H", body[at + 2 : at + 4])
        data = body[at + 4 : at + 2 + length]
        at += 2 + length
        if marker == 0xC0:  # baseline frame
            height, width, count = struct.unpack(">HHB", data[1:6])
            size = (width, height)
            components = [data[6 + 3 * i : 9 + 3 * i] for i in range(count)]
        elif marker in (0xC1, 0xC2, 0xC3):
            pytest.fail("not a baseline JPEG")
        elif marker == 0xDB:
            quant[data[0] & 15] = data[1:65]
        elif marker == 0xC4:
            i = 0
            while i < len(data):
                key, bits = data[i], data[i + 1 : i + 17]
                values = data[i + 17 : i + 17 + sum(bits)]
                codes, code, k = {}, 0, 0
                for n, count in enumerate(bits, start=1):
                    for _ in range(count):
                        codes[(code, n)] = values[k]
                        code, k = code + 1, k + 1
                    code <<= 1
                tables[key] = codes
                i += 17 + sum(bits)
        elif marker == 0xDA:
            selectors = [data[2 + 2 * i] for i in range(data[0])]
            break
    entropy = body[at:-2].replace(b"\xff\x00", b"")
    stream = "".join(f"{b:08b}" for b in entropy)
    pos = 0

    def symbol(table: dict[tuple[int, int], int]) -> int:
        nonlocal pos
        code = 0
        for n in range(1, 17):
            code = (code << 1) | int(stream[pos])
            pos += 1
            if (code, n) in table:
                return table[(code, n)]
        raise AssertionError("bad Huffman code")

    def extend(count: int) -> int:
        nonlocal pos
        if not count:
            return 0
        value = int(stream[pos : pos + count], 2)
        pos += count
        return value if value >= 1 << (count - 1) else value - (1 << count) + 1

    dc = []
    for component, selector in zip(components, selectors, strict=True):
        dc_table, ac_table = tables[0x00 | selector >> 4], tables[0x10 | selector & 15]
        dc.append(extend(symbol(dc_table)) * quant[component[2]][0])
        filled = 1
        while filled < 64:  # the AC coefficients: run/size codes up to the end of block
            rs = symbol(ac_table)
            if rs == 0:
                break
            filled += (rs >> 4) + 1
            extend(rs & 15)
    y, cb, cr = (d / 8 + 128 for d in dc)
    r = y + 1.402 * (cr - 128)
    g = y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128)
    b = y + 1.772 * (cb - 128)
    rgb = tuple(min(255, max(0, round(v))) for v in (r, g, b))
    return size[0], size[1], rgb  # type: ignore[return-value]


def gif_size(body: bytes) -> tuple[int, int]:
    assert body[:6] == b"GIF89a" and body[-1:] == b";"
    width, height, flags = struct.unpack("<HHB", body[6:11])
    table = 3 * (2 << (flags & 7)) if flags & 0x80 else 0
    at = 13 + table
    while body[at] == 0x21:  # extensions
        at += 2
        while body[at]:
            at += body[at] + 1
        at += 1
    assert body[at] == 0x2C  # the image descriptor
    return width, height


PHOTO = media.photo_url(ZLOY, 12345, "600")
SAMPLES = {
    PHOTO: media.JPEG,
    media.photo_url(ZLOY, 12345, "original"): media.JPEG,
    media.userpic_url("p2004r"): media.PNG,
    media.userpic_url("tea_lover"): media.PNG,
    "https://l-stat.livejournal.net/img/userpics/userpic-user.png?v=15821": media.PNG,
    "https://l-stat.livejournal.net/img/mood/neko/kaokitty/tired.gif": media.GIF,
    "https://www.livejournal.com/img/btn_prev.gif?v=17312": media.GIF,
    "https://l-stat.livejournal.net/img/userinfo_v8.svg?v=17080?v=375.1": media.SVG,
    "https://stat.livejournal.com/img/schemius/xylem.png": media.PNG,
    "https://l-stat.livejournal.com/img/logo.jpg": media.JPEG,
    "https://l-stat.livejournal.net/fonts/proximanova-regular.woff2": "font/woff2",
    media.SCHEMIUS_STYLES[0]: media.CSS,
    media.SCHEMIUS_SCRIPTS[0]: media.JS,
    "https://l-stat.livejournal.net/js/??.ljlib.js?v=1579773563": media.JS,
    "https://sb.scorecardresearch.com/p?c1=2&c2=10463284&cv=2.0&cj=1": media.GIF,
    "https://www.googletagmanager.com/gtm.js?id=GTM-KJBSQR": media.JS,
}


@pytest.mark.parametrize("url", SAMPLES)
def test_each_kind_is_answered_with_its_type_and_length(url: str, site: Site) -> None:
    first, again = served(site, url), served(build_site(2), url)
    assert first.status == 200
    assert first.header("Content-Type") == SAMPLES[url]
    assert first.body == again.body  # a function of the URL: the revision does not matter
    assert first.body or media.is_tracker(urlsplit(url).hostname or "")  # an empty script
    assert "Set-Cookie" not in dict(first.headers)


def test_pictures_decode(site: Site) -> None:
    width, height, rgb = jpeg_first_block(served(site, PHOTO).body)
    assert (width, height) == (48, 32)
    expected = media._rgb(PHOTO)
    assert all(abs(a - b) <= 3 for a, b in zip(rgb, expected, strict=True)), (rgb, expected)
    sizes = [
        jpeg_first_block(served(site, media.photo_url(ZLOY, 77, s)).body)[:2]
        for s in ("300", "original")
    ]
    assert sizes == [(24, 16), (96, 64)]
    url = media.userpic_url("tea_lover")
    width, height, rows = png_pixels(served(site, url).body)
    assert (width, height) == (8, 8)
    assert rows[0][:3] == media._digest(url)[:3]
    assert gif_size(served(site, "https://www.livejournal.com/img/btn_next.gif").body) == (1, 1)
    assert gif_size(media.TRACKER_GIF) == (1, 1)
    svg = served(site, "https://l-stat.livejournal.net/img/userinfo_v8.svg").body
    assert Selector(svg.decode(), type="xml").xpath("/*[local-name()='svg']/@width").get() == "16"


def test_different_urls_give_different_pictures(site: Site) -> None:
    bodies = {served(site, media.userpic_url(u)).body for u in seed_data.COMMENTERS}
    assert len(bodies) == len(seed_data.COMMENTERS)


def test_userids_are_the_journals_own(site: Site) -> None:
    for journal in site.journals.values():
        if journal.userid:
            assert media.userid_of(journal.username) == journal.userid
    assert media.userpic_url("p2004r") == "https://l-userpic.livejournal.com/110181423/37697966"


def test_unknown_media_paths_answer_404(site: Site) -> None:
    for url in (
        "https://ic.pics.livejournal.com/zloy_odessit/9843211/1/2_600.jpg",  # PICIDs differ
        "https://ic.pics.livejournal.com/sample/1/1_original.jpg",
        "https://l-userpic.livejournal.com/notanumber",
        "https://l-stat.livejournal.net/img/README",
        "https://l-stat.livejournal.net/??a.css,b.js?v=1",
        "https://www.livejournal.com/img/schemius/gone-banner.png" + "x",
    ):
        assert served(site, url).status == 404, url


# ---------------------------------------------------------------- 404, the big one


def test_the_missing_photo_answers_404_in_every_size(site: Site) -> None:
    for size in media.PHOTO_SIZES:
        response = served(site, media.photo_url(ZLOY, media.MISSING_PICID, size))
        assert response.status == 404
        assert response.header("Content-Type") == "text/html"


def test_the_huge_photo_is_over_the_cap_and_quick(sample_server: RunningServer) -> None:
    url = media.photo_url(ZLOY, media.HUGE_PICID, "original")
    started = time.monotonic()
    first = fetch(sample_server.port, url)
    again = fetch(sample_server.port, url)
    assert time.monotonic() - started < 20
    assert first.status == 200
    assert int(first.header("Content-Length") or 0) == len(first.body) == media.HUGE_LENGTH
    assert media.HUGE_LENGTH > media.MEDIA_CAP == 8_388_608
    assert first.body == again.body
    assert jpeg_first_block(first.body)[:2] == (96, 64)  # a real picture, padded
    small = fetch(sample_server.port, media.photo_url(ZLOY, media.HUGE_PICID, "600"))
    assert small.status == 200 and len(small.body) < 10_000


def test_the_special_photos_are_on_their_posts(site: Site) -> None:
    zloy = site.journals[ZLOY]
    missing = media.photo_url(ZLOY, media.MISSING_PICID, "600")
    huge = media.photo_url(ZLOY, media.HUGE_PICID, "original")
    assert content.MISSING_PHOTO_POST == (ZLOY, 6635)
    assert content.HUGE_PHOTO_POST == (ZLOY, PROMO)
    assert missing in zloy.by_ditemid[6635].body_html
    assert huge in zloy.by_ditemid[PROMO].body_html
    seed = zloy.by_ditemid[SEED]
    assert seed.body_html.startswith(seed_data.SEED_BODY_HTML)
    assert media.PICS_HOST in seed.body_html


# ---------------------------------------------------------------- trackers


def test_tracker_requests_are_counted() -> None:
    with running_server(posts=20) as server:
        assert server.tracker_requests == 0
        fetch(server.port, "https://zloy-odessit.livejournal.com/")
        fetch(server.port, media.photo_url(ZLOY, 1, "600"))
        assert server.tracker_requests == 0
        pixel = fetch(server.port, "http://counter.rambler.ru/top100.cnt?pid=5098520")
        assert pixel.status == 200 and pixel.header("Content-Type") == media.GIF
        assert server.tracker_requests == 1
        script = fetch(server.port, "https://www.googletagmanager.com/gtm.js?id=GTM-KJBSQR")
        assert script.status == 200 and script.body == b""
        assert server.tracker_requests == 3  # the tunnel, then the request in it
        assert server.tracker_urls == [
            "http://counter.rambler.ru/top100.cnt?pid=5098520",
            "CONNECT www.googletagmanager.com:443",
            "https://www.googletagmanager.com/gtm.js?id=GTM-KJBSQR",
        ]


def test_pages_reference_the_trackers(site: Site) -> None:
    zloy = site.journals[ZLOY]
    pages = [
        render.post_page(site, zloy, zloy.by_ditemid[SEED], skin=skin) for skin in render.SKINS
    ]
    pages.append(render.index_page(site, zloy, 0))
    for html in pages:
        sel = Selector(html)
        loaded = sel.css("img::attr(src), script::attr(src)").getall()
        hosts = {urlsplit(urljoin("https://x/", u)).hostname for u in loaded}
        assert {
            "sb.scorecardresearch.com",
            "counter.rambler.ru",
            "mc.yandex.ru",
            "www.googletagmanager.com",
        } <= hosts
        assert all(media.is_tracker(h or "") for h in hosts if "livejournal" not in (h or ""))


# ---------------------------------------------------------------- stylesheets


def requisites(html: str, base: str) -> Iterator[tuple[str, str]]:
    """(url, what) of what a page loads: images, stylesheets, scripts (an empty `href` loads
    nothing)."""
    for url, what in _requisites(Selector(html), base):
        if url != base:
            yield url, what


def _requisites(sel: Selector, base: str) -> Iterator[tuple[str, str]]:
    for url in sel.css("img::attr(src), img::attr(data-src)").getall():
        yield urljoin(base, url), "image"
    for srcset in sel.css("img::attr(srcset)").getall():
        for candidate in srcset.split(","):
            yield urljoin(base, candidate.split()[0]), "image"
    for link in sel.css("link"):
        if "stylesheet" in link.attrib.get("rel", "").split():
            yield urljoin(base, link.attrib["href"]), "style"
    for url in sel.css("script::attr(src)").getall():
        yield urljoin(base, url), "script"


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+"([^"]+)";""")


def test_combo_stylesheets_load_pictures_fonts_and_an_import(site: Site) -> None:
    seen_font = seen_import = seen_missing = False
    relative = absolute = 0
    for href in {*media.SCHEMIUS_STYLES, *media.S2_STYLES}:
        assert "/??" in href and "?v=" in href
        sheet = served(site, href)
        assert (sheet.status, sheet.header("Content-Type")) == (200, "text/css")
        css = sheet.body.decode()
        names = urlsplit(href).query[1:].split("?")[0].split(",")
        assert [line[3:-3] for line in css.splitlines() if line.startswith("/* ")][: len(names)]
        imports = CSS_IMPORT.findall(css)
        for target in imports:
            seen_import = True
            imported = served(site, urljoin(href, target)).body.decode()
            assert "@font-face" in imported
            for font in CSS_URL.findall(imported):
                answer = served(site, urljoin(href, font))
                assert (answer.status, answer.header("Content-Type")) == (200, "font/woff2")
                assert answer.header("Access-Control-Allow-Origin") == "*"
                seen_font = True
        for ref in CSS_URL.findall(css):
            if ref.startswith("http"):
                absolute += 1
            else:
                relative += 1
            url = urljoin(href, ref)
            answer = served(site, url)
            if urlsplit(url).path in media.MISSING_STAT_PATHS:
                assert answer.status == 404
                seen_missing = True
                continue
            assert answer.status == 200, url
            assert answer.header("Content-Type").startswith("image/"), url
    assert seen_font and seen_import and seen_missing
    assert relative >= 3 and absolute >= 3


def test_one_stylesheet_marks_the_post_body(site: Site) -> None:
    css = served(site, media.SCHEMIUS_STYLES[1]).body.decode()
    assert f"border-left: {media.POST_BORDER}" in css
    assert media.SCHEMIUS_STYLES[1] in media.S2_STYLES  # the S2 frame links it too


@pytest.mark.parametrize("skin", render.SKINS)
def test_every_requisite_of_the_sample_pages_answers(site: Site, skin: str) -> None:
    zloy = site.journals[ZLOY]
    pages = [
        (post.url, render.post_page(site, zloy, post, skin=skin, nojs=True))
        for post in (zloy.by_ditemid[SEED], zloy.by_ditemid[6635], zloy.by_ditemid[PROMO])
    ]
    pages.append((zloy.url, render.index_page(site, zloy, 0)))
    kinds = set()
    for base, html in pages:
        for url, what in requisites(html, base):
            answer = served(site, url)
            if _picid(url) == media.MISSING_PICID:
                assert answer.status == 404
                continue
            assert answer.status == 200, url
            kind = answer.header("Content-Type")
            expected = {"image": "image/", "style": "text/css", "script": "application/javascript"}
            assert kind.startswith(expected[what]) or media.is_tracker(
                urlsplit(url).hostname or ""
            ), (url, kind)
            kinds.add(kind)
    assert {media.CSS, media.JS, media.PNG, media.JPEG, media.SVG} <= kinds


def _picid(url: str) -> int | None:
    match = re.search(r"/(\d+)/\d+_(?:300|600|original)\.jpg$", url)
    return int(match.group(1)) if match else None


@pytest.mark.parametrize("name", ["kelijah-266132", "kelijah-266579"])
def test_every_requisite_of_the_real_pages_answers(name: str, site: Site) -> None:
    folder = REAL / name
    url = json.loads((folder / "capture.json").read_text("utf-8"))["url"]
    html = (folder / "page.html").read_text("utf-8")
    found = dict.fromkeys(requisites(html, url))
    assert len(found) > 15
    trackers = 0
    for ref, what in found:
        answer = served(site, ref)
        assert answer.status == 200, ref
        kind = answer.header("Content-Type")
        if media.is_tracker(urlsplit(ref).hostname or ""):
            trackers += 1
            continue
        expected = {"image": "image/", "style": "text/css", "script": "application/javascript"}
        assert kind.startswith(expected[what]), (ref, kind)
    assert trackers >= 3


# ---------------------------------------------------------------- the manifest's media


def pages_of(site: Site, journal: Journal, post: Post) -> Iterator[tuple[str, str]]:
    """(skin, html) of every page of the post: each comment page and each thread's page."""
    if post.ditemid in journal.verbatim:
        yield "verbatim", served(site, post.url).body.decode()
        return
    tops = [c.talkid for c in comments_of(post) if c.parent is None]
    pages = max(1, -(-len(tops) // render.COMMENT_THREADS_PER_PAGE))
    for skin in render.SKINS:
        for nojs in (False, True) if skin == "schemius" else (False,):
            name = "nojs" if nojs else skin
            for page in range(1, pages + 1):
                yield (
                    name,
                    render.post_page(site, journal, post, skin=skin, comment_page=page, nojs=nojs),
                )
            for talkid in tops:
                yield (
                    name,
                    render.post_page(site, journal, post, skin=skin, thread=talkid, nojs=nojs),
                )


# The element of each comment, and the prefix of its id before the talkid.
COMMENT_ELEMENTS = {
    "nojs": ("div.b-leaf", "t"),
    "s2": ("div.comment-wrap", "ljcmt"),
    "aentry": ("article.mdspost-comment", "t"),
    "verbatim": ("div.comment-wrap", "ljcmt"),
}
POST_ELEMENTS = {
    "schemius": "div.b-singlepost-about, article.b-singlepost-body",
    "nojs": "div.b-singlepost-about, article.b-singlepost-body",
    "s2": "dl.entry.hentry",
    "aentry": "article.aentry",
    "verbatim": "dl.entry.hentry, article.b-singlepost-body",
}


def shown_pictures(skin: str, html: str, base: str) -> set[tuple[str, int | None]]:
    """(url, talkid) of the pictures a page shows, each where it stands; every picture-host URL
    on the page is in one of those places."""
    sel = Selector(html)
    found: set[tuple[str, int | None]] = {
        (u, None) for part in sel.css(POST_ELEMENTS[skin]) for u in pictures_of(part, base)
    }
    if skin == "schemius":
        for record in page_json(html)["comments"]:
            if record.get("userpic") and urlsplit(record["userpic"]).hostname in PICTURE_HOSTS:
                found.add((record["userpic"], record["talkid"]))
            found |= {
                (u, record.get("talkid")) for u in fragment_pictures(record.get("article"), base)
            }
    else:
        query, prefix = COMMENT_ELEMENTS[skin]
        for element in sel.css(query):
            if element.attrib.get("id"):
                talkid = int(element.attrib["id"].removeprefix(prefix))
                found |= {(u, talkid) for u in pictures_of(element, base)}
    everywhere = set(pictures_of(sel, base))
    if skin == "schemius":
        everywhere |= {u for u, talkid in found if talkid is not None}
    assert everywhere == {u for u, _t in found}, everywhere ^ {u for u, _t in found}
    return found


def manifest_media(site: Site, journal: Journal, post: Post) -> set[tuple[str, int | None]]:
    return {(str(m["url"]), m["talkid"]) for m in post_media(journal, post)}  # type: ignore[misc]


MANIFEST_JOURNALS = ("zloy_odessit", "kelijah", "tea_club", "moskvich", "new_name", "bulk_journal")


@pytest.mark.parametrize("name", MANIFEST_JOURNALS)
def test_manifest_media_is_what_the_pages_show(site: Site, name: str) -> None:
    journal = site.journals[name]
    checked = 0
    for post in journal.public_posts:
        expected = manifest_media(site, journal, post)
        shown: set[tuple[str, int | None]] = set()
        for skin, html in pages_of(site, journal, post):
            on_page = shown_pictures(skin, html, post.url)
            assert on_page <= expected, (post.url, skin, on_page - expected)
            shown |= on_page
        assert shown == expected, (post.url, expected - shown)
        checked += 1
    assert checked


@cache
def manifest() -> list[dict[str, Any]]:
    return [r for r in iter_manifest(build_site()) if r["type"] == "post"]


def test_manifest_media_records(site: Site) -> None:
    records = manifest()
    every = [m for r in records for m in r["media"]]
    for m in every:
        assert set(m) == {"url", "role", "talkid", "status", "length", "over_cap"}
        assert m["role"] == ("userpic" if media.USERPIC_HOST in m["url"] else "image")
    assert {m["url"] for m in every if m["status"] == 404} == {
        media.photo_url(ZLOY, media.MISSING_PICID, size) for size in media.PHOTO_SIZES
    }
    assert [m["url"] for m in every if m["over_cap"]] == [
        media.photo_url(ZLOY, media.HUGE_PICID, "original")
    ]
    for m in every[:400]:
        answer = served(site, m["url"])
        assert answer.status == m["status"]
        if m["status"] == 200:
            assert len(answer.body) == m["length"]
    # Every public post shows its author's userpic; a userpic recurs over many comments.
    public = [r for r in records if r["security"] == "public" and r["journal"] != "kelijah"]
    assert all(r["media"][0]["role"] == "userpic" for r in public)
    assert all(r["media"] == [] for r in records if r["security"] != "public")
    talkids: dict[str, set[int]] = {}
    for m in every:
        if m["role"] == "userpic" and m["talkid"] is not None:
            talkids.setdefault(m["url"], set()).add(m["talkid"])
    assert max(len(t) for t in talkids.values()) >= 10
    in_comments = [m for m in every if m["role"] == "image" and m["talkid"] is not None]
    assert len({m["talkid"] for m in in_comments}) >= 10
    by_post = {(r["journal"], r["ditemid"]): r["media"] for r in records}
    assert {(m["url"], m["talkid"]) for m in by_post[("kelijah", 266132)]} == {
        ("https://l-userpic.livejournal.com/110181423/37697966", 71316),
        ("https://l-userpic.livejournal.com/110181423/37697966", 71828),
    }
    assert any(m["role"] == "image" for m in by_post[(ZLOY, SEED)])


def test_manifest_command_keeps_its_fields_and_adds_media() -> None:
    record = next(r for r in manifest() if r["ditemid"] == SEED)
    assert set(record) == {
        "type",
        "journal",
        "ditemid",
        "url",
        "title",
        "poster",
        "published",
        "tags",
        "comment_count",
        "security",
        "edited_in_round",
        "media",
    }


def test_photo_markup_in_every_skin(site: Site) -> None:
    styles = {"srcset": 0, "linked": 0, "lazy": 0}
    for journal in site.journals.values():
        for post in journal.public_posts:
            if media.PICS_HOST not in post.body_html or post.ditemid in journal.verbatim:
                continue
            sel = Selector(f"<div>{post.body_html}</div>")
            styles["srcset"] += len(sel.css("img[srcset]"))
            styles["linked"] += len(sel.css("a > img"))
            styles["lazy"] += len(sel.css('img[loading="lazy"][data-src]'))
    assert all(count >= 2 for count in styles.values()), styles
    zloy = site.journals[ZLOY]
    seed = zloy.by_ditemid[SEED]
    photo = media.photo_url(ZLOY, media.photo_id(ZLOY, SEED, 0), "600")
    for skin in render.SKINS:
        html = render.post_page(site, zloy, seed, skin=skin)
        assert photo in pictures_of(Selector(html), seed.url), skin
        assert media.userpic_url(ZLOY) in html
    assert photo in render.index_page(site, zloy, 0) or photo in render.tag_page(
        site, zloy, "english", 0
    )


# ---------------------------------------------------------------- in a browser


def test_a_browser_shows_the_pictures_and_applies_the_styles() -> None:
    """Chromium through the sample server as its proxy: every picture of the post decodes
    (naturalWidth > 0), and common-post.css gives the body its border. (A server of its own: a
    browser fetches the trackers, which the shared server must not count.)"""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no chromium (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic"]
    pages = {
        urls.post_url(ZLOY, SEED) + "?format=light": "article.b-singlepost-body",
        urls.post_url("kelijah", 262788): "dl.entry div.entry-content",
        urls.post_url("moskvich", 1587): "div.aentry-post__text",
    }
    with running_server() as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=flags,
            proxy={"server": server.proxy_url},
        )
        try:
            context = browser.new_context(ignore_https_errors=True)
            page = context.new_page()
            photos, kinds = 0, set()
            for url, body in pages.items():
                page.goto(url, wait_until="load")
                images = page.eval_on_selector_all(
                    "img",
                    "els => els.filter(e => !e.closest('noscript') && e.loading !== 'lazy')"
                    ".map(e => [e.currentSrc || e.src, e.complete, e.naturalWidth])",
                )
                shown = [i for i in images if not media.is_tracker(urlsplit(i[0]).hostname or "")]
                photos += sum(media.PICS_HOST in i[0] for i in shown)
                assert any(media.USERPIC_HOST in i[0] for i in shown)
                kinds |= {urlsplit(i[0]).path.rsplit(".", 1)[-1] for i in shown}
                broken = [i for i in shown if not (i[1] and i[2] > 0)]
                assert broken == [], (url, broken)
                border = page.eval_on_selector(body, "e => getComputedStyle(e).borderLeft")
                assert border == media.POST_BORDER, url
        finally:
            browser.close()
        assert photos and {"gif", "svg", "jpg"} <= kinds, kinds
        assert server.tracker_requests  # a browser does fetch them


def test_pages_served_over_the_wire_keep_their_requisites(sample_server: RunningServer) -> None:
    page = fetch(sample_server.port, urls.post_url(ZLOY, SEED))
    for url, _what in requisites(page.text, urls.post_url(ZLOY, SEED)):
        if media.is_tracker(urlsplit(url).hostname or ""):
            continue
        answer: RawResponse = fetch(sample_server.port, url)
        assert answer.status == 200, url
        assert int(answer.header("Content-Length") or -1) == len(answer.body)
