"""End to end: a real crawl's WARC files, read back by warcio, cdxj-indexer, FastWARC and pywb."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastwarc.warc import ArchiveIterator as FastArchiveIterator
from replay_support import pywb_replaying
from warcio.archiveiterator import ArchiveIterator

from archiver import exitcodes
from archiver.archive.verify import gzip_members
from archiver.archive.warc import file_index, index_warcs, warc_files, write_cdxj_index
from archiver.archive.warc_records import split_message
from archiver.sample.content import build_site
from archiver.sample.faults import FaultOptions
from archiver.sample.server import running_server

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]
CONTACT = "https://archive-operator.example/contact"
JOURNALS = ["zloy_odessit", "kelijah", "alstrangers", "adult_notes"]


@dataclass(frozen=True)
class Archive:
    output: Path
    sent: dict[str, list[bytes]]  # what the sample server wrote, by URL

    def db(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.output / "archive.db")
        connection.row_factory = sqlite3.Row
        return connection

    def files(self) -> list[Path]:
        return warc_files(self.output / "warc")

    def records(self) -> Iterator[tuple[Path, Any]]:
        for path in self.files():
            with open(path, "rb") as stream:
                yield from ((path, record) for record in ArchiveIterator(stream))


def run_crawl(output: Path, proxy: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *(sys.executable, "-m", "archiver.cli", "crawl", *JOURNALS),
            *("--output", str(output), "--proxy", proxy),
            *("-s", f"ARCHIVER_CONTACT_URL={CONTACT}", *FAST, *extra),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )


def crawl_archive(output: Path, faults: FaultOptions | None = None, times: int = 1) -> Archive:
    with running_server(site=build_site(0, 60), faults=faults, keep_sent=True) as server:
        for run in range(times):
            # A later run lists everything again (--full), so every page has a second capture.
            done = run_crawl(output, server.proxy_url, *(["--full"] if run else []))
            # alstrangers is blocked (451): the crawl says so with its own exit code.
            assert done.returncode == exitcodes.JOURNAL_UNAVAILABLE, done.stderr[-3000:]
            time.sleep(1.1)  # the second run's captures get a later 14-digit timestamp
        assert server.server.sent is not None
        return Archive(output, dict(server.server.sent))


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """Crawled twice: the second run finds every payload unchanged and writes revisits."""
    return crawl_archive(tmp_path_factory.mktemp("plain"), times=2)


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    faults = FaultOptions(gzip=True, chunked=True)
    return crawl_archive(tmp_path_factory.mktemp("encoded"), faults)


def payload_digest(message: bytes) -> str:
    """The WARC-Payload-Digest of a plain (not chunked, not encoded) HTTP message's body."""
    _head, body = split_message(message)
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


def response_blocks(archive: Archive) -> dict[str, list[bytes]]:
    """Each response record's HTTP block (head and body as stored), by URL."""
    blocks: dict[str, list[bytes]] = {}
    for path, member in ((p, m) for p in archive.files() for m in gzip_members(p)):
        with open(path, "rb") as stream:
            stream.seek(member.start)
            raw = zlib.decompress(stream.read(member.end - member.start), wbits=31)
        head, _, block = raw.partition(b"\r\n\r\n")
        if b"WARC-Type: response" in head:
            url = next(
                line.split(b": ", 1)[1].decode()
                for line in head.split(b"\r\n")
                if line.startswith(b"WARC-Target-URI: ")
            )
            blocks.setdefault(url, []).append(block.removesuffix(b"\r\n\r\n"))
    return blocks


# ---------------------------------------------------------------- the tools of the trade


