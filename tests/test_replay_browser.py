"""The demo's WACZ in two real replay clients, driven by headless Chromium (Debian's `chromium`):
ReplayWeb.page (the npm package `replaywebpage`, from tools/ensure-replaywebpage, served from
loopback) and pywb. In both the seed post renders with the archived stylesheet applied and every
picture in its body decoded, and no request leaves 127.0.0.1."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Page, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from test_datasette import CHROMIUM_FLAGS
from test_wacz import replay_tool, wayback

ROOT = Path(__file__).resolve().parents[1]
REPLAYWEBPAGE = ROOT / ".venv-replay" / "replaywebpage" / "package"
SCREENSHOTS = ROOT / "test-output" / "screenshots"
DOCS = ROOT / "docs"
SEED_TITLE = "Afghan Trap 2.0"
# Only the archived stylesheet sets this (archiver/sample/media.py); the post's own markup does not.
BORDER = {"borderLeftWidth": "3px", "borderLeftStyle": "solid", "borderLeftColor": "rgb(1, 2, 3)"}
RENDER_TIMEOUT = 60.0  # seconds for a replay to show the post
IMAGE_TIMEOUT = 15_000  # milliseconds for its pictures to load


@dataclass(frozen=True)
class Demo:
    output: Path
    wacz: Path
    seed_url: str
    timestamp: str  # the seed post's capture, as 14 digits


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    output = tmp_path_factory.mktemp("replay")
    for command in (["demo", "--output", str(output)], ["wacz", str(output)]):
        done = subprocess.run(
            [sys.executable, "-m", "archiver.cli", *command],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    db = sqlite3.connect(output / "archive.db")
    url, fetched_at = db.execute(
        "select p.url, c.fetched_at from posts p join captures c on c.id = p.capture_id "
        "where p.title = ?",
        [SEED_TITLE],
    ).fetchone()
    db.close()
    return Demo(output, output / "archive.wacz", url, re.sub(r"\D", "", fetched_at)[:14])


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: .ci/run installs it (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@dataclass
class Watched:
    """Every request the context made (pages, frames and service workers), and the ones not to
    127.0.0.1, which were aborted."""

    requested: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)


def on_loopback(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture
def watched(browser: Browser) -> Iterator[tuple[BrowserContext, Watched]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    seen = Watched()

    def route(route: Route) -> None:
        if on_loopback(route.request.url):
            route.continue_()
        else:
            seen.aborted.append(route.request.url)
            route.abort()

    context.on("request", lambda request: seen.requested.append(request.url))
    context.route("**/*", route)
    yield context, seen
    context.close()


# ---------------------------------------------------------------- what both replays must show


def post_frame(page: Page, seed_url: str) -> Frame:
    """The frame (nested in the replay's own frames) that shows the seed post, once its body is
    there."""
    started = time.monotonic()
    reloaded = False
    while time.monotonic() < started + RENDER_TIMEOUT:
        # A first visit can race the service worker's install (ReplayWeb.page's frame waits
        # for a worker that never takes over): reload once, as a reader would, halfway.
        if not reloaded and time.monotonic() > started + RENDER_TIMEOUT / 2:
            reloaded = True
            with suppress(PlaywrightError):
                page.reload()
        for frame in page.frames:
            if not frame.url.endswith("mp_/" + seed_url):
                continue
            with suppress(PlaywrightError):  # detached or navigating meanwhile: look again
                if frame.query_selector(".b-singlepost-body"):
                    return frame
        page.wait_for_timeout(250)  # the sync API handles its events only while it waits
    raise AssertionError(f"no frame shows {seed_url}: {[f.url for f in page.frames]}")


def assert_post_replayed(page: Page, seed_url: str, seen: Watched) -> Frame:
    frame = post_frame(page, seed_url)
    body = frame.locator(".b-singlepost-body").first
    assert "Sergey Lavrov" in body.inner_text()
    assert SEED_TITLE in frame.locator("body").inner_text()
    style: dict[str, str] = body.evaluate(
        "(el, keys) => Object.fromEntries(keys.map(k => [k, getComputedStyle(el)[k]]))",
        list(BORDER),
    )
    assert style == BORDER, "the archived stylesheet is not applied"
    images = body.locator("img")
    assert images.count() > 0
    for index in range(images.count()):
        images.nth(index).scroll_into_view_if_needed()  # a lazy picture loads when seen
    handles = images.element_handles()
    with suppress(PlaywrightError):  # a timeout is reported below, with what did not load
        frame.wait_for_function(
            "els => els.every(e => e.complete)", arg=handles, timeout=IMAGE_TIMEOUT
        )
    loaded: list[dict[str, Any]] = images.evaluate_all(
        "els => els.map(e => ({src: e.getAttribute('src'), currentSrc: e.currentSrc, "
        "complete: e.complete, naturalWidth: e.naturalWidth}))"
    )
    assert all(image["naturalWidth"] > 0 for image in loaded), loaded
    assert seen.aborted == [], f"requests that would have left loopback: {seen.aborted}"
    outside = [url for url in seen.requested if not on_loopback(url)]
    assert outside == [], outside
    return frame


def screenshot(page: Page, name: str) -> None:
    """Into test-output/screenshots/, and into docs/ with ARCHIVER_DOCS_SCREENSHOTS=1 (the
    README's pictures are refreshed on purpose, not by every test run)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name))
    if os.environ.get("ARCHIVER_DOCS_SCREENSHOTS") == "1":
        shutil.copy(SCREENSHOTS / name, DOCS / name)


# ---------------------------------------------------------------- ReplayWeb.page


class StaticFiles(SimpleHTTPRequestHandler):
    """http.server's static files, plus single byte ranges (`Range: bytes=A-B`): how a WACZ
    reader fetches the index and then each record it needs."""

    _remaining: int | None = None

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self) -> Any:
        self._remaining = None
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        path = Path(self.translate_path(self.path))
        if not wanted or not path.is_file() or wanted.group(0) == "bytes=-":
            return super().send_head()
        size = path.stat().st_size
        first, last = wanted.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:  # the last N bytes
            start, end = max(size - int(last), 0), size - 1
        if start >= size or start > end:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        stream = path.open("rb")
        stream.seek(start)
        self._remaining = end - start + 1
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(self._remaining))
        self.end_headers()
        return stream

    def copyfile(self, source: Any, outputfile: Any) -> None:
        if self._remaining is None:
            super().copyfile(source, outputfile)
            return
        stream: BinaryIO = source
        while self._remaining > 0:
            chunk = stream.read(min(self._remaining, 64 * 1024))
            if not chunk:
                break
            outputfile.write(chunk)
            self._remaining -= len(chunk)


