"""The post page and the chart page in a real Datasette, looked at in headless Chromium: a post
as it was, with its tags, threaded comments and their states, versions and captures; the chart
inside Datasette's own page, opening on the demo's real journal."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from loopback import free_port, wait_until_listening
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-output" / "screenshots"
DOCS = ROOT / "docs"
REPLAY = "http://127.0.0.1:9/lj/"


@dataclass(frozen=True)
class Served:
    base: str
    output: Path

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.output / "archive.db")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo at revision 0, then 1 (posts edited, comments deleted and screened), served."""
    output = tmp_path_factory.mktemp("post-page")
    for revision in ("0", "1"):
        demo = subprocess.run(
            [
                *(sys.executable, "-m", "archiver.cli", "demo"),
                *("--output", str(output), "--revision", revision),
            ],
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
        launched = playwright.chromium.launch(
            executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> None:
    """Into test-output/screenshots/, and into docs/ with ARCHIVER_DOCS_SCREENSHOTS=1."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)
    if os.environ.get("ARCHIVER_DOCS_SCREENSHOTS") == "1":
        shutil.copy(SCREENSHOTS / name, DOCS / name)


def test_a_post_page_shows_the_post_its_tags_comments_versions_and_captures(
    served: Served, page: Page
) -> None:
    db = served.db()
    journal, ditemid, url, title, body_text = db.execute(
        "select p.journal, p.ditemid, p.url, p.title, p.body_text from posts p "
        "where exists (select 1 from post_versions v where v.journal = p.journal "
        "and v.ditemid = p.ditemid) and exists (select 1 from post_tags t "
        "where t.journal = p.journal and t.ditemid = p.ditemid) "
        "order by (select count(*) from comments c where c.journal = p.journal "
        "and c.ditemid = p.ditemid) desc, p.journal, p.ditemid limit 1"
    ).fetchone()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{served.base}/-/archiver/post/{journal}/{ditemid}")
    assert page.inner_text("h1") == title
    # Inside Datasette's own page: its navigation and footer are there.
    assert page.locator("header nav .crumbs a").count() >= 2
    assert page.locator("footer.ft").count() == 1
    article = page.locator("article.archiver-post")
    body = article.locator(".archived-html").first
    assert " ".join(body_text.split())[:40] in " ".join(body.inner_text().split())
    tags = [
        name
        for (name,) in db.execute(
            "select t.name from post_tags pt join tags t on t.id = pt.tag_id "
            "where pt.journal = ? and pt.ditemid = ? order by t.name",
            [journal, ditemid],
        )
    ]
    assert article.locator(".tags a").all_inner_texts() == tags
    comments = db.execute(
        "select count(*) from comments where journal = ? and ditemid = ?", [journal, ditemid]
    ).fetchone()[0]
    assert article.locator(".comment").count() == comments > 0
    versions = db.execute(
        "select count(*) from post_versions where journal = ? and ditemid = ?",
        [journal, ditemid],
    ).fetchone()[0]
    tables = article.locator("table")
    assert tables.nth(0).locator("tbody tr").count() == versions > 0
    captures = db.execute(
        "select id, fetched_at, url from captures where url = ? or url like ? order by fetched_at",
        [url, url + "?%"],
    ).fetchall()
    rows = tables.nth(1).locator("tbody tr")
    assert rows.count() == len(captures) >= 2  # revision 0 and revision 1
    first_id, first_at, first_url = captures[0]
    assert rows.nth(0).locator("a").first.inner_text() == str(first_id)
    stamp = "".join(ch for ch in first_at if ch.isdigit())[:14]
    replay = rows.nth(0).get_by_role("link", name="replay").get_attribute("href")
    assert replay == f"{REPLAY}{stamp}/{first_url}"
    outside = [u for u in requested if not u.startswith(served.base)]
    assert outside == [], outside
    screenshot(page, "datasette-post.png")


def test_comments_are_threaded_with_their_states(served: Served, page: Page) -> None:
    db = served.db()
    journal, ditemid = db.execute(
        "select journal, ditemid from comments group by journal, ditemid "
        "order by sum(state != 'active') desc, max(depth) desc limit 1"
    ).fetchone()
    rows = db.execute(
        "select talkid, parent_talkid, depth, state from comments "
        "where journal = ? and ditemid = ?",
        [journal, ditemid],
    ).fetchall()
    page.goto(f"{served.base}/-/archiver/post/{journal}/{ditemid}")
    shown = page.locator(".comment").evaluate_all(
        "els => els.map(e => [Number(e.dataset.talkid), Number(e.dataset.depth),"
        " e.className, e.querySelector('.head').innerText])"
    )
    assert len(shown) == len(rows)
    order = {talkid: i for i, (talkid, *_rest) in enumerate(shown)}
    for talkid, parent, depth, state in rows:
        index = order[talkid]
        _, shown_depth, classes, head = shown[index]
        assert shown_depth == depth, talkid  # as deep as LiveJournal nested it
        if parent in order:
            assert order[parent] < index  # after the comment it answers
        assert state in classes.split()
        if state != "active":
            assert state in head, head
    assert any(state != "active" for *_, state in rows)
    screenshot(page, "datasette-comments.png")


def test_every_post_row_and_search_result_leads_to_its_page(served: Served, page: Page) -> None:
    (ditemid, title) = (
        served.db()
        .execute("select ditemid, title from posts where body_text like '%Lavrov%'")
        .fetchone()
    )
    page.goto(f"{served.base}/archive/posts?_search=Lavrov")
    link = page.locator("td.col-title a")
    assert link.all_inner_texts() == [title]
    link.click()
    assert page.url.endswith(f"/-/archiver/post/zloy_odessit/{ditemid}")
    assert page.inner_text("h1") == title
    page.goto(f"{served.base}/archive/posts/zloy_odessit,{ditemid}")
    assert page.locator("td.col-title a").first.get_attribute("href") == (
        f"/-/archiver/post/zloy_odessit/{ditemid}"
    )
    page.goto(f"{served.base}/archive/post_index?journal=tea_club")
    hrefs = page.locator("td.col-title a").evaluate_all("els => els.map(e => e.href)")
    assert hrefs and all("/-/archiver/post/tea_club/" in h for h in hrefs)
    missing = page.goto(f"{served.base}/-/archiver/post/tea_club/999999999")
    assert missing is not None and missing.status == 404
    huge = page.goto(f"{served.base}/-/archiver/post/tea_club/{'9' * 30}")
    assert huge is not None and huge.status == 404
    # A table view without the key columns still renders its titles.
    for query in ("_col=title&_col=journal", "_nocol=ditemid"):
        shown = page.goto(f"{served.base}/archive/post_index?{query}")
        assert shown is not None and shown.status == 200, query


def test_the_chart_is_a_datasette_page_and_opens_on_the_real_journal(
    served: Served, page: Page
) -> None:
    page.goto(f"{served.base}/-/archiver/chart")
    assert page.inner_text("h1") == "zloy_odessit: posts and comments per month"
    assert page.locator("header nav .crumbs a").count() >= 2
    assert page.locator("footer.ft").count() == 1
    options = page.locator("select[name=journal] option").all_inner_texts()
    biggest = (
        served.db()
        .execute("select journal, count(*) n from posts group by journal order by n desc, journal")
        .fetchall()
    )
    assert options == [f"{name} ({n} posts)" for name, n in biggest]
    assert biggest[0][0] == "bulk_journal"  # the biggest is the generated one: not the default
    months = (
        served.db()
        .execute(
            "select count(distinct substr(published, 1, 7)) from posts "
            "where journal = 'zloy_odessit'"
        )
        .fetchone()[0]
    )
    assert page.locator("svg.archiver-chart rect.posts").count() == months
    screenshot(page, "datasette-chart.png")
