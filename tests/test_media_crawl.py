"""What a reader saw, crawled: every image and userpic the manifest says a post shows is in the
WARC with a media row; one userpic on many comments is fetched once; no tracker is ever asked;
a second scheduled run fetches no requisite again."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from archiver import exitcodes
from archiver.sample.content import build_site, iter_manifest
from archiver.sample.server import RunningServer, running_server

FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]
JOURNAL = "zloy_odessit"


def crawl(server: RunningServer, output: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "archiver.cli", "crawl", JOURNAL, "--output", str(output)]
    return subprocess.run(
        [*command, "--proxy", server.proxy_url, *FAST, *args],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RunningServer, list[dict]]:
    output = tmp_path_factory.mktemp("media")
    site = build_site()
    with running_server(site=site) as server:
        first = crawl(server, output)
        assert first.returncode == exitcodes.OK, first.stdout[-2000:] + first.stderr[-2000:]
        manifest = [
            r for r in iter_manifest(site) if r["type"] == "post" and r["journal"] == JOURNAL
        ]
        yield output, server, manifest


def test_every_picture_a_post_shows_is_archived_with_its_media_row(crawled) -> None:
    output, _server, manifest = crawled
    db = sqlite3.connect(output / "archive.db")
    media = {
        url: (status, note)
        for url, status, note in db.execute("select url, status, note from media")
    }
    captured = {url for (url,) in db.execute("select url from captures where status = 200")}
    expected = [(m, r) for r in manifest if r["security"] == "public" for m in r["media"]]
    assert len(expected) > 20
    for picture, post in expected:
        url = picture["url"]
        assert url in media, (post["url"], url)
        if picture["over_cap"]:
            assert media[url][0] is None and "max size" in (media[url][1] or ""), url
        elif picture["status"] == 404:
            assert media[url] == (404, "HTTP 404"), url
        else:
            assert media[url] == (200, None) and url in captured, url
    links = {
        (ditemid, talkid, url)
        for ditemid, talkid, url in db.execute(
            "select ditemid, talkid, url from media_links where journal = ?", [JOURNAL]
        )
    }
    for picture, post in expected:
        ditemid = int(post["url"].rsplit("/", 1)[1].split(".")[0])
        assert (ditemid, picture["talkid"] or 0, picture["url"]) in links, picture


def test_a_userpic_on_many_comments_is_fetched_once(crawled) -> None:
    output, _server, _manifest = crawled
    db = sqlite3.connect(output / "archive.db")
    url, shown = db.execute(
        "select url, count(*) from media_links where role = 'userpic' and talkid != 0 "
        "group by url order by count(*) desc limit 1"
    ).fetchone()
    assert shown > 3
    fetched = db.execute("select count(*) from captures where url = ?", [url]).fetchone()[0]
    assert fetched == 1
    (commenters,) = db.execute(
        "select count(*) from comments where userpic_url = ?", [url]
    ).fetchone()
    assert commenters == shown  # the comments' own picture column names it too


def test_no_tracker_is_ever_requested(crawled) -> None:
    output, server, _manifest = crawled
    assert server.tracker_requests == 0, server.tracker_urls
    db = sqlite3.connect(output / "archive.db")
    trackers = ("scorecardresearch", "yandex", "rambler", "googletagmanager")
    for name in trackers:
        assert not db.execute(
            "select count(*) from captures where url like ?", [f"%{name}%"]
        ).fetchone()[0], name


def test_a_second_scheduled_run_fetches_no_requisite_again(crawled) -> None:
    output, server, _manifest = crawled
    db = sqlite3.connect(output / "archive.db")
    before = db.execute("select count(*) from media").fetchone()[0]
    again = crawl(server, output)
    assert again.returncode == exitcodes.OK, again.stdout[-2000:]
    run = db.execute("select max(id) from crawl_runs").fetchone()[0]
    refetched = db.execute(
        "select count(*) from captures c join media m on m.url = c.url and m.status = 200 "
        "where c.run_id = ?",
        [run],
    ).fetchone()[0]
    assert refetched == 0
    assert db.execute("select count(*) from media").fetchone()[0] == before