@contextmanager
def static_site(directory: Path) -> Iterator[str]:
    """`directory` served on a free loopback port, from threads: its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(StaticFiles, directory=str(directory)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


EMBED = """<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>archive.wacz in ReplayWeb.page</title>
<script src="./ui.js"></script>
<style>html, body {{ margin: 0; height: 100%; }}</style>
</head>
<body>
<replay-web-page source="archive.wacz" url="{url}" ts="{ts}" replayBase="./replay/">
</replay-web-page>
</body>
</html>
"""


def replaywebpage_site(demo: Demo, directory: Path) -> Path:
    """ReplayWeb.page's embedding: a page that loads ui.js and holds a <replay-web-page>, with
    its service worker (sw.js, which also serves the replay frame's page, and that page's ui.js)
    under ./replay/, and the WACZ beside the page."""
    assert (REPLAYWEBPAGE / "ui.js").is_file() and (REPLAYWEBPAGE / "sw.js").is_file(), (
        f"ReplayWeb.page is missing from {REPLAYWEBPAGE}: run `make replay-tools`"
    )
    (directory / "replay").mkdir(parents=True)
    (directory / "index.html").write_text(EMBED.format(url=demo.seed_url, ts=demo.timestamp))
    for name in ("ui.js", "replay/ui.js", "replay/sw.js"):
        (directory / name).symlink_to(REPLAYWEBPAGE / Path(name).name)
    (directory / "archive.wacz").symlink_to(demo.wacz)
    return directory


def test_replaywebpage_replays_the_seed_post_from_loopback_alone(
    demo: Demo, watched: tuple[BrowserContext, Watched], tmp_path: Path
) -> None:
    context, seen = watched
    with static_site(replaywebpage_site(demo, tmp_path / "site")) as base:
        page = context.new_page()
        page.goto(f"{base}/index.html")
        frame = assert_post_replayed(page, demo.seed_url, seen)
        assert "/replay/w/" in frame.url  # shown by ReplayWeb.page's service worker
        wacz = [url for url in seen.requested if url == f"{base}/archive.wacz"]
        assert wacz, "the service worker never read the WACZ"
        screenshot(page, "replay-replaywebpage.png")


# ---------------------------------------------------------------- pywb


def test_pywb_replays_the_seed_post_with_its_stylesheet_and_images(
    demo: Demo, watched: tuple[BrowserContext, Watched], tmp_path: Path
) -> None:
    manager = replay_tool("wb-manager")
    collection = f"browser{os.getpid()}"
    for args in (["init", collection], ["add", "--unpack-wacz", collection, str(demo.wacz)]):
        done = subprocess.run([manager, *args], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
    context, seen = watched
    with wayback(tmp_path, collection) as base:
        page = context.new_page()
        page.goto(f"{base}/{demo.timestamp}/{demo.seed_url}")
        frame = assert_post_replayed(page, demo.seed_url, seen)
        assert frame.url == f"{base}/{demo.timestamp}mp_/{demo.seed_url}"
        screenshot(page, "replay-pywb.png")
