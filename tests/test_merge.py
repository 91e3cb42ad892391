"""`archiver merge`: worker outputs folded into one archive equal one crawl of all their journals;
a journal's rows folded into a fresh worker make its next crawl there incremental."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from contextlib import closing
from pathlib import Path

import pytest
from archive_content import archive_content, same_content, table_dump

from archiver import exitcodes
from archiver.archive.merge import seed_journal
from archiver.sample.content import build_site, iter_manifest
from archiver.sample.server import RunningServer, running_server

FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]
FIRST = ["zloy_odessit", "kelijah"]
SECOND = ["tea_club", "moskvich", "adult_notes"]


def archiver(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args], capture_output=True, text=True, timeout=600
    )


def crawl(output: Path, server: RunningServer, *journals: str) -> None:
    done = archiver("crawl", *journals, "--output", str(output), "--proxy", server.proxy_url, *FAST)
    assert done.returncode == exitcodes.OK, done.stderr[-2000:]


def last_run_requests(output: Path) -> int:
    with closing(sqlite3.connect(output / "archive.db")) as db:
        (requests,) = db.execute("SELECT requests FROM crawl_runs ORDER BY id DESC").fetchone()
    return int(requests)


def run_differences(ours: Path, theirs: Path) -> tuple[list[str], list[str]]:
    """The URLs only one of two outputs' last runs fetched, to say why their counts differ."""
    ours_fetched, theirs_fetched = (_last_run_urls(output) for output in (ours, theirs))
    return sorted(ours_fetched - theirs_fetched), sorted(theirs_fetched - ours_fetched)


