"""The archive in a real Datasette, driven by headless Chromium (Debian's `chromium`)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from loopback import free_port, wait_until_listening
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
REPLAY = "http://127.0.0.1:9/lj/"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Served:
    base: str
    output: Path

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.output / "archive.db")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    output = tmp_path_factory.mktemp("datasette")
    demo = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "demo", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert demo.returncode == 0, demo.stderr[-3000:]
    port = free_port()
    server = subprocess.Popen(
        [
            *(str(Path(sys.executable).parent / "archiver"), "serve", str(output)),
            *("--port", str(port), "--replay-url", REPLAY),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, server, "datasette")
        yield Served(f"http://127.0.0.1:{port}", output)
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: .ci/run installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()


def test_home_page_names_the_archive_and_its_tables(served: Served, page: Page) -> None:
    page.goto(served.base + "/")
    assert page.title().startswith("LiveJournal archive")
    assert page.get_by_role("link", name="Posts and comments per month").count() == 1
    page.goto(served.base + "/archive")
    text = page.inner_text("body")
    for table in ("posts", "comments", "crawl_runs", "captures", "recent_posts", "post_index"):
        assert page.get_by_role("link", name=table, exact=True).count() == 1, table
    for query in ("Posts per month", "Most-commented posts", "Comment-policy history"):
        assert query in text
    page.goto(served.base + "/archive/posts")
    assert "Posts" in page.inner_text("h1")
    assert "One row per post" in page.inner_text("body")  # the table's description


def test_posts_with_facets_by_journal_year_tag_security_and_status(
    served: Served, page: Page
) -> None:
    page.goto(served.base + "/archive/post_index")
    facets = {f.split()[0] for f in page.locator(".facet-info-name strong").all_inner_texts()}
    assert facets == {"journal", "year", "tags", "security", "status"}
    total = served.db().execute("select count(*) from posts").fetchone()[0]
    assert f"{total} rows" in page.inner_text("body")
    page.goto(served.base + "/archive/post_index?tags__arraycontains=english")
    english = served.db().execute(
        "select count(*) from post_tags join tags on tags.id = post_tags.tag_id "
        "where tags.name = 'english'"
    )
    assert f"{english.fetchone()[0]} row" in page.inner_text("body")


def test_full_text_search_finds_the_seed_post(served: Served, page: Page) -> None:
    page.goto(served.base + "/archive/posts?_search=Lavrov")
    titles = page.locator("td.col-title").all_inner_texts()
    assert titles == ["Afghan Trap 2.0"]


def test_canned_queries_answer_from_the_archive(served: Served, page: Page) -> None:
    page.goto(served.base + "/archive/posts_per_month?journal=zloy_odessit")
    months = page.locator("td.col-month").all_inner_texts()
    expected = served.db().execute(
        "select substr(published, 1, 7) m from posts where journal = 'zloy_odessit' "
        "group by m order by m"
    )
    assert months == [row[0] for row in expected]
    page.goto(served.base + "/archive/most_commented")
    counts = [int(c) for c in page.locator("td.col-comment_count").all_inner_texts()]
    top = served.db().execute("select max(comment_count) from posts").fetchone()[0]
    assert counts[0] == top and counts == sorted(counts, reverse=True)
    page.goto(served.base + "/archive/widget_over_time")
    text = page.inner_text("table")
    assert "Вересень 30, 19:05" in text


def test_a_post_shows_its_body_as_html_and_links_its_capture(served: Served, page: Page) -> None:
    ditemid, capture_id, stamp = (
        served.db()
        .execute(
            "select posts.ditemid, capture_id, fetched_at from posts join captures "
            "on captures.id = posts.capture_id where title = 'Afghan Trap 2.0'"
        )
        .fetchone()
    )
    page.goto(f"{served.base}/archive/posts/zloy_odessit,{ditemid}")
    body = page.locator(".archived-html").first
    assert "Sergey Lavrov" in body.inner_text()
    assert "<br>" not in body.inner_text()  # rendered, not shown as markup
    assert body.locator("a[name=cutid1]").count() + body.locator("br").count() > 0
    capture = page.get_by_role("link", name=f"capture {capture_id}")
    assert capture.get_attribute("href") == f"/archive/captures/{capture_id}"
    replay = page.get_by_role("link", name="replay").get_attribute("href") or ""
    digits = "".join(ch for ch in stamp if ch.isdigit())[:14]
    assert replay == f"{REPLAY}{digits}/https://zloy-odessit.livejournal.com/{ditemid}.html"


def test_the_hostile_post_runs_nothing(served: Served, page: Page) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    ditemid = (
        served.db()
        .execute("select ditemid from posts where title = 'Hostile markup'")
        .fetchone()[0]
    )
    page.goto(f"{served.base}/archive/posts/tea_club,{ditemid}")
    body = page.locator(".archived-html").first
    assert "Harmless first paragraph." in body.inner_text()
    body.get_by_text("Hover me").hover()
    body.get_by_text("Hover me").click()
    body.get_by_text("A javascript: link").click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    for dangerous in ("script", "iframe", "form", "object", "svg", "embed", "[style]"):
        assert body.locator(dangerous).count() == 0, dangerous
    handlers: Any = body.evaluate(
        "el => [...el.querySelectorAll('*')].flatMap(e => [...e.attributes])"
        ".map(a => a.name).filter(n => n.startsWith('on'))"
    )
    assert handlers == []
    hrefs = body.locator("a[href]").evaluate_all("els => els.map(e => e.href)")
    assert all(h.startswith(("http://", "https://")) for h in hrefs)
    assert not [u for u in requested if "evil.example" in u]
    # Its image is shown from the archive, never fetched from where the author put it.
    harmless = "https://l-stat.livejournal.net/img/harmless.png"
    shown = f"/-/archiver/media?url={quote(harmless, safe='')}"
    assert body.locator(f"img[src='{shown}']").count() == 1
    assert not [u for u in requested if u.startswith(("http://l-stat", "https://l-stat"))]


def test_the_monthly_chart_draws_every_month(served: Served, page: Page) -> None:
    page.goto(f"{served.base}/-/archiver/chart?journal=bulk_journal")
    (months,) = (
        served.db()
        .execute(
            "select count(distinct substr(published, 1, 7)) from posts where journal = ?",
            ["bulk_journal"],
        )
        .fetchone()
    )
    assert page.locator("svg.archiver-chart rect.posts").count() == months
    assert page.locator("svg.archiver-chart rect.comments").count() > 0
    title = page.locator("svg.archiver-chart rect.posts title").first.text_content() or ""
    assert title.endswith(" posts")
    page.select_option("select[name=journal]", "zloy_odessit")
    page.click("input[type=submit]")
    assert page.url.endswith("journal=zloy_odessit")
    assert "zloy_odessit: posts and comments per month" in page.inner_text("h1")


def test_post_images_are_shown_from_the_archive_and_nothing_leaves_loopback(
    served: Served, page: Page
) -> None:
    db = served.db()
    ditemid, archived = db.execute(
        "select l.ditemid, count(*) from media_links l join media m on m.url = l.url "
        "where l.journal = 'zloy_odessit' and l.talkid = 0 and l.role = 'image' "
        "and m.status = 200 and m.content_type like 'image/%' "
        "group by l.ditemid order by count(*) desc limit 1"
    ).fetchone()
    assert archived > 0
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{served.base}/archive/posts/zloy_odessit,{ditemid}")
    body = page.locator(".archived-html").first
    images = body.locator("img")
    assert images.count() > 0
    sources = images.evaluate_all("els => els.map(e => e.getAttribute('src'))")
    assert all(src.startswith("/-/archiver/media?url=") for src in sources), sources
    page.wait_for_function(
        "els => els.every(e => e.complete)", arg=images.element_handles(), timeout=10_000
    )
    widths = images.evaluate_all("els => els.map(e => e.naturalWidth)")
    assert all(width > 0 for width in widths), widths
    outside = [u for u in requested if not u.startswith(served.base)]
    assert outside == [], outside


def test_the_media_route_serves_the_archived_bytes_or_a_placeholder(served: Served) -> None:
    import urllib.request

    from archiver.archive.warc import read_payload

    db = served.db()
    url, warc_file, offset = db.execute(
        "select m.url, c.warc_file, c.warc_offset from media m join captures c "
        "on c.id = m.last_capture_id where m.status = 200 and c.record_type = 'response' "
        "and m.content_type like 'image/%' limit 1"
    ).fetchone()
    with urllib.request.urlopen(f"{served.base}/-/archiver/media?url={quote(url, safe='')}") as r:
        assert r.headers["X-Archiver-Media"] == "archived"
        assert r.read() == read_payload(served.output / "warc" / warc_file, offset)
        assert "sandbox" in r.headers["Content-Security-Policy"]
    (missing,) = db.execute("select url from media where status = 404 limit 1").fetchone()
    for gone in (missing, "https://evil.example/never-archived.png"):
        with urllib.request.urlopen(
            f"{served.base}/-/archiver/media?url={quote(gone, safe='')}"
        ) as r:
            assert r.headers["X-Archiver-Media"] == "not archived"
            assert r.headers["Content-Type"].startswith("image/svg+xml")
