"""A real demo crawl, packaged as WACZ: checked by py-wacz's validator and replayed by pywb."""

from __future__ import annotations

import hashlib
import http.client
import io
import json
import os
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import time
import urllib.parse
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver import __version__
from archiver.archive.lock import LOCK_FILE, LockHeld, output_lock
from archiver.archive.verify import gzip_members
from archiver.archive.wacz import WaczError, write_wacz

ROOT = Path(__file__).resolve().parents[1]
REPLAY_BIN = ROOT / ".venv-replay" / "bin"
CREATED = datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC)  # even: ZIP times go by 2 s
PAGES_HEADER = '{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}'
DATAPACKAGE_FILES = {"datapackage.json", "datapackage-digest.json"}


@dataclass(frozen=True)
class Packaged:
    output: Path
    wacz: Path

    def db(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.output / "archive.db")
        connection.row_factory = sqlite3.Row
        return connection

    def zip(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(self.wacz)

    def pages(self) -> list[str]:
        with self.zip() as archive:
            return archive.read("pages/pages.jsonl").decode("utf-8").splitlines()

    def index(self) -> list[tuple[str, str, dict[str, str]]]:
        with self.zip() as archive:
            lines = archive.read("indexes/index.cdx").decode("utf-8").splitlines()
        split = [line.split(" ", 2) for line in lines]
        return [(key, ts, json.loads(fields)) for key, ts, fields in split]


def replay_tool(name: str) -> Path:
    tool = REPLAY_BIN / name
    assert tool.exists(), f"{tool} is missing: run `make replay-tools`"
    return tool


@pytest.fixture(scope="module")
def packaged(tmp_path_factory: pytest.TempPathFactory) -> Packaged:
    """The demo crawled twice (the second run writes a second WARC file, of revisits)."""
    output = tmp_path_factory.mktemp("demo")
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "archiver.cli", "demo", "--output", str(output)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return Packaged(output, write_wacz(output, created=CREATED))


def test_it_is_written_beside_the_archive_and_leaves_nothing_else(packaged: Packaged) -> None:
    assert packaged.wacz == packaged.output / "archive.wacz"
    names = sorted(p.name for p in packaged.output.iterdir() if p.name != LOCK_FILE)
    # No -wal, -shm or .partial file (metadata.yml is the demo's, for Datasette).
    assert names == ["archive.db", "archive.wacz", "metadata.yml", "warc"]
    assert len(list((packaged.output / "warc").glob("*.warc.gz"))) == 2


def test_py_wacz_validates_it(packaged: Packaged) -> None:
    done = subprocess.run(
        [replay_tool("wacz"), "validate", "-f", str(packaged.wacz)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Version detected as 1.1.1" in done.stdout
    assert "Validation succeeded" in done.stdout


def test_pages_list_every_post_at_its_capture(packaged: Packaged) -> None:
    header, *lines = packaged.pages()
    assert header == PAGES_HEADER
    pages = {page["id"]: page for page in map(json.loads, lines)}
    assert len(pages) == len(lines)
    posts = packaged.db().execute(
        "select p.journal, p.ditemid, p.title, c.url, c.fetched_at "
        "from posts p join captures c on c.id = p.capture_id"
    )
    expected = {
        f"post:{r['journal']}/{r['ditemid']}": {
            "id": f"post:{r['journal']}/{r['ditemid']}",
            "url": r["url"],
            "ts": r["fetched_at"][:19] + "Z",  # 2021-10-10T12:00:00.123456Z, to the second
            "title": r["title"] or r["url"],
        }
        for r in posts
    }
    total = packaged.db().execute("select count(*) from posts").fetchone()[0]
    assert len(expected) == total > 150
    assert {k: v for k, v in pages.items() if k.startswith("post:")} == expected


def test_pages_include_the_journal_front_pages(packaged: Packaged) -> None:
    pages = {page["id"]: page for page in map(json.loads, packaged.pages()[1:])}
    journals = packaged.db().execute("select username, url, title, status from journals")
    titles = {}
    for journal in journals:
        page = pages[f"journal:{journal['username']}"]
        assert page["url"] == journal["url"]
        titles[journal["username"]] = page["title"]
    assert titles["zloy_odessit"] == "Злой одессит"
    assert titles["gone_away"] == "gone_away (deleted)"
    assert titles["old_name"] == "old_name (renamed)"


def test_every_page_is_in_the_index(packaged: Packaged) -> None:
    captured = {(fields["url"], ts) for _, ts, fields in packaged.index()}
    for page in map(json.loads, packaged.pages()[1:]):
        stamp = "".join(ch for ch in page["ts"] if ch.isdigit())
        assert (page["url"], stamp) in captured, page


def test_index_covers_every_capture_and_points_into_the_stored_warcs(packaged: Packaged) -> None:
    index = packaged.index()
    captures = packaged.db().execute("select count(*) from captures").fetchone()[0]
    assert len(index) == captures
    raw = packaged.wacz.read_bytes()
    with packaged.zip() as archive:
        entries = {
            info.filename.removeprefix("archive/"): info
            for info in archive.infolist()
            if info.filename.startswith("archive/")
        }
    assert sorted(entries) == sorted(p.name for p in (packaged.output / "warc").glob("*.warc.gz"))
    assert all(info.compress_type == zipfile.ZIP_STORED for info in entries.values())
    assert {fields["filename"] for _, _, fields in index} == set(entries)
    for _, _, fields in index:
        # What a WACZ reader does: a byte range of the .wacz is one whole gzip member.
        start = data_start(raw, entries[fields["filename"]]) + int(fields["offset"])
        member = raw[start : start + int(fields["length"])]
        (record,) = list(ArchiveIterator(io.BytesIO(member)))
        assert record.rec_type in ("response", "revisit")
        assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]


def data_start(raw: bytes, info: zipfile.ZipInfo) -> int:
    """Where an entry's bytes begin in the ZIP file: after its local file header."""
    header = raw[info.header_offset : info.header_offset + 30]
    assert header[:4] == b"PK\x03\x04"
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    return int(info.header_offset + 30 + name_length + extra_length)


def test_datapackage_hashes_match_the_zipped_bytes(packaged: Packaged) -> None:
    with packaged.zip() as archive:
        names = archive.namelist()
        package = json.loads(archive.read("datapackage.json"))
        digest = json.loads(archive.read("datapackage-digest.json"))
        package_bytes = archive.read("datapackage.json")
        contents = {name: archive.read(name) for name in names}
    assert package["profile"] == "data-package"
    assert package["wacz_version"] == "1.1.1"
    assert package["created"] == "2024-05-06T07:08:10Z"
    assert package["software"] == f"archiver {__version__}"
    assert package["title"] == "LiveJournal archive of 12 journals"
    resources: list[dict[str, Any]] = package["resources"]
    assert [r["path"] for r in resources] == [n for n in names if n not in DATAPACKAGE_FILES]
    for resource in resources:
        data = contents[resource["path"]]
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)
        assert resource["name"] == resource["path"].rsplit("/", 1)[1]
    assert digest == {
        "path": "datapackage.json",
        "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest(),
    }


def test_the_same_created_gives_the_same_bytes(packaged: Packaged, tmp_path: Path) -> None:
    again = write_wacz(packaged.output, tmp_path / "again.wacz", created=CREATED)
    assert again.read_bytes() == packaged.wacz.read_bytes()
    with zipfile.ZipFile(again) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2024, 5, 6, 7, 8, 10)}
    later = write_wacz(packaged.output, tmp_path / "later.wacz", created=datetime(2025, 1, 1))
    assert later.read_bytes() != packaged.wacz.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.wacz", "later.wacz"]


