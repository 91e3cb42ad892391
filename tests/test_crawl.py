"""End to end: a real Scrapy crawl over loopback against the sample LiveJournal."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from archiver import exitcodes, urls
from archiver.crawl import settings as crawl_settings
from archiver.sample.content import Site, build_site, iter_manifest
from archiver.sample.faults import FaultOptions
from archiver.sample.server import running_server

ROOT = Path(__file__).resolve().parents[1]
FAST = [
    "-s",
    "AUTOTHROTTLE_ENABLED=False",
    "-s",
    "CONCURRENT_REQUESTS=32",
    "-s",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
]
BULK_POSTS = 2000


@dataclass(frozen=True)
class Crawl:
    output: Path
    returncode: int
    stdout: str
    stderr: str
    manifest: list[dict[str, object]]

    def db(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.output / "archive.db")
        connection.row_factory = sqlite3.Row
        return connection


def run_archiver(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        timeout=900,
    )


def crawl(journals: list[str], output: Path, posts: int = 60, *extra: str) -> Crawl:
    site = build_site(0, posts)
    with running_server(site=site) as server:
        done = run_archiver(
            "crawl", *journals, "--output", str(output), "--proxy", server.proxy_url, *FAST, *extra
        )
    return Crawl(output, done.returncode, done.stdout, done.stderr, list(iter_manifest(site)))


@pytest.fixture(scope="module")
def bulk_crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    output = tmp_path_factory.mktemp("bulk")
    yield crawl(["bulk_journal", "zloy_odessit"], output, BULK_POSTS)


def test_bulk_crawl_finds_every_public_post(bulk_crawl: Crawl) -> None:
    assert bulk_crawl.returncode == exitcodes.OK, bulk_crawl.stderr[-3000:]
    expected = {
        int(str(r["ditemid"])): r
        for r in bulk_crawl.manifest
        if r["type"] == "post" and r["journal"] == "bulk_journal" and r["security"] == "public"
    }
    assert len(expected) > 1900
    rows = {
        row["ditemid"]: row
        for row in bulk_crawl.db().execute("select * from posts where journal = 'bulk_journal'")
    }
    assert set(rows) == set(expected)
    for ditemid, record in expected.items():
        row = rows[ditemid]
        assert row["title"] == record["title"]
        assert row["published"] == str(record["published"]).replace(" ", "T")
        assert row["comment_count"] == record["comment_count"]
    tags = {
        (row["ditemid"], row["name"])
        for row in bulk_crawl.db().execute(
            "select post_tags.ditemid, tags.name from post_tags join tags on tags.id = "
            "post_tags.tag_id where post_tags.journal = 'bulk_journal'"
        )
    }
    assert tags == {(d, t) for d, r in expected.items() for t in r["tags"]}  # type: ignore[attr-defined]


def test_bulk_crawl_reaches_old_posts_and_busy_days(bulk_crawl: Crawl) -> None:
    db = bulk_crawl.db()
    oldest = db.execute("select min(published) from posts where journal='bulk_journal'").fetchone()
    assert oldest[0].startswith("2008-01")
    busy_days = db.execute(
        "select substr(published, 1, 10) d, count(*) n from posts where journal='bulk_journal' "
        "group by d having n > 1"
    ).fetchall()
    assert len(busy_days) > 100


def test_seed_facts_are_data(bulk_crawl: Crawl) -> None:
    db = bulk_crawl.db()
    post = db.execute(
        "select * from posts where journal = 'zloy_odessit' and title = 'Afghan Trap 2.0'"
    ).fetchone()
    assert post is not None
    assert "Sergey Lavrov" in post["body_text"]
    assert "Tags:" not in post["body_text"]
    tags = db.execute(
        "select tags.name from post_tags join tags on tags.id = post_tags.tag_id "
        "where post_tags.journal = 'zloy_odessit' and post_tags.ditemid = ?",
        [post["ditemid"]],
    ).fetchall()
    assert [t[0] for t in tags] == ["english"]
    promo = db.execute(
        "select * from recent_posts where journal = 'zloy_odessit' and promoted = 1"
    ).fetchall()
    assert promo
    assert {(p["date"], p["comment_count"], p["price_tokens"], p["author"]) for p in promo} == {
        ("2021-09-30T19:05:00", 18, 50, "zloy_odessit")
    }
    assert promo[0]["date_text"] == "Вересень 30, 19:05"
    policy = db.execute("select * from comment_policies where journal = 'zloy_odessit'").fetchall()
    assert [(p["anonymous_allowed"], p["screened"], p["ip_recorded"]) for p in policy] == [
        (0, 1, 1)
    ]


# Bookkeeping that a second crawl moves on by design: when a row was seen and which capture.
VOLATILE = frozenset({"first_seen", "last_seen", "seen_at", "last_changed", "capture_id", "id"})
COMPARED_TABLES = (
    "journals",
    "posts",
    "tags",
    "post_tags",
    "post_versions",
    "comments",
    "recent_post_snapshots",
    "recent_posts",
    "comment_policies",
    "locked_posts",
)


def table_contents(
    db: sqlite3.Connection, table: str, but: tuple[str, ...] = ()
) -> list[tuple[object, ...]]:
    rows = db.execute(f"select * from {table}").fetchall()
    if not rows:
        return []
    dropped = {*VOLATILE, *but}
    keep = [k for k in rows[0].keys() if k not in dropped and not k.endswith("_id")]  # noqa: SIM118 - a Row iterates values
    return sorted(tuple(row[k] for k in keep) for row in rows)


def test_crawl_twice_gives_the_same_rows(tmp_path: Path) -> None:
    journals = ["zloy_odessit", "tea_club", "kelijah"]
    first = crawl(journals, tmp_path)
    assert first.returncode == exitcodes.OK, first.stderr[-3000:]
    before = {t: table_contents(first.db(), t) for t in COMPARED_TABLES}
    second = crawl(journals, tmp_path)
    assert second.returncode == exitcodes.OK, second.stderr[-3000:]
    after = {t: table_contents(second.db(), t) for t in COMPARED_TABLES}
    for table in COMPARED_TABLES:
        assert after[table] == before[table], table
    assert len(before["posts"]) == len(
        [
            r
            for r in first.manifest
            if r["type"] == "post" and r["journal"] in journals and r["security"] == "public"
        ]
    )
    assert len(before["comment_policies"]) == len(journals)
    runs = second.db().execute("select outcome, exit_code from crawl_runs").fetchall()
    assert [tuple(r) for r in runs] == [("success", 0), ("success", 0)]


def test_pages_parsed_in_a_worker_give_the_rows_parsed_in_the_crawl(tmp_path: Path) -> None:
    journals = ["zloy_odessit", "tea_club", "kelijah"]
    inline = crawl(journals, tmp_path / "inline", 60, "-s", "ARCHIVER_PARSE_PROCESSES=0")
    worker = crawl(journals, tmp_path / "worker", 60, "-s", "ARCHIVER_PARSE_PROCESSES=1")
    assert (inline.returncode, worker.returncode) == (exitcodes.OK, exitcodes.OK), worker.stderr
    assert "parsed in 1 process(es) of their own" in worker.stderr
    assert "of their own" not in inline.stderr
    for table in COMPARED_TABLES:
        # Which page showed a widget first (`source_url`) depends on which answered first.
        rows = table_contents(inline.db(), table, but=("source_url",))
        assert table_contents(worker.db(), table, but=("source_url",)) == rows, table
        assert rows or table in {"locked_posts", "post_versions"}, table  # one run: no edits
    # The worker built the journal pages' records: the same records, as the WARC files hold
    # them (requisites left out: which of two answers an image got depends on the timing).
    records = "select url, record_type, status, content_type, payload_digest from captures"
    inline_records = journal_pages(inline.db().execute(records), journals)
    assert journal_pages(worker.db().execute(records), journals) == inline_records
    pages = sum(1 for r in inline_records if r[0].endswith(".html"))
    assert pages > 60
    built = re.search(r"'archiver/warc/built_by_parser': (\d+)", worker.stderr)
    assert built and int(built.group(1)) >= pages, worker.stderr[-3000:]
    assert "built_by_parser" not in inline.stderr
    inline_index, worker_index = (
        journal_pages(indexed_records(c.output), journals) for c in (inline, worker)
    )
    assert worker_index == inline_index and len(inline_index) >= len(inline_records)


def test_a_crawl_whose_parsing_process_dies_loses_no_page(tmp_path: Path) -> None:
    """The parsing process killed mid-crawl (as by the OOM killer): the pages it held are
    parsed and their records built in the crawl's own process, and so is every later page."""
    site = build_site(0, 600)
    command = [
        *(sys.executable, "-m", "archiver.cli", "crawl", "bulk_journal", "--output", str(tmp_path)),
        *("-s", "ARCHIVER_PARSE_PROCESSES=1", *FAST),
    ]
    with running_server(site=site) as server:
        crawl = subprocess.Popen(
            [*command, "--proxy", server.proxy_url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        worker = busy_child(crawl.pid, cpu_seconds=1.0)
        os.kill(worker, signal.SIGKILL)
        _stdout, stderr = crawl.communicate(timeout=600)
    assert crawl.returncode == exitcodes.OK, stderr[-3000:]
    assert "the parsing process failed" in stderr and "exit code -9" in stderr
    public = {
        int(str(r["ditemid"]))
        for r in iter_manifest(site)
        if r["type"] == "post" and r["journal"] == "bulk_journal" and r["security"] == "public"
    }
    db = sqlite3.connect(tmp_path / "archive.db")
    assert {r[0] for r in db.execute("select ditemid from posts")} == public
    pages = db.execute("select count(*), count(distinct url) from captures where url like '%.html'")
    assert pages.fetchone() == (len(public), len(public))
    unparsed = db.execute(
        "select count(*) from captures where not coalesce(parsed, 0) and url like '%.html'"
    )
    assert unparsed.fetchone() == (0,)
    stats = logged_stats(stderr)
    assert 0 < stats["archiver/warc/built_by_parser"] < len(public)


def busy_child(parent: int, cpu_seconds: float) -> int:
    """The pid of `parent`'s child process once it has used `cpu_seconds` of CPU."""
    deadline = time.monotonic() + 120
    ticks = os.sysconf("SC_CLK_TCK")
    while time.monotonic() < deadline:
        for child in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
            with suppress(FileNotFoundError):
                fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
                if (int(fields[11]) + int(fields[12])) / ticks >= cpu_seconds:
                    return int(child)
        time.sleep(0.05)
    raise AssertionError(f"no child of {parent} used {cpu_seconds} s of CPU")


def test_a_page_that_never_reaches_its_callback_is_still_archived(tmp_path: Path) -> None:
    """A journal page held for the parsing process to build its records is in the WARC even
    when a middleware refuses its answer (written by the errback), or asks for it again with
    the same request (written when the second answer comes) or a new one (when the crawl
    ends), or its callback fails (written on the spider's error)."""
    site = build_site(0, 30)
    public = [
        r
        for r in iter_manifest(site)
        if r["type"] == "post" and r["journal"] == "tea_club" and r["security"] == "public"
    ]
    refused, asked_again, asked_anew, broken = (
        f"https://tea-club.livejournal.com/{r['ditemid']}.html" for r in public[:4]
    )
    turned = {
        "ARCHIVER_TURN_AWAY": refused,
        "ARCHIVER_ASK_AGAIN": asked_again,
        "ARCHIVER_ASK_ANEW": asked_anew,
        "ARCHIVER_BREAK_CALLBACK": broken,
    }
    done = crawl_turning_away(site, tmp_path, turned)
    db = sqlite3.connect(tmp_path / "archive.db")
    captured = "select record_type from captures where url = ? order by id"
    assert db.execute(captured, [refused]).fetchall() == [("response",)], done.stderr[-3000:]
    assert db.execute(captured, [asked_again]).fetchall() == [("response",), ("revisit",)]
    # The answer nobody claimed is written last: a revisit of the same page's second answer.
    assert db.execute(captured, [asked_anew]).fetchall() == [("response",), ("revisit",)]
    errors = db.execute("select kind, message from errors where url = ?", [refused]).fetchall()
    assert errors and "turned away by a test" in errors[0][1], errors
    assert done.returncode != exitcodes.OK  # a page it could not take is never a success
    for post in public[1:3]:
        saved = db.execute("select count(*) from posts where ditemid = ?", [post["ditemid"]])
        assert saved.fetchone() == (1,)
    indexed = [r[0] for r in indexed_records(tmp_path)]
    assert [indexed.count(url) for url in (refused, asked_again, asked_anew)] == [1, 2, 2]
    assert db.execute(captured, [broken]).fetchall() == [("response",)]
    bug = db.execute("select kind, message from errors where url = ?", [broken]).fetchall()
    assert bug == [("bug", "a bug while handling the page: KeyError: 'journal'")]
    # Scrapy's stats, logged as the spider closes, count every record but the one left for the
    # engine's stop: the broken page's was written as its callback failed.
    stats = logged_stats(done.stderr)
    assert stats["archiver/warc/records"] == stats["downloader/response_count"] - 1


def test_a_page_nobody_takes_is_written_after_the_held_seconds(tmp_path: Path) -> None:
    front = urls.journal_root("tea_club")  # the first page asked for: the crawl goes on
    done = crawl_turning_away(
        build_site(0, 30), tmp_path, {"ARCHIVER_ASK_ANEW": front}, "ARCHIVER_HELD_SECONDS=0.2"
    )
    assert done.returncode == exitcodes.OK, done.stderr[-3000:]
    db = sqlite3.connect(tmp_path / "archive.db")
    # Both answers, the second a revisit of the first or (ordered before it was written) not.
    kinds = db.execute("select record_type from captures where url = ?", [front]).fetchall()
    assert len(kinds) == 2 and ("response",) in kinds, kinds
    stats = logged_stats(done.stderr)  # as the spider closed: nothing was left for the stop
    assert stats["archiver/warc/records"] == stats["downloader/response_count"]


def crawl_turning_away(
    site: Site, output: Path, turned: dict[str, str], *settings: str
) -> subprocess.CompletedProcess[str]:
    """A crawl of tea_club with `turn_away.TurnAwayPages` among the downloader middlewares."""
    middlewares = {**crawl_settings.DOWNLOADER_MIDDLEWARES, "turn_away.TurnAwayPages": 600}
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests"), **turned}
    options = [f"DOWNLOADER_MIDDLEWARES={json.dumps(middlewares)}", *settings]
    with running_server(site=site) as server:
        done = subprocess.run(
            [
                *(sys.executable, "-m", "archiver.cli", "crawl", "tea_club"),
                *("--output", str(output), "--proxy", server.proxy_url, *FAST),
                *("-s", "ARCHIVER_PARSE_PROCESSES=1"),
                *(arg for option in options for arg in ("-s", option)),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
    assert "parsed in 1 process(es) of their own" in done.stderr
    return done


def logged_stats(stderr: str) -> dict[str, int]:
    """The whole-number stats Scrapy logs as the spider closes."""
    return {k: int(v) for k, v in re.findall(r"'(\S+)': (\d+),?\n", stderr)}


def journal_pages(rows: Iterable[Sequence[Any]], journals: list[str]) -> list[tuple[Any, ...]]:
    """The rows whose URL (the first field) is a page of one of the journals."""
    hosts = {urls.journal_host(journal) for journal in journals}
    return sorted(tuple(r) for r in rows if urlsplit(r[0]).hostname in hosts)


def indexed_records(output: Path) -> list[tuple[str, ...]]:
    lines = (output / "warc" / "index.cdxj").read_text().splitlines()
    fields = [json.loads(line.split(" ", 2)[2]) for line in lines]
    return sorted((f["url"], f.get("mime", ""), f.get("status", ""), f["digest"]) for f in fields)


def test_community_posts_keep_their_posters(tmp_path: Path) -> None:
    result = crawl(["tea_club"], tmp_path)
    assert result.returncode == exitcodes.OK, result.stderr[-3000:]
    db = result.db()
    journal = db.execute("select * from journals where username = 'tea_club'").fetchone()
    assert journal["journal_type"] == "community"
    posters = {r[0] for r in db.execute("select distinct poster from posts")}
    assert posters <= {"tea_lover", "oolong_fan", "puerh_man"}
    assert len(posters) > 1


@pytest.mark.parametrize(
    ("journal", "status"),
    [
        ("gone_away", "deleted"),
        ("purged_user", "purged"),
        ("banned_user", "suspended"),
        ("alstrangers", "blocked"),
    ],
)
def test_unavailable_journal_fails_clearly(tmp_path: Path, journal: str, status: str) -> None:
    result = crawl([journal], tmp_path)
    assert result.returncode == exitcodes.JOURNAL_UNAVAILABLE
    assert f"journal {journal}" in result.stdout
    row = result.db().execute("select status from journals where username = ?", [journal])
    assert row.fetchone()[0] == status


def test_unavailable_journal_loses_nothing_already_archived(tmp_path: Path) -> None:
    first = crawl(["tea_club"], tmp_path)
    assert first.returncode == exitcodes.OK
    second = crawl(["gone_away"], tmp_path)
    assert second.returncode == exitcodes.JOURNAL_UNAVAILABLE
    count = second.db().execute("select count(*) from posts where journal='tea_club'").fetchone()
    assert count[0] == 15


def test_renamed_journal_is_recorded_and_followed(tmp_path: Path) -> None:
    result = crawl(["old_name"], tmp_path)
    assert result.returncode == exitcodes.OK, result.stderr[-3000:]
    db = result.db()
    old = db.execute("select status, renamed_to from journals where username='old_name'")
    assert tuple(old.fetchone()) == ("renamed", "new_name")
    assert db.execute("select count(*) from posts where journal='new_name'").fetchone()[0] == 11


def test_adult_journal_is_crawled_with_the_cookie(tmp_path: Path) -> None:
    result = crawl(["adult_notes"], tmp_path)
    assert result.returncode == exitcodes.OK, result.stderr[-3000:]
    posts = result.db().execute("select count(*) from posts where journal='adult_notes'")
    assert posts.fetchone()[0] == 12


def test_parse_command_prints_json_lines(tmp_path: Path) -> None:
    page = ROOT / "archiver" / "sample" / "data" / "kelijah-266579-schemius.html"
    done = run_archiver("parse", str(page), "--url", "https://kelijah.livejournal.com/266579.html")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    post = next(r for r in records if r["type"] == "post")
    assert (post["ditemid"], post["tags"]) == (266579, ["github", "nlp"])
    policy = next(r for r in records if r["type"] == "comment_policy")
    assert policy["anonymous_allowed"] is False


def test_parse_command_dates_the_widget_by_the_page_it_reads(tmp_path: Path) -> None:
    """Without --captured-at, a year-less widget date takes its year from the page's server_time."""
    from archiver.sample import routes

    site = build_site(0, 60)
    seed = next(p for p in site.journals["zloy_odessit"].posts if p.title == "Afghan Trap 2.0")
    url = seed.url + "?format=light"
    page = tmp_path / "seed.html"
    page.write_bytes(routes.respond(site, routes.Request("GET", url)).body)
    done = run_archiver("parse", str(page), "--url", url)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    promoted = next(r for r in records if r["type"] == "recent_post" and r["promoted"])
    assert (promoted["date_text"], promoted["date"]) == (
        "Вересень 30, 19:05",
        "2021-09-30T19:05:00",
    )


def test_readme_scrapy_command_crawls_the_sample_journal(tmp_path: Path) -> None:
    """The README's `scrapy crawl journal -a journal=NAME -s ARCHIVER_PROXY=...`, run as written."""
    readme = (ROOT / "README.md").read_text()
    assert "scrapy crawl journal -a journal=zloy_odessit -s ARCHIVER_PROXY=" in readme
    site = build_site(0, 60)
    with running_server(site=site) as server:
        done = subprocess.run(
            [
                str(Path(sys.executable).parent / "scrapy"),
                "crawl",
                "journal",
                "-a",
                "journal=zloy_odessit",
                "-s",
                f"ARCHIVER_PROXY={server.proxy_url}",
                "-s",
                f"ARCHIVER_OUTPUT={tmp_path}",
                *FAST,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
        )
    assert done.returncode == exitcodes.OK, done.stderr[-3000:]
    public = [
        r
        for r in iter_manifest(site)
        if r["type"] == "post" and r["journal"] == "zloy_odessit" and r["security"] == "public"
    ]
    db = sqlite3.connect(tmp_path / "archive.db")
    assert db.execute("select count(*) from posts").fetchone()[0] == len(public)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [([], "name a journal"), (["-a", "journal=no such/name"], "not a LiveJournal username")],
)
def test_scrapy_crawl_with_bad_arguments_exits_2(arguments: list[str], message: str) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "scrapy"), "crawl", "journal", *arguments],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == exitcodes.BAD_ARGUMENTS
    assert message in done.stderr + done.stdout
    assert "Traceback" not in done.stderr


def test_rate_limited_crawl_exits_with_its_own_code(tmp_path: Path) -> None:
    faults = FaultOptions(throttle_requests=100_000, retry_after=0)
    with running_server(site=build_site(0, 60), faults=faults) as server:
        done = run_archiver(
            "crawl",
            "zloy_odessit",
            "--output",
            str(tmp_path),
            "--proxy",
            server.proxy_url,
            "-s",
            "ARCHIVER_RATE_LIMIT_RETRIES=2",
            *FAST,
        )
    assert done.returncode == exitcodes.RATE_LIMITED, done.stdout + done.stderr[-2000:]
    assert "429" in done.stdout
    db = sqlite3.connect(tmp_path / "archive.db")
    kinds = {row[0] for row in db.execute("select kind from errors")}
    assert kinds == {"rate-limited"}
    status = db.execute("select status from journals where username = 'zloy_odessit'").fetchone()
    assert status is None or status[0] != "unreachable"


def test_a_second_run_on_a_locked_output_exits_at_once_and_changes_nothing(
    tmp_path: Path,
) -> None:
    from archiver.archive.lock import output_lock

    first = crawl(["tea_club"], tmp_path)
    assert first.returncode == exitcodes.OK
    database = tmp_path / "archive.db"
    before = database.read_bytes()
    warcs = sorted((tmp_path / "warc").iterdir())
    with output_lock(tmp_path):  # as a running crawl holds it
        second = crawl(["tea_club"], tmp_path)
        scrapy = subprocess.run(
            [
                *(str(Path(sys.executable).parent / "scrapy"), "crawl", "journal"),
                *("-a", "journal=tea_club", "-s", f"ARCHIVER_OUTPUT={tmp_path}"),
                *("-s", "ARCHIVER_CONTACT_URL=mailto:operator@example.org"),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        verify = run_archiver("verify", str(tmp_path))
    assert verify.returncode == exitcodes.LOCK_HELD and "this run did nothing" in verify.stderr
    for done in (second, scrapy):
        assert done.returncode == exitcodes.LOCK_HELD
        assert f"pid {os.getpid()}" in done.stdout and "this run did nothing" in done.stdout
    assert database.read_bytes() == before
    assert sorted((tmp_path / "warc").iterdir()) == warcs
    assert first.db().execute("select count(*) from crawl_runs").fetchone()[0] == 1


def test_every_comment_is_archived(bulk_crawl: Crawl) -> None:
    """Comments on further pages (?page=N) and in folded threads (?thread=ID) too."""
    from archiver.sample.content import comments_of

    site = build_site(0, BULK_POSTS)
    for journal in ("zloy_odessit", "bulk_journal"):
        expected = {
            (c.talkid, p.ditemid, c.state)
            for p in site.journals[journal].public_posts
            for c in comments_of(p)
        }
        rows = bulk_crawl.db().execute(
            "select talkid, ditemid, state from comments where journal = ?", [journal]
        )
        assert {tuple(r) for r in rows} == expected, journal
    runs = bulk_crawl.db().execute("select unchanged_posts from crawl_runs").fetchall()
    assert [r[0] for r in runs] == [0]  # comment pages do not count as the post seen again