@pytest.mark.parametrize("which", ["plain", "encoded"])
def test_warcio_checks_and_indexes_every_file(which: str, request: pytest.FixtureRequest) -> None:
    archive: Archive = request.getfixturevalue(which)
    files = [str(p) for p in archive.files()]
    assert files
    check = subprocess.run([BIN / "warcio", "check", "-v", *files], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout[-3000:]
    assert "digest pass" in check.stdout
    index = subprocess.run([BIN / "warcio", "index", *files], capture_output=True, text=True)
    assert index.returncode == 0
    indexed = [json.loads(line) for line in index.stdout.splitlines()]
    assert len(indexed) == sum(1 for _ in archive.records())


@pytest.mark.parametrize("which", ["plain", "encoded"])
def test_cdxj_indexer_indexes_every_capture(which: str, request: pytest.FixtureRequest) -> None:
    archive: Archive = request.getfixturevalue(which)
    done = subprocess.run(
        [BIN / "cdxj-indexer", *map(str, archive.files())], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    captures = archive.db().execute("select count(*) from captures").fetchone()[0]
    # cdxj-indexer indexes response and revisit records (requests are joined to them).
    assert len(lines) == captures
    ours = (archive.output / "warc" / "index.cdxj").read_text().splitlines()
    assert sorted(ours) == sorted(lines)


@pytest.mark.parametrize("which", ["plain", "encoded"])
def test_each_file_index_written_by_the_crawl_is_cdxj_indexers(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    archive: Archive = request.getfixturevalue(which)
    for path in archive.files():
        again = index_warcs([path], tmp_path / f"{path.name}.cdxj", root=path.parent)
        assert file_index(path).read_bytes() == again.read_bytes(), path.name


@pytest.mark.parametrize("which", ["plain", "encoded"])
def test_fastwarc_reads_every_record_and_verifies_digests(
    which: str, request: pytest.FixtureRequest
) -> None:
    archive: Archive = request.getfixturevalue(which)
    ours = sum(1 for _ in archive.records())
    seen = 0
    for path in archive.files():
        with open(path, "rb") as stream:
            for record in FastArchiveIterator(stream, parse_http=False):
                seen += 1
                assert record.verify_block_digest(), (path, record.record_id)
        with open(path, "rb") as stream:
            for record in FastArchiveIterator(stream, parse_http=True):
                if record.headers.get("WARC-Type") in ("response", "request"):
                    assert record.verify_payload_digest(), (path, record.record_id)
    assert seen == ours


@pytest.mark.parametrize("which", ["plain", "encoded"])
def test_archiver_verify_passes(which: str, request: pytest.FixtureRequest) -> None:
    archive: Archive = request.getfixturevalue(which)
    done = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "verify", str(archive.output)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout
    assert "OK: every record is complete" in done.stdout
    count = archive.db().execute("select count(*) from captures").fetchone()[0]
    assert f"captures:   {count} rows checked" in done.stdout


# ---------------------------------------------------------------- raw bytes, as sent


@pytest.mark.parametrize("which", ["plain", "encoded"])
def test_response_records_hold_the_bytes_the_server_sent(
    which: str, request: pytest.FixtureRequest
) -> None:
    archive: Archive = request.getfixturevalue(which)
    blocks = response_blocks(archive)
    assert len(blocks) > 100
    cut = {
        record.rec_headers.get_header("WARC-Target-URI")
        for _path, record in archive.records()
        if record.rec_headers.get_header("WARC-Truncated")
    }
    for url, stored in blocks.items():
        for block in stored:
            # A resource over the size cap is kept as far as it was read, marked truncated.
            whole = block in archive.sent[url]
            assert whole or (url in cut and any(s.startswith(block) for s in archive.sent[url]))


def test_real_status_line_and_repeated_headers_are_kept(plain: Archive) -> None:
    blocks = response_blocks(plain)
    blocked = blocks["https://alstrangers.livejournal.com/"][0]
    assert blocked.startswith(b"HTTP/1.0 404 xxx\r\n")  # LiveJournal's real 451 answer
    page = blocks["https://zloy-odessit.livejournal.com/"][0]
    head = split_message(page)[0]
    assert head.count(b"\r\nSet-Cookie: ") == 2
    assert b"\r\nConnection: keep-alive\r\n" in head


def test_encoded_bodies_are_stored_before_decoding(encoded: Archive) -> None:
    page = response_blocks(encoded)["https://zloy-odessit.livejournal.com/"][0]
    head, body = split_message(page)
    assert b"\r\nContent-Encoding: gzip\r\n" in head
    assert b"\r\nTransfer-Encoding: chunked\r\n" in head
    size_line, _, rest = body.partition(b"\r\n")
    assert int(size_line, 16) > 0 and rest.startswith(b"\x1f\x8b")
    # warcio undoes the chunking and the gzip: the page the server rendered, byte for byte.
    sent = encoded.sent["https://zloy-odessit.livejournal.com/"][0]
    sent_body = split_message(sent)[1]
    assert b"".join(dechunk(sent_body)) == b"".join(dechunk(body))
    for _path, record in encoded.records():
        url = record.rec_headers.get_header("WARC-Target-URI")
        if url == "https://zloy-odessit.livejournal.com/" and record.rec_type == "response":
            html = record.content_stream().read()
            assert html == gzip.decompress(b"".join(dechunk(sent_body)))
            assert b"zloy_odessit" in html


def dechunk(body: bytes) -> Iterator[bytes]:
    while body:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return
        yield body[:size]
        body = body[size + 2 :]


def test_request_records_are_the_requests_as_sent(plain: Archive) -> None:
    requests: dict[str, bytes] = {}
    for _path, record in plain.records():
        if record.rec_type == "request":
            url = record.rec_headers.get_header("WARC-Target-URI")
            requests[url] = record.http_headers.to_bytes()
    light = next(u for u in requests if u.endswith("?format=light"))
    head = requests[light]
    path = light.split(".livejournal.com", 1)[1]
    assert head.startswith(f"GET {path} HTTP/1.1\r\n".encode())
    assert f"\r\nHost: {light.split('/')[2]}\r\n".encode() in head
    assert b"adult_explicit=1" in head  # the cookie that passes the adult notice
    assert f"User-Agent: archiver/0.1.0 (+{CONTACT})".encode() in head
    assert "https://zloy-odessit.livejournal.com/robots.txt" in requests


def test_records_carry_the_headers_replay_needs(plain: Archive) -> None:
    responses: dict[str, str] = {}
    for _path, record in plain.records():
        headers = record.rec_headers
        if record.rec_type in ("response", "revisit"):
            # A download that failed half-way (over the size cap) never learnt its peer.
            if not headers.get_header("WARC-Truncated"):
                assert headers.get_header("WARC-IP-Address") == "127.0.0.1"
            assert headers.get_header("WARC-Payload-Digest").startswith("sha1:")
            date = headers.get_header("WARC-Date")
            assert len(date) == len("2021-10-10T12:00:00.123456Z")
            responses[headers.get_header("WARC-Record-ID")] = date
        elif record.rec_type == "request":
            assert headers.get_header("WARC-Concurrent-To") in responses
        elif record.rec_type == "warcinfo":
            info = record.content_stream().read().decode()
            assert "software: archiver/0.1.0" in info and "zloy_odessit" in info
            assert "robots: obey" in info and f"(+{CONTACT})" in info
            assert '"CONCURRENT_REQUESTS_PER_DOMAIN": "8"' in info


# ---------------------------------------------------------------- revisits and captures


def test_second_crawl_writes_revisits_that_refer_to_the_first(plain: Archive) -> None:
    db = plain.db()
    runs = [r[0] for r in db.execute("select id from crawl_runs order by id")]
    assert len(runs) == 2
    first = {
        r["record_id"]: r for r in db.execute("select * from captures where run_id = ?", [runs[0]])
    }
    second = db.execute("select * from captures where run_id = ?", [runs[1]]).fetchall()
    revisits = [r for r in second if r["record_type"] == "revisit"]
    assert len(revisits) > 100
    assert all(r["refers_to"] in first for r in revisits)
    # A page's revisit refers to its own URL; a requisite's may refer to the same body under
    # another URL (one 404 page for several missing pictures).
    requisites = {url for (url,) in db.execute("select url from media")}
    assert all(
        first[r["refers_to"]]["url"] == r["url"] for r in revisits if r["url"] not in requisites
    )
    assert requisites and any(r["url"] in requisites for r in revisits)
    assert all(first[r["refers_to"]]["payload_digest"] == r["payload_digest"] for r in revisits)


def test_every_parsed_row_links_to_its_capture(plain: Archive) -> None:
    db = plain.db()
    posts = db.execute(
        "select posts.url, captures.url as captured from posts join captures "
        "on captures.id = posts.capture_id"
    ).fetchall()
    assert len(posts) == db.execute("select count(*) from posts").fetchone()[0]
    assert all(r["captured"].split("?")[0] == r["url"] for r in posts)
    for table in ("comment_policies", "recent_post_snapshots", "comments"):
        unlinked = db.execute(f"select count(*) from {table} where capture_id is null")
        assert unlinked.fetchone()[0] == 0, table


def test_files_rotate_at_the_configured_size(tmp_path: Path) -> None:
    with running_server(site=build_site(0, 60)) as server:
        done = run_crawl(tmp_path, server.proxy_url, "-s", "ARCHIVER_WARC_MAX_BYTES=150000")
    assert done.returncode == exitcodes.JOURNAL_UNAVAILABLE, done.stderr[-2000:]
    files = warc_files(tmp_path / "warc")
    assert len(files) >= 4
    serials = [p.name.rsplit("-", 1)[1] for p in files]
    assert serials == [f"{n:05d}.warc.gz" for n in range(len(files))]
    for path in files:
        with open(path, "rb") as stream:
            assert next(iter(ArchiveIterator(stream))).rec_type == "warcinfo"
        # A file is closed at the first exchange that finds it full: at most one over.
        assert path.stat().st_size < 150000 + 200_000
    # Each file has its own index, and index.cdxj is theirs merged: exactly what indexing every
    # file at once gives, order included.
    warcs = tmp_path / "warc"
    whole = index_warcs(files, tmp_path / "whole.cdxj", root=warcs).read_bytes()
    assert (warcs / "index.cdxj").read_bytes() == whole
    assert all(file_index(path).stat().st_size > 0 for path in files)
    # Indexing again reads only a file that changed since its index was written.
    written = {path: file_index(path).stat().st_mtime_ns for path in files}
    changed = files[1]
    os.utime(changed, ns=(time.time_ns(), time.time_ns() + 10**9))
    write_cdxj_index(warcs)
    again = {path: file_index(path).stat().st_mtime_ns for path in files}
    assert [p for p in files if again[p] != written[p]] == [changed]
    assert (warcs / "index.cdxj").read_bytes() == whole


# ---------------------------------------------------------------- a killed crawl


def test_a_killed_crawl_leaves_readable_records_and_verify_names_the_rest(tmp_path: Path) -> None:
    faults = FaultOptions(latency_ms=5)
    with running_server(site=build_site(0, 2000), faults=faults) as server:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "archiver.cli", "crawl", "bulk_journal"),
                *("--output", str(tmp_path), "--proxy", server.proxy_url, *FAST),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        warc_dir = tmp_path / "warc"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if sum(p.stat().st_size for p in warc_files(warc_dir)) > 1_500_000:
                break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL
    (path,) = warc_files(warc_dir)
    members = list(gzip_members(path))
    complete = [m for m in members if m.complete]
    assert len(complete) > 100
    with open(path, "rb") as stream:
        read = sum(1 for _ in ArchiveIterator(stream, check_digests=True))
    assert read >= len(complete)
    # Make sure verify meets a half-written record: cut the file inside its last record.
    cut = complete[-1].start + (complete[-1].end - complete[-1].start) // 2
    with open(path, "r+b") as stream:
        stream.truncate(cut)
    done = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "verify", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == exitcodes.VERIFY_FAILED
    assert f"incomplete record at offset {complete[-1].start}" in done.stdout
    for member in complete[:-1]:
        with open(path, "rb") as stream:
            stream.seek(member.start)
            assert next(iter(ArchiveIterator(stream, check_digests=True))).rec_type


# ---------------------------------------------------------------- replay in pywb


def timestamp14(warc_date: str) -> str:
    return "".join(ch for ch in warc_date if ch.isdigit())[:14]


def sent_entity(wire: bytes) -> bytes:
    """The body the sample server sent, with the chunking undone (the content coding kept)."""
    head, body = split_message(wire)
    return b"".join(dechunk(body)) if b"Transfer-Encoding: chunked" in head else body


@pytest.mark.parametrize("which", ["plain", "encoded"])
def test_pywb_replays_every_archived_post_page(
    which: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    archive: Archive = request.getfixturevalue(which)
    captures = (
        archive.db()
        .execute(
            "select captures.url, captures.fetched_at, captures.record_type from captures "
            "join posts on posts.url = captures.url where captures.status = 200"
        )
        .fetchall()
    )
    kinds = {r["record_type"] for r in captures}
    assert kinds == ({"response", "revisit"} if which == "plain" else {"response"})
    with pywb_replaying(archive.files(), tmp_path) as replay:
        for capture in captures:
            status, headers, body = replay.get(timestamp14(capture["fetched_at"]), capture["url"])
            assert status == 200, capture["url"]
            sent = sent_entity(archive.sent[capture["url"]][0])
            if headers.get("content-encoding") == "gzip":
                assert body == sent, capture["url"]
            else:
                expected = gzip.decompress(sent) if which == "encoded" else sent
                assert body == expected, capture["url"]
            page = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
            assert b"</html>" in page and len(page) > 2000, capture["url"]


def test_a_body_cut_short_is_kept_and_marked_truncated(tmp_path: Path) -> None:
    faults = FaultOptions(truncate_rate=0.2, fail_attempts=1)
    with running_server(site=build_site(0, 60), faults=faults, keep_sent=True) as server:
        done = run_crawl(tmp_path, server.proxy_url)
        sent = dict(server.server.sent or {})
    assert done.returncode == exitcodes.JOURNAL_UNAVAILABLE, done.stderr[-2000:]
    archive = Archive(tmp_path, sent)
    truncated = [
        record
        for _path, record in archive.records()
        if record.rec_headers.get_header("WARC-Truncated") == "disconnect"
    ]
    assert len(truncated) > 10
    blocks = response_blocks(archive)
    revisits = {
        record.rec_headers.get_header("WARC-Target-URI"): record.rec_headers.get_header(
            "WARC-Payload-Digest"
        )
        for _path, record in archive.records()
        if record.rec_type == "revisit"
    }
    for record in truncated:
        url = record.rec_headers.get_header("WARC-Target-URI")
        # The first attempt was cut short: stored as sent, shorter than its Content-Length.
        first, *later = sent[url]
        assert first in blocks[url], url
        head, body = split_message(first)
        declared = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        assert len(body) < declared
        # The retry got the whole page, which the archive holds too: as a response, or, for a
        # requisite whose bytes another URL already gave (combo stylesheets), as a revisit.
        assert later, url
        assert later[0] in blocks[url] or revisits.get(url) == payload_digest(later[0]), url
    # A body cut short is never read back into rows by a later run.
    with sqlite3.connect(tmp_path / "archive.db") as db:
        cut = db.execute(
            "select count(*), sum(parsed = 0) from captures c where exists (select 1 from "
            "captures r where r.url = c.url and r.id > c.id) and c.url like '%.html'"
        ).fetchone()
    assert cut[0] > 0 and cut[1] > 0
    verify = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "verify", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert verify.returncode == 0, verify.stdout