def _last_run_urls(output: Path) -> set[str]:
    with closing(sqlite3.connect(output / "archive.db")) as db:
        query = "SELECT url FROM captures WHERE run_id = (SELECT max(id) FROM crawl_runs)"
        return {url for (url,) in db.execute(query)}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two worker outputs of revision 0, and one crawl of all their journals."""
    root = tmp_path_factory.mktemp("merge")
    with running_server() as server:
        crawl(root / "worker-1", server, *FIRST)
        crawl(root / "worker-2", server, *SECOND)
        crawl(root / "single", server, *FIRST, *SECOND)
    return root


def test_merged_outputs_hold_what_one_crawl_of_their_journals_holds(crawled: Path) -> None:
    archive = crawled / "archive"
    done = archiver(
        "merge", str(crawled / "worker-1"), str(crawled / "worker-2"), "--into", str(archive)
    )
    assert done.returncode == exitcodes.OK, done.stderr
    assert same_content(archive / "archive.db", crawled / "single" / "archive.db") == {}
    merged = archive_content(archive / "archive.db")
    public = {
        (r["journal"], r["ditemid"])
        for r in iter_manifest(build_site(0))
        if r["type"] == "post" and r["journal"] in {*FIRST, *SECOND} and r["security"] == "public"
    }
    assert {(row[0], row[1]) for row in merged["posts"]} == public
    assert len(merged["comments"]) > 300
    assert {row[0] for row in merged["journals"]} >= {*FIRST, *SECOND}
    worker_files = sorted(
        p.name for w in ("worker-1", "worker-2") for p in (crawled / w / "warc").glob("*.warc.gz")
    )
    assert sorted(p.name for p in (archive / "warc").glob("*.warc.gz")) == worker_files
    verified = archiver("verify", str(archive))
    assert verified.returncode == exitcodes.OK, verified.stdout + verified.stderr
    # Every capture row points at its record in the merged archive's files, and the index has it.
    index = (archive / "warc" / "index.cdxj").read_text()
    with closing(sqlite3.connect(archive / "archive.db")) as db:
        files = {name for (name,) in db.execute("SELECT DISTINCT warc_file FROM captures")}
        record_count = db.execute(
            "SELECT count(*) FROM captures WHERE record_type IN ('response', 'revisit')"
        ).fetchone()[0]
    assert files == set(worker_files)
    assert index.count("\n") == record_count

    again = archiver(
        "merge", str(crawled / "worker-1"), str(crawled / "worker-2"), "--into", str(archive)
    )
    assert again.returncode == exitcodes.OK, again.stderr
    before = table_dump(archive / "archive.db")
    assert "0 rows added, 0 updated" in again.stdout.splitlines()[0]
    third = archiver(
        "merge", str(crawled / "worker-2"), str(crawled / "worker-1"), "--into", str(archive)
    )
    assert third.returncode == exitcodes.OK
    assert table_dump(archive / "archive.db") == before


def test_a_merge_while_the_worker_writes_misses_nothing_once_it_is_done(
    crawled: Path, tmp_path: Path
) -> None:
    worker, archive = tmp_path / "worker", tmp_path / "archive"
    with running_server(posts=400) as server:
        command = [
            *(sys.executable, "-m", "archiver.cli", "crawl", "bulk_journal", "zloy_odessit"),
            *("--output", str(worker), "--proxy", server.proxy_url, *FAST),
            *("-s", "ARCHIVER_COMMIT_SECONDS=0.5"),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        merges_during = 0
        stop = threading.Event()
        try:
            while process.poll() is None and not stop.is_set():
                if (worker / "archive.db").exists():
                    done = archiver("merge", str(worker), "--into", str(archive))
                    assert done.returncode in (exitcodes.OK, exitcodes.FAILED), done.stderr
                    merges_during += done.returncode == exitcodes.OK
                stop.wait(0.3)
        finally:
            assert process.wait(timeout=600) == exitcodes.OK
    assert merges_during >= 2
    done = archiver("merge", str(worker), "--into", str(archive))
    assert done.returncode == exitcodes.OK, done.stderr
    fresh = tmp_path / "fresh"
    assert archiver("merge", str(worker), "--into", str(fresh)).returncode == exitcodes.OK
    assert same_content(archive / "archive.db", fresh / "archive.db") == {}
    assert archiver("verify", str(archive)).returncode == exitcodes.OK


def test_a_journal_seeded_from_the_archive_is_crawled_incrementally_on_another_worker(
    tmp_path: Path,
) -> None:
    journals = ["zloy_odessit", "tea_club"]
    single, first, second, archive = (
        tmp_path / n for n in ("single", "first", "second", "archive")
    )
    with running_server(site=build_site(0)) as server:
        crawl(single, server, *journals)
        crawl(first, server, *journals)
    assert archiver("merge", str(first), "--into", str(archive)).returncode == exitcodes.OK
    for journal in journals:
        seeded = seed_journal(archive, second, journal)
        assert seeded.inserted["posts"] > 0
    with running_server(site=build_site(1)) as server:
        crawl(single, server, *journals)
        crawl(second, server, *journals)
    # The journals' second round on a worker that never crawled them fetches what a crawl into
    # the one output that always had them fetches: the same pages (a retry under load may
    # make one count of requests differ from the other, not the pages).
    assert run_differences(second, single) == ([], [])
    assert last_run_requests(single) < 0.5 * last_run_requests(first)
    assert archiver("merge", str(second), "--into", str(archive)).returncode == exitcodes.OK
    assert same_content(archive / "archive.db", single / "archive.db") == {}


def test_pages_a_killed_worker_archived_but_never_saved_are_read_back_from_the_archive(
    tmp_path: Path,
) -> None:
    """A worker killed between writing post pages to its WARC and saving their rows; merged,
    then the journal crawled on another worker: the pages are read from the archive's WARC."""
    killed, other, archive = (tmp_path / n for n in ("killed", "other", "archive"))
    with running_server(site=build_site(0, 60)) as server:
        crawl(killed, server, "zloy_odessit")
        with closing(sqlite3.connect(killed / "archive.db")) as db:
            lost = {
                url
                for (url,) in db.execute(
                    "SELECT url FROM posts WHERE journal = 'zloy_odessit' ORDER BY ditemid LIMIT 5"
                )
            }
            marks = ",".join("?" * len(lost))
            db.execute(f"UPDATE captures SET parsed = NULL WHERE url IN ({marks})", [*lost])
            db.execute(
                f"DELETE FROM post_tags WHERE ditemid IN (SELECT ditemid FROM posts "
                f"WHERE url IN ({marks}))",
                [*lost],
            )
            db.execute(f"DELETE FROM posts WHERE url IN ({marks})", [*lost])
            # Nothing a page saves may point at its capture: the kill came before its rows.
            pages = f"SELECT id FROM captures WHERE url IN ({marks})"
            for (table,) in db.execute(
                "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c "
                "WHERE m.type = 'table' AND c.name = 'capture_id'"
            ).fetchall():
                if table == "journals":
                    db.execute(
                        f"UPDATE journals SET capture_id = NULL WHERE capture_id IN ({pages})",
                        [*lost],
                    )
                else:
                    db.execute(f"DELETE FROM [{table}] WHERE capture_id IN ({pages})", [*lost])
            db.execute("UPDATE journals SET listed_in_run = NULL")
            db.execute("UPDATE crawl_runs SET ended_at = NULL")  # as a killed run leaves it
            db.commit()
        assert archiver("merge", str(killed), "--into", str(archive)).returncode == exitcodes.OK
        seed_journal(archive, other, "zloy_odessit")
        crawl(other, server, "zloy_odessit", "-s", f"ARCHIVER_SEEDED_FROM={archive}")
    with closing(sqlite3.connect(other / "archive.db")) as db:
        saved = {
            url for (url,) in db.execute(f"SELECT url FROM posts WHERE url IN ({marks})", [*lost])
        }
        fetched = {
            url
            for (url,) in db.execute(
                "SELECT url FROM captures WHERE run_id = (SELECT max(id) FROM crawl_runs)"
            )
        }
        tags = db.execute(
            f"SELECT count(*) FROM post_tags WHERE ditemid IN (SELECT ditemid FROM posts "
            f"WHERE url IN ({marks}))",
            [*lost],
        ).fetchone()[0]
    assert len(lost) == 5 and saved == lost and tags > 0
    assert not fetched & lost
