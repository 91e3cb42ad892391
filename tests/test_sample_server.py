"""The sample LiveJournal over the wire: proxying, status pages, faults, determinism, manifest."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from lj_client import fetch
from parsel import Selector

from archiver import urls
from archiver.sample.content import build_site, iter_manifest
from archiver.sample.faults import FaultOptions
from archiver.sample.server import RunningServer, running_server

# The real pages, as copied into the checkout (tests read nothing outside it).
REAL = Path(__file__).resolve().parent / "fixtures" / "real"
ZLOY = "https://zloy-odessit.livejournal.com/"
# The post link of each entry on a listing page, as the real S2 "Minimalism" prints it.
ENTRY_LINKS = "dl.entry dt.entry-title a.subj-link::attr(href)"


def site_json(html: str, name: str) -> dict[str, object]:
    match = re.search(rf"Site\.{name} = (\{{.*?\}});\s*$", html, re.M)
    assert match, f"no Site.{name}"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_https_through_connect_keeps_livejournal_urls(sample_server: RunningServer) -> None:
    response = fetch(sample_server.port, ZLOY)
    assert response.status == 200
    assert response.header("Content-Type") == "text/html; charset=utf-8"
    page = Selector(response.text)
    assert page.css('a[href^="https://zloy-odessit.livejournal.com/"]')


def test_plain_http_proxy_form_is_answered_too(sample_server: RunningServer) -> None:
    response = fetch(sample_server.port, "http://kelijah.livejournal.com/robots.txt")
    assert response.status == 200
    assert "User-agent" in response.text or "User-Agent" in response.text


def test_real_kelijah_pages_are_served_verbatim(sample_server: RunningServer) -> None:
    for ditemid, name in (
        (266579, "kelijah-266579/page.html"),
        (266132, "kelijah-266132/page.html"),
    ):
        response = fetch(sample_server.port, urls.post_url("kelijah", ditemid))
        assert response.status == 200
        assert response.body == (REAL / name).read_bytes()


def test_blocked_journal_gets_the_real_451_response_byte_for_byte(
    sample_server: RunningServer,
) -> None:
    response = fetch(sample_server.port, "https://alstrangers.livejournal.com/")
    assert response.wire == (REAL / "alstrangers-error451-1" / "response.http").read_bytes()
    assert response.status == 404
    assert "Error 451" in response.text


@pytest.mark.parametrize(
    ("journal", "status", "sentence"),
    [
        ("gone_away", 410, "This journal has been deleted"),
        ("purged_user", 410, "This journal has been deleted and purged."),
        ("banned_user", 403, "suspended by LiveJournal for policy violation"),
    ],
)
def test_gone_journals_answer_with_their_status_page(
    sample_server: RunningServer, journal: str, status: int, sentence: str
) -> None:
    response = fetch(sample_server.port, urls.journal_root(journal) + "2019/")
    assert response.status == status
    assert sentence in response.text


def test_renamed_journal_redirects_to_its_new_name(sample_server: RunningServer) -> None:
    response = fetch(sample_server.port, "https://old-name.livejournal.com/2020/?x=1")
    assert response.status == 301
    assert response.header("Location") == "https://new-name.livejournal.com/2020/?x=1"


def test_adult_journal_needs_the_cookie(sample_server: RunningServer) -> None:
    url = urls.journal_root("adult_notes")
    notice = fetch(sample_server.port, url)
    assert notice.status == 302
    location = notice.header("Location") or ""
    assert location.startswith("https://www.livejournal.com/misc/adult_explicit.bml?ret=")
    interstitial = fetch(sample_server.port, location)
    assert interstitial.status == 200
    assert "Adult Content Notice" in interstitial.text
    passed = fetch(sample_server.port, url, {"Cookie": "adult_explicit=1"})
    assert passed.status == 200
    assert "entry-wrap--post" in passed.text


def test_locked_and_missing_posts(sample_server: RunningServer) -> None:
    site = sample_server.server.site
    locked = next(p for p in site.journals["bulk_journal"].posts if not p.is_public and p.title)
    response = fetch(sample_server.port, locked.url)
    assert response.status == 403
    assert "You must be logged in to view this protected entry." in response.text
    assert locked.title not in response.text
    assert locked.body_html not in response.text
    missing = fetch(sample_server.port, urls.post_url("bulk_journal", 1))
    assert missing.status == 404


def test_index_skip_is_clamped_at_the_scroll_back_limit(sample_server: RunningServer) -> None:
    deep = fetch(sample_server.port, urls.index_url("bulk_journal", 5000))
    limit = fetch(sample_server.port, urls.index_url("bulk_journal", 100))
    posts = Selector(deep.text).css(ENTRY_LINKS).getall()
    assert posts == Selector(limit.text).css(ENTRY_LINKS).getall()
    newest = sample_server.server.site.journals["bulk_journal"].public_posts
    assert posts == [p.url for p in newest[100:110]]


def test_same_options_give_byte_identical_responses() -> None:
    pages = [
        ZLOY,
        urls.post_url("zloy_odessit", 1281 * 256 + 154),
        urls.tag_url("zloy_odessit", "english"),
        urls.rss_url("zloy_odessit"),
        urls.year_url("bulk_journal", 2012),
        urls.index_url("bulk_journal", 20),
    ]
    runs = []
    for _ in range(2):
        with running_server(revision=1, posts=40) as server:
            runs.append([fetch(server.port, url).wire for url in pages])
    assert runs[0] == runs[1]
    assert all(len(wire) > 500 for wire in runs[0])


def test_revisions_change_content() -> None:
    before = {r["url"]: r for r in iter_manifest(build_site(0, 40)) if r["type"] == "post"}
    after = {r["url"]: r for r in iter_manifest(build_site(1, 40)) if r["type"] == "post"}
    new = after.keys() - before.keys()
    gone = before.keys() - after.keys()
    edited = [u for u in after.keys() & before.keys() if after[u]["title"] != before[u]["title"]]
    more_comments = [
        u
        for u in after.keys() & before.keys()
        if after[u]["comment_count"] != before[u]["comment_count"]  # type: ignore[operator]
    ]
    assert len([u for u in new if "bulk-journal" in u]) == 3
    assert len([u for u in gone if "bulk-journal" in u]) == 1
    assert any("bulk-journal" in u for u in edited)
    assert more_comments
    policies = [
        {
            r["journal"]: r["policy"]
            for r in iter_manifest(build_site(rev, 40))
            if r["type"] == "journal"
        }
        for rev in (0, 1)
    ]
    assert policies[0]["zloy_odessit"] != policies[1]["zloy_odessit"]


def test_faults_throttle_then_serve() -> None:
    with running_server(
        posts=20, faults=FaultOptions(throttle_requests=2, retry_after=7)
    ) as server:
        first = fetch(server.port, ZLOY)
        second = fetch(server.port, ZLOY)
        third = fetch(server.port, ZLOY)
    assert (first.status, second.status, third.status) == (429, 429, 200)
    assert first.header("Retry-After") == "7"


def test_faults_error_once_then_serve() -> None:
    faults = FaultOptions(error_rate=1.0, error_status=503, retry_after=3)
    with running_server(posts=20, faults=faults) as server:
        first = fetch(server.port, ZLOY)
        again = fetch(server.port, ZLOY)
    assert first.status == 503
    assert first.header("Retry-After") == "3"
    assert again.status == 200


def test_faults_drop_and_truncate() -> None:
    with running_server(posts=20, faults=FaultOptions(drop_rate=1.0)) as server:
        dropped = fetch(server.port, ZLOY)
        retried = fetch(server.port, ZLOY)
    assert dropped.wire == b""
    assert retried.status == 200
    with running_server(posts=20, faults=FaultOptions(truncate_rate=1.0)) as server:
        cut = fetch(server.port, ZLOY)
    assert cut.status == 200
    assert len(cut.body) < int(cut.header("Content-Length") or 0)


def test_gzip_and_chunked_bodies_decode_to_the_plain_page() -> None:
    with running_server(posts=20) as server:
        plain = fetch(server.port, ZLOY)
    faults = FaultOptions(gzip=True, chunked=True)
    with running_server(posts=20, faults=faults) as server:
        encoded = fetch(server.port, ZLOY, {"Accept-Encoding": "gzip"})
    assert encoded.header("Content-Encoding") == "gzip"
    assert encoded.header("Transfer-Encoding") == "chunked"
    assert encoded.header("Content-Length") is None
    assert encoded.body == plain.body
    assert gzip.compress(plain.body, mtime=0) in encoded.wire or b"\r\n" in encoded.wire


def _walk_calendar(server: RunningServer, journal: str) -> set[str]:
    index = Selector(fetch(server.port, urls.journal_root(journal)).text)
    years = {u for u in index.css("ul.calendar-years a::attr(href)").getall()}
    found: set[str] = set()
    for year_url in sorted(years):
        year = Selector(fetch(server.port, year_url).text)
        for day_url in year.css("td.has-entries a::attr(href)").getall():
            day = Selector(fetch(server.port, day_url).text)
            found.update(day.css(ENTRY_LINKS).getall())
    return found


def test_manifest_and_pages_agree(sample_server: RunningServer) -> None:
    manifest = list(iter_manifest(sample_server.server.site))
    public = [r for r in manifest if r["type"] == "post" and r["security"] == "public"]
    for journal in ("zloy_odessit", "bulk_journal", "tea_club", "moskvich"):
        expected = {str(r["url"]) for r in public if r["journal"] == journal}
        assert _walk_calendar(sample_server, journal) == expected
    for record in public:
        if record["journal"] in ("kelijah",) and record["ditemid"] in (266579, 266132):
            continue
        if record["journal"] == "adult_notes":
            continue
        page = fetch(sample_server.port, str(record["url"]))
        assert page.status == 200, record["url"]
        entry = site_json(page.text, "entry")
        assert entry["ditemid"] == record["ditemid"]
        assert entry["title"] == record["title"]
        assert entry["poster"] == record["poster"]
        tags = Selector(page.text).css('meta[property="article:tag"]::attr(content)').getall()
        assert tags == record["tags"]
        assert site_json(page.text, "page")["replycount"] == record["comment_count"]


def test_manifest_command_prints_json_lines() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "sample-server", "--manifest", "--posts", "15"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    records = [json.loads(line) for line in out]
    journals = {r["journal"]: r for r in records if r["type"] == "journal"}
    assert journals["gone_away"]["status"] == "deleted"
    assert journals["old_name"]["renamed_to"] == "new_name"
    bulk = [r for r in records if r["type"] == "post" and r["journal"] == "bulk_journal"]
    assert len(bulk) == 15
    seed = next(r for r in records if r["type"] == "post" and r["title"] == "Afghan Trap 2.0")
    assert seed["tags"] == ["english"]
    assert set(seed) >= {"ditemid", "url", "published", "comment_count", "security"}


def test_comment_ids_are_unique_in_each_journal() -> None:
    """LiveJournal's talkids are unique per journal: the archive keys comments on them."""
    from archiver.sample.content import build_site, comments_of

    for journal in build_site(1, 2000).journals.values():
        talkids = [c.talkid for post in journal.posts for c in comments_of(post)]
        assert len(talkids) == len(set(talkids)), journal.username
