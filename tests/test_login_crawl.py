"""End to end with a login: `archiver login` against the sample LiveJournal, a logged-in crawl
of the owner's journal, the secrets kept out of every byte written, a session that ends mid-run,
and the public-only copies for sharing."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_wacz import fetch, replay_tool, wayback
from warcio.archiveiterator import ArchiveIterator

from archiver import exitcodes, urls
from archiver.account.session_file import read_session
from archiver.archive.public import write_public_copy
from archiver.archive.redact import REDACTED
from archiver.sample.accounts import ACCOUNTS
from archiver.sample.content import Site, build_site, iter_manifest
from archiver.sample.faults import FaultOptions
from archiver.sample.server import running_server

ROOT = Path(__file__).resolve().parents[1]
OWNER = "zloy_odessit"
OWNER_HOST = urls.journal_host(OWNER)
PASSWORD = ACCOUNTS[OWNER].password
FAST = ("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16")


def archiver(
    *args: str | Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


def login_env(user: str = OWNER, password: str = PASSWORD) -> dict[str, str]:
    return {"ARCHIVER_LJ_USER": user, "ARCHIVER_LJ_PASSWORD": password}


def readable(site: Site, user: str | None) -> dict[int, str]:
    """ditemid -> security of the owner's journal's posts `user` may read (None: logged out)."""
    records = iter_manifest(site, user) if user else iter_manifest(site)
    return {
        int(r["ditemid"]): str(r["security"])  # type: ignore[call-overload]
        for r in records
        if r["type"] == "post" and r["journal"] == OWNER and (user or r["security"] == "public")
    }


@dataclass
class Crawled:
    site: Site
    owner: Path  # logged in as the owner
    logged_out: Path
    login: subprocess.CompletedProcess[str]
    crawl: subprocess.CompletedProcess[str]
    logged_out_crawl: subprocess.CompletedProcess[str]

    def db(self, output: Path) -> sqlite3.Connection:
        return sqlite3.connect(output / "archive.db")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawled]:
    site = build_site(0, 40)
    owner = tmp_path_factory.mktemp("owner")
    out = tmp_path_factory.mktemp("logged-out")
    with running_server(site=site) as server:
        login = archiver("login", "--output", owner, "--proxy", server.proxy_url, env=login_env())
        # kelijah too: its pages include real ones served verbatim, and none of its non-public
        # posts is readable by the owner of zloy_odessit.
        crawl = archiver(
            "crawl", OWNER, "kelijah", "--output", owner, "--proxy", server.proxy_url, *FAST
        )
        plain = archiver("crawl", OWNER, "--output", out, "--proxy", server.proxy_url, *FAST)
    yield Crawled(site, owner, out, login, crawl, plain)


def test_login_keeps_the_session_beside_the_warcs_mode_0600(crawled: Crawled) -> None:
    assert crawled.login.returncode == 0, crawled.login.stderr
    path = crawled.owner / ".session"
    assert crawled.login.stdout == f"logged in as {OWNER}; the session is in {path} (mode 0600)\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    session = read_session(crawled.owner)
    assert session is not None and session.user == OWNER and session.source == "login"
    names = {c.name for c in session.cookies}
    assert {"ljloggedin", "ljmastersession", "ljsession"} <= names
    assert not list((crawled.owner / "warc").glob(".session*"))


def test_a_wrong_password_is_refused_with_livejournals_error(tmp_path: Path) -> None:
    with running_server(site=build_site(0, 5)) as server:
        done = archiver(
            "login",
            "--output",
            tmp_path,
            "--proxy",
            server.proxy_url,
            env=login_env(password="not-the-password"),
        )
    assert done.returncode == exitcodes.FAILED
    assert done.stderr.startswith(f"error: LiveJournal refused the login of {OWNER}: ")
    assert "Bad password" in done.stderr
    assert not (tmp_path / ".session").exists()


def test_no_terminal_and_no_variables_is_a_clear_usage_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_LJ_")}
    done = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "login", "--output", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == exitcodes.BAD_ARGUMENTS
    assert "no terminal to ask on: set ARCHIVER_LJ_USER" in done.stderr


def test_the_logged_in_crawl_archives_every_post_the_owner_may_read(crawled: Crawled) -> None:
    assert crawled.crawl.returncode == exitcodes.OK, crawled.crawl.stderr[-3000:]
    expected = readable(crawled.site, OWNER)
    assert {"friends", "private", "custom"} <= set(expected.values())
    with crawled.db(crawled.owner) as db:
        got = dict(db.execute("SELECT ditemid, security FROM posts WHERE journal = ?", [OWNER]))
        runs = db.execute("SELECT logged_in_as, outcome FROM crawl_runs").fetchall()
        page_readers = db.execute(
            "SELECT DISTINCT logged_in_as FROM captures WHERE url LIKE 'https://zloy-odessit.%'"
        ).fetchall()
    assert got == expected
    with crawled.db(crawled.owner) as db:
        kelijah = dict(db.execute("SELECT ditemid, security FROM posts WHERE journal = 'kelijah'"))
    public = {
        int(r["ditemid"]): "public"  # type: ignore[call-overload]
        for r in iter_manifest(crawled.site)
        if r["type"] == "post" and r["journal"] == "kelijah" and r["security"] == "public"
    }
    assert kelijah == public
    assert runs == [(OWNER, "success")]
    assert page_readers == [(OWNER,)]


def test_the_logged_out_crawl_archives_none_of_the_non_public_posts(crawled: Crawled) -> None:
    assert crawled.logged_out_crawl.returncode == exitcodes.OK
    with crawled.db(crawled.logged_out) as db:
        got = dict(db.execute("SELECT ditemid, security FROM posts WHERE journal = ?", [OWNER]))
    assert got == readable(crawled.site, None)
    assert set(got.values()) == {"public"}


def test_the_owner_reads_screened_comments_a_logged_out_reader_cannot(crawled: Crawled) -> None:
    query = (
        "SELECT count(*) FROM comments WHERE journal = ? AND state = 'screened' "
        "AND coalesce(body_html, '') <> ''"
    )
    with crawled.db(crawled.owner) as owner, crawled.db(crawled.logged_out) as out:
        assert owner.execute(query, [OWNER]).fetchone()[0] > 0
        assert out.execute(query, [OWNER]).fetchone()[0] == 0


def secrets_of(output: Path) -> list[str]:
    session = read_session(output)
    assert session is not None
    values = [
        c.value for c in session.cookies if c.name in ("ljloggedin", "ljmastersession", "ljsession")
    ]
    assert len(values) == 3 and all(len(v) >= 10 for v in values)
    return [PASSWORD, *values]


def every_byte(path: Path) -> Iterator[tuple[str, bytes]]:
    """Each file under `path` but .session: gzip files decompressed, ZIP entries opened."""
    for file in sorted(p for p in path.rglob("*") if p.is_file() and p.name != ".session"):
        data = file.read_bytes()
        yield str(file), data
        if file.suffix == ".gz":
            yield f"{file} (decompressed)", gzip.decompress(data)
        if file.suffix == ".wacz":
            with zipfile.ZipFile(file) as package:
                for name in package.namelist():
                    entry = package.read(name)
                    yield (
                        f"{file}!{name}",
                        gzip.decompress(entry) if name.endswith(".gz") else entry,
                    )


def test_no_secret_is_written_anywhere_but_the_session_file(
    crawled: Crawled, tmp_path: Path
) -> None:
    wacz = archiver(
        "wacz", crawled.owner, "--include-private", "--target", crawled.owner / "all.wacz"
    )
    assert wacz.returncode == 0, wacz.stderr
    secrets = secrets_of(crawled.owner)
    logs = [
        ("login output", crawled.login.stdout + crawled.login.stderr),
        ("crawl output", crawled.crawl.stdout + crawled.crawl.stderr),
    ]
    for name, data in [*every_byte(crawled.owner), *((n, t.encode()) for n, t in logs)]:
        for secret in secrets:
            assert secret.encode() not in data, f"a secret in {name}"
    # The requests did carry the session, under its names, and warcinfo says what was redacted.
    requests, warcinfo = 0, ""
    for warc in sorted((crawled.owner / "warc").glob("*.warc.gz")):
        with warc.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "warcinfo":
                    warcinfo = record.content_stream().read().decode()
                elif (
                    record.rec_type == "request"
                    and ".livejournal.com/"
                    in (record.rec_headers.get_header("WARC-Target-URI") or "")
                    and "l-stat" not in record.rec_headers.get_header("WARC-Target-URI")
                ):
                    cookie = record.http_headers.get_header("Cookie") or ""
                    if f"ljmastersession={REDACTED}" in cookie:
                        requests += 1
    assert requests > 40
    assert f"logged-in-as: {OWNER}" in warcinfo
    assert "redacted: request Cookie and response Set-Cookie headers" in warcinfo


def test_a_session_that_ends_mid_run_stops_it_and_changes_nothing(
    crawled: Crawled, tmp_path: Path
) -> None:
    output = tmp_path / "archive"
    shutil.copytree(crawled.owner, output)
    cookies = tmp_path / "cookies.txt"
    printed = archiver("sample-server", "--print-cookies", OWNER, "--cookies-file", cookies)
    assert printed.returncode == 0, printed.stderr
    # What the archive says; when things were last seen moves on with the pages read before
    # the session ended, which were served logged in.
    queries = {
        "posts": "SELECT ditemid, title, body_html, security, content_hash, deleted_in_run "
        "FROM posts ORDER BY ditemid",
        "versions": "SELECT ditemid, version, content_hash FROM post_versions ORDER BY 1, 2",
        "comments": "SELECT ditemid, talkid, state, body_html, poster FROM comments ORDER BY 1, 2",
        "locked": "SELECT ditemid, message FROM locked_posts ORDER BY 1",
        "tags": "SELECT ditemid, tag_id FROM post_tags ORDER BY 1, 2",
        "journals": "SELECT username, status FROM journals ORDER BY 1",
    }

    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        with sqlite3.connect(output / "archive.db") as db:
            return {name: db.execute(sql).fetchall() for name, sql in queries.items()}

    before = snapshot()
    faults = FaultOptions(expire_session_after=25)
    with running_server(site=crawled.site, faults=faults) as server:
        done = archiver(
            "crawl",
            OWNER,
            "--full",
            "--output",
            output,
            "--proxy",
            server.proxy_url,
            "--cookies",
            cookies,
            *FAST,
        )
    assert done.returncode == exitcodes.SESSION_EXPIRED, done.stdout + done.stderr[-3000:]
    assert f"the cookies log in as {OWNER}" in done.stdout
    assert "the LiveJournal session has ended" in done.stdout
    assert "log in again" in done.stdout
    assert snapshot() == before
    with sqlite3.connect(output / "archive.db") as db:
        run = db.execute(
            "SELECT outcome, exit_code, logged_in_as FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        unparsed = db.execute(
            "SELECT count(*) FROM captures WHERE run_id = (SELECT max(id) FROM crawl_runs) "
            "AND parsed = 0"
        ).fetchone()[0]
    assert run == ("session-expired", exitcodes.SESSION_EXPIRED, OWNER)
    assert unparsed > 0  # the pages served logged out, never to be read back


def test_cookies_that_are_not_a_login_are_refused(tmp_path: Path) -> None:
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n"
        ".livejournal.com\tTRUE\t/\tFALSE\t0\tljmastersession\tv1:u1:s2:aforged//1\n"
    )
    with running_server(site=build_site(0, 5)) as server:
        done = archiver(
            "crawl",
            OWNER,
            "--output",
            tmp_path / "out",
            "--proxy",
            server.proxy_url,
            "--cookies",
            cookies,
        )
    assert done.returncode == exitcodes.SESSION_EXPIRED
    assert "does not take the cookies" in done.stderr
    assert not (tmp_path / "out" / ".session").exists()


def test_wacz_refuses_a_logged_in_archive_without_a_choice(
    crawled: Crawled, tmp_path: Path
) -> None:
    done = archiver("wacz", crawled.owner, "--target", tmp_path / "x.wacz")
    assert done.returncode == exitcodes.BAD_ARGUMENTS
    assert "--public-only" in done.stderr and "--include-private" in done.stderr


def non_public_urls(site: Site) -> set[str]:
    return {urls.post_url(OWNER, d) for d, s in readable(site, OWNER).items() if s != "public"}


def wacz_contents(target: Path) -> tuple[set[str], int, dict[str, str], str]:
    """The record URLs (without queries), how many requests for a journal's pages carried a
    session (pictures are kept whoever fetched them), each indexed URL's timestamp, and
    pages.jsonl of the WACZ at `target`."""
    seen: set[str] = set()
    with_session = 0
    with zipfile.ZipFile(target) as package:
        for name in package.namelist():
            if name.endswith(".warc.gz"):
                with package.open(name) as stream:
                    for record in ArchiveIterator(stream):
                        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                        seen.add(uri.split("?", 1)[0])
                        journal = urls.classify(uri).journal or ""
                        if record.rec_type == "request" and urls.is_valid_username(journal):
                            cookie = record.http_headers.get_header("Cookie") or ""
                            with_session += REDACTED in cookie
        index = package.read("indexes/index.cdx").decode()
        pages = package.read("pages/pages.jsonl").decode()
    stamps = {
        json.loads(line.split(" ", 2)[2])["url"]: line.split(" ", 2)[1]
        for line in index.splitlines()
    }
    return seen, with_session, stamps, index + pages


def test_the_public_only_wacz_holds_no_record_of_a_non_public_post(
    crawled: Crawled, tmp_path: Path
) -> None:
    hidden = non_public_urls(crawled.site)
    first = tmp_path / "first.wacz"
    done = archiver("wacz", crawled.owner, "--public-only", "--target", first)
    assert done.returncode == 0, done.stderr
    # Crawled logged in only, the public posts are not in it, and the note says what to do.
    assert "public posts were fetched logged in only" in done.stderr
    assert "--logged-out --full" in done.stderr
    seen, with_session, _stamps, listed = wacz_contents(first)
    assert with_session == 0 and not seen & hidden
    assert not any(urls.classify(u).kind == "post" for u in seen if "livejournal.com/" in u)

    # A logged-out pass over the same archive fetches the public pages anyone sees.
    output = tmp_path / "archive"
    shutil.copytree(crawled.owner, output)
    with running_server(site=crawled.site) as server:
        plain = archiver(
            "crawl",
            OWNER,
            "kelijah",
            "--output",
            output,
            "--proxy",
            server.proxy_url,
            "--logged-out",
            "--full",
            *FAST,
        )
    assert plain.returncode == exitcodes.OK, plain.stderr[-3000:]
    target = tmp_path / "public.wacz"
    done = archiver("wacz", output, "--public-only", "--target", target)
    assert done.returncode == 0 and "note:" not in done.stderr, done.stderr
    seen, with_session, stamps, listed = wacz_contents(target)
    assert with_session == 0
    assert seen and not seen & hidden
    assert not any(url in listed for url in hidden)
    public = sorted(u for u in stamps if urls.classify(u).kind == "post" and OWNER_HOST in u)
    assert {urls.post_url(OWNER, d) for d in readable(crawled.site, None)} <= set(public) | {
        u.split("?", 1)[0] for u in public
    }
    with sqlite3.connect(output / "archive.db") as db:  # the logged-out pass marked nothing
        assert db.execute(
            "SELECT count(*) FROM posts WHERE deleted_in_run IS NOT NULL"
        ).fetchone() == (0,)
        assert (
            db.execute(
                "SELECT count(*) FROM comments WHERE state = 'screened' AND body_html <> ''"
            ).fetchone()[0]
            > 0
        )  # the text the owner read is still there
    replay = tmp_path / "replay"
    replay.mkdir()
    manager = replay_tool("wb-manager")
    for args in (["init", "pub"], ["add", "--unpack-wacz", "pub", str(target)]):
        added = subprocess.run([manager, *args], cwd=replay, capture_output=True, text=True)
        assert added.returncode == 0, added.stderr[-3000:]
    with wayback(replay, "pub") as base:
        for url in public[:3]:
            status, body = fetch(f"{base}/{stamps[url]}id_/{url}")
            assert status == 200 and b"b-singlepost" in body, url
            assert b'"remoteUser":"' not in body.replace(b" ", b""), url
        for url in sorted(hidden):
            assert fetch(f"{base}/{stamps[public[0]]}id_/{url}")[0] == 404, url


def test_the_public_copy_has_no_row_or_word_of_a_non_public_post(
    crawled: Crawled, tmp_path: Path
) -> None:
    copy = tmp_path / "public" / "archive.db"
    write_public_copy(crawled.owner / "archive.db", copy)
    hidden = {d for d, s in readable(crawled.site, OWNER).items() if s != "public"}
    match = (
        "SELECT p.ditemid FROM posts_fts f JOIN posts p ON p.rowid = f.rowid "
        "WHERE posts_fts MATCH ?"
    )
    # Phrases of the non-public posts' bodies that the archive finds in those posts alone.
    phrases: list[tuple[str, bytes]] = []
    with crawled.db(crawled.owner) as db:
        rows = db.execute("SELECT ditemid, body_text FROM posts WHERE security <> 'public'")
        for ditemid, body in rows.fetchall():
            words = [w for w in body.split() if w.isalpha()][:6]
            phrase = '"' + " ".join(words) + '"'
            found = {r[0] for r in db.execute(match, [phrase])}
            if found and found <= hidden:
                phrases.append((phrase, body.encode()))
            assert ditemid in hidden
    assert len(phrases) >= 4
    with sqlite3.connect(copy) as db:
        for table in ("posts", "post_versions", "comments", "post_tags", "media_links"):
            rows = db.execute(f"SELECT ditemid FROM [{table}] WHERE journal = ?", [OWNER])
            assert not {r[0] for r in rows} & hidden, table
        for phrase, _body in phrases:
            assert db.execute(match, [phrase]).fetchall() == [], phrase
    raw = copy.read_bytes()
    assert not any(body in raw for _phrase, body in phrases)


def test_a_rebuild_knows_whom_each_page_was_fetched_as(crawled: Crawled, tmp_path: Path) -> None:
    rebuilt = tmp_path / "rebuilt.db"
    done = archiver("rebuild", crawled.owner, "--into", rebuilt)
    assert done.returncode == 0, done.stdout + done.stderr
    captures = "SELECT record_id, logged_in_as FROM captures ORDER BY record_id"
    posts = "SELECT journal, ditemid, security, content_hash FROM posts ORDER BY 1, 2"
    screened = "SELECT talkid, body_html FROM comments WHERE state = 'screened' ORDER BY 1"
    with crawled.db(crawled.owner) as original, sqlite3.connect(rebuilt) as again:
        for query in (captures, posts, screened):
            assert again.execute(query).fetchall() == original.execute(query).fetchall(), query
        assert (
            again.execute(
                "SELECT count(*) FROM captures WHERE logged_in_as = ?", [OWNER]
            ).fetchone()[0]
            > 40
        )
