"""Rows committed in batches (issue 14): what a kill between two commits costs, and how the next
run gets it back from the WARC files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver import exitcodes, store
from archiver.archive.unrecorded import record_unrecorded
from archiver.sample.content import build_site
from archiver.sample.faults import FaultOptions
from archiver.sample.server import RunningServer, running_server

FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]
CAPTURE_COLUMNS = (
    "url, status, content_type, warc_file, warc_offset, warc_length, record_id, "
    "payload_digest, fetched_at, run_id, record_type, refers_to, logged_in_as"
)


def crawl_command(server: RunningServer, output: Path, *args: str) -> list[str]:
    command = [sys.executable, "-m", "archiver.cli", "crawl", "zloy_odessit", *args]
    return [*command, "--output", str(output), "--proxy", server.proxy_url, *FAST]


def test_a_batch_commits_only_once_it_is_due(tmp_path: Path) -> None:
    db = store.open_db(tmp_path / "archive.db")
    now = [100.0]
    batch = store.WriteBatch(db, seconds=5, clock=lambda: now[0])
    batch.begin()
    store.start_run(db, "2026-12-02T08:00:00+00:00", ["zloy_odessit"])  # a savepoint inside
    other = sqlite3.connect(tmp_path / "archive.db")
    runs = "select count(*) from crawl_runs"
    now[0] = 104.9
    assert not batch.commit_if_due()
    assert other.execute(runs).fetchone() == (0,)  # not committed: another reader sees nothing
    now[0] = 105.0
    assert batch.commit_if_due()
    assert other.execute(runs).fetchone() == (1,)
    assert batch.is_open and batch.commits == 1
    batch.commit()
    assert not db.conn.in_transaction


def test_records_the_database_lost_get_their_captures_rows_again(
    sample_server: RunningServer, tmp_path: Path
) -> None:
    command = crawl_command(sample_server, tmp_path)
    assert subprocess.run(command, capture_output=True).returncode == exitcodes.OK
    db = store.open_db(tmp_path / "archive.db")
    before = db.execute(f"select id, {CAPTURE_COLUMNS} from captures order by id").fetchall()
    # As a kill between two commits leaves it: the last 25 captures rows were never committed.
    lost = before[-25:]
    db.execute("PRAGMA foreign_keys = OFF")  # the rows of those pages name them; they come back
    db.execute("delete from captures where id >= ?", [lost[0][0]])
    db.execute("update crawl_runs set ended_at = null")
    db.conn.commit()
    current = store.start_run(db, "2099-01-01T00:00:00+00:00", ["zloy_odessit"])
    found = record_unrecorded(db, tmp_path / "warc", current)
    assert found.captures == 25 and found.problems == []
    after = db.execute(f"select id, {CAPTURE_COLUMNS} from captures order by id").fetchall()
    assert after == before  # the same rows, ids, run and all
    # To be read back (NULL); a response cut short (under load, and retried) never (0).
    cut_short = _truncated_record_ids(tmp_path / "warc") & {row[7] for row in lost}
    states = "select parsed, count(*) from captures where id >= ? group by parsed"
    expected = {None: 25 - len(cut_short), 0: len(cut_short)}
    assert dict(db.execute(states, [lost[0][0]]).fetchall()) == {
        k: v for k, v in expected.items() if v
    }
    again = record_unrecorded(db, tmp_path / "warc", current)
    assert again.captures == 0  # nothing twice


def _truncated_record_ids(warcs: Path) -> set[str]:
    ids = set()
    for path in sorted(warcs.glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_headers.get_header("WARC-Truncated"):
                    ids.add(record.rec_headers.get_header("WARC-Record-ID"))
    return ids


def test_a_crawl_killed_between_commits_loses_no_page(tmp_path: Path) -> None:
    """SIGKILL with a whole batch uncommitted: the next run gives its records captures rows and
    reads its post pages back from the WARC instead of fetching them again."""
    output = tmp_path / "out"
    site = build_site(0, 60)
    with running_server(site=site, faults=FaultOptions(latency_ms=10)) as server:
        killed = subprocess.Popen(
            crawl_command(server, output, "-s", "ARCHIVER_COMMIT_SECONDS=600"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        warc_posts: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(warc_posts) < 20:
            time.sleep(0.2)
            warc_posts = _post_pages_in_warc(output / "warc")
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait()
        warc_posts = _post_pages_in_warc(output / "warc")
        assert len(warc_posts) >= 20
        db = sqlite3.connect(output / "archive.db")
        assert db.execute("select count(*) from posts").fetchone() == (0,)  # nothing committed
        resumed = subprocess.run(crawl_command(server, output), capture_output=True, text=True)
    assert resumed.returncode == exitcodes.OK, resumed.stdout[-2000:]
    archived = {url for (url,) in db.execute("select url from posts")}
    assert set(warc_posts) <= archived
    marks = ",".join("?" * len(warc_posts))
    again = f"select url from captures where run_id = 2 and url in ({marks})"
    refetched = {url for (url,) in db.execute(again, warc_posts)}
    assert refetched == set()  # read back from the killed run's records, not fetched again
    runs = db.execute("select id, outcome from crawl_runs order by id").fetchall()
    assert runs == [(1, "killed"), (2, "success")]


def _post_pages_in_warc(directory: Path) -> list[str]:
    """The post pages (no query) whose whole response records are in the WARC files."""
    found: list[str] = []
    for path in sorted(directory.glob("*.warc.gz")):
        try:
            with open(path, "rb") as stream:
                for record in ArchiveIterator(stream):
                    url = record.rec_headers.get_header("WARC-Target-URI") or ""
                    if record.rec_type == "response" and url.endswith(".html"):
                        record.content_stream().read()
                        found.append(url)
        except Exception:  # the record being written: the ones before it count
            pass
    return found