def test_pywb_replays_posts_from_it(packaged: Packaged, tmp_path: Path) -> None:
    manager = replay_tool("wb-manager")
    collection = f"wacz{os.getpid()}"  # not a collection some other pywb on a port could have
    for args in (["init", collection], ["add", "--unpack-wacz", collection, str(packaged.wacz)]):
        done = subprocess.run([manager, *args], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
    # Without an index it can read, wb-manager would add no WARC file at all.
    assert len(list((tmp_path / "collections" / collection / "archive").iterdir())) == 2
    pages = [json.loads(line) for line in packaged.pages()[1:]]
    chosen = [p for p in pages if p["id"].startswith("journal:")][:2]
    chosen += [p for p in pages if p["id"].startswith("post:")][::40]
    with wayback(tmp_path, collection) as base:
        for page in chosen:
            stamp = "".join(ch for ch in page["ts"] if ch.isdigit())
            status, body = fetch(f"{base}/{stamp}id_/{page['url']}")
            expected_status, expected_body = archived(packaged, page["url"])
            assert (status, len(body)) == (expected_status, len(expected_body)), page
            assert body == expected_body, page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def wayback(directory: Path, collection: str) -> Iterator[str]:
    """pywb's `wayback` serving `directory`'s collections on a free loopback port: the
    collection's URL. Another port is tried if the free one was taken before pywb bound it."""
    for _attempt in range(3):
        port = free_port()
        base = f"http://127.0.0.1:{port}/{collection}"
        process = subprocess.Popen(
            [replay_tool("wayback"), "-b", "127.0.0.1", "-p", str(port)],
            cwd=directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while process.poll() is None and not answers(base + "/"):
                assert time.monotonic() < deadline, "wayback did not start"
                time.sleep(0.2)
            if process.poll() is None:
                yield base
                return
        finally:
            process.terminate()
            process.wait(timeout=30)
    raise AssertionError("wayback exited three times: no free port?")


def answers(url: str) -> bool:
    try:
        status, _ = fetch(url)
    except OSError:
        return False
    return status == 200


def fetch(url: str) -> tuple[int, bytes]:
    """GET on loopback as it is: no proxy from the environment, no redirect followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=60)
    try:
        connection.request("GET", url[len(f"{parts.scheme}://{parts.netloc}") :])
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def archived(packaged: Packaged, url: str) -> tuple[int, bytes]:
    """The status and body of the URL's first response record, read from the crawl's WARC."""
    query = (
        "select warc_file, warc_offset from captures "
        "where url = ? and record_type = 'response' order by id limit 1"
    )
    row = packaged.db().execute(query, [url]).fetchone()
    with open(packaged.output / "warc" / row["warc_file"], "rb") as stream:
        stream.seek(row["warc_offset"])
        record = next(iter(ArchiveIterator(stream)))
        payload: bytes = record.content_stream().read()
        return int(record.http_headers.get_statuscode()), payload


# ---------------------------------------------------------------- what cannot be packaged


def test_an_output_without_warc_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WaczError, match="no WARC files"):
        write_wacz(tmp_path)


def test_it_refuses_while_a_crawl_holds_the_output(packaged: Packaged, tmp_path: Path) -> None:
    with output_lock(packaged.output), pytest.raises(LockHeld, match="another archiver run"):
        write_wacz(packaged.output, tmp_path / "during.wacz", created=CREATED)
    assert not list(tmp_path.iterdir())


def test_a_half_written_record_is_left_out(
    packaged: Packaged, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """What a killed crawl leaves: its WARC file goes in up to the torn record."""
    shutil.copy(packaged.output / "archive.db", tmp_path / "archive.db")
    shutil.copytree(packaged.output / "warc", tmp_path / "warc")
    first = sorted((tmp_path / "warc").glob("*.warc.gz"))[0]
    *_, response, _request = gzip_members(first)
    os.truncate(first, (response.start + response.end) // 2)
    wacz = write_wacz(tmp_path, created=CREATED)
    assert f"{first.name}: leaving out the half-written record at offset {response.start}" in (
        caplog.text
    )
    with zipfile.ZipFile(wacz) as archive:
        packaged_warc = archive.read(f"archive/{first.name}")
        lines = archive.read("indexes/index.cdx").decode().splitlines()
    assert packaged_warc == first.read_bytes()[: response.start]
    captures = packaged.db().execute("select count(*) from captures").fetchone()[0]
    assert len(lines) == captures - 1
    done = subprocess.run(
        [replay_tool("wacz"), "validate", "-f", str(wacz)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:]
    names = sorted(p.name for p in tmp_path.iterdir() if p.name != LOCK_FILE)
    assert names == ["archive.db", "archive.wacz", "warc"]


def test_the_command_writes_the_same_package(packaged: Packaged, tmp_path: Path) -> None:
    """`archiver wacz OUTPUT --target FILE`, the README's command."""
    target = tmp_path / "journal.wacz"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "archiver.cli",
            "wacz",
            str(packaged.output),
            "--target",
            str(target),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{target}: {target.stat().st_size:,} bytes"
    with zipfile.ZipFile(target) as written, zipfile.ZipFile(packaged.wacz) as pinned:
        assert written.namelist() == pinned.namelist()
        for name in written.namelist():
            if name.startswith("archive/") or name.startswith("pages/"):
                assert written.read(name) == pinned.read(name), name
    missing = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "wacz", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert missing.returncode == 2
