"""`archiver rebuild`: the database again from the WARC files alone, equal to the crawl's."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from private_mounts import on_read_only_media

from archiver import exitcodes
from archiver.archive.verify import gzip_members
from archiver.archive.warc import warc_files
from archiver.sample.server import RunningServer

# Crawl bookkeeping: which run did what, and whether a page's rows were saved. No page says it.
BOOKKEEPING_TABLES = {"_migrations", "crawl_runs", "errors"}
BOOKKEEPING_COLUMNS = {"run_id", "listed_in_run", "deleted_in_run", "parsed"}
FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]


def archiver(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        capture_output=True,
        text=True,
        timeout=900,
        stdin=subprocess.DEVNULL,
    )


def tables_of(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table but the bookkeeping ones (and the full-text indexes, built from the rest),
    as sorted rows without the bookkeeping columns."""
    db = sqlite3.connect(database)
    names = [
        name
        for (name,) in db.execute("select name from sqlite_master where type = 'table'")
        if name not in BOOKKEEPING_TABLES and "_fts" not in name
    ]
    tables = {}
    for name in names:
        columns = [c[1] for c in db.execute(f"pragma table_info([{name}])")]
        kept = ", ".join(f"[{c}]" for c in columns if c not in BOOKKEEPING_COLUMNS)
        # A requisite that got no answer (a timeout, over the size cap) left no WARC record.
        where = " where status is not null" if name == "media" else ""
        tables[name] = sorted(db.execute(f"select {kept} from [{name}]{where}"), key=repr)
    db.close()
    return tables


def assert_same_tables(crawled: Path, rebuilt: Path) -> None:
    want, got = tables_of(crawled), tables_of(rebuilt)
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name
    for name in ("captures", "posts", "comments", "journals", "recent_posts", "media"):
        assert want[name], f"{name} is empty: the comparison would prove nothing"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("demo")
    done = archiver("demo", "--output", str(output))
    assert done.returncode == exitcodes.OK, done.stdout[-2000:] + done.stderr[-2000:]
    return output


def test_the_demo_rebuilt_into_a_new_database_is_the_crawled_one(
    demo: Path, tmp_path: Path
) -> None:
    before = (demo / "archive.db").read_bytes()
    rebuilt = archiver("rebuild", str(demo), "--into", str(tmp_path / "rebuilt.db"))
    assert rebuilt.returncode == exitcodes.OK, rebuilt.stdout + rebuilt.stderr
    assert_same_tables(demo / "archive.db", tmp_path / "rebuilt.db")
    assert (demo / "archive.db").read_bytes() == before  # --into leaves OUTPUT's as it is
    posts = sqlite3.connect(demo / "archive.db").execute("select count(*) from posts").fetchone()
    assert f"posts: {posts[0]};" in rebuilt.stdout
    statuses = dict(
        sqlite3.connect(tmp_path / "rebuilt.db")
        .execute("select username, status from journals")
        .fetchall()
    )
    assert statuses["old_name"] == "renamed" and statuses["gone_away"] == "deleted"
    assert statuses["alstrangers"] == "blocked"


def test_an_output_whose_database_was_deleted_gets_it_back(demo: Path, tmp_path: Path) -> None:
    output = tmp_path / "copy"
    shutil.copytree(demo, output)
    (output / "archive.db").unlink()
    rebuilt = archiver("rebuild", str(output))
    assert rebuilt.returncode == exitcodes.OK, rebuilt.stdout + rebuilt.stderr
    assert_same_tables(demo / "archive.db", output / "archive.db")
    # Nothing was replaced: at most the deleted database's own WAL is kept aside, never replayed.
    left = [p.name for p in output.glob("archive.db.*")]
    assert all(name.endswith(("-wal", "-shm")) for name in left), left
    check = sqlite3.connect(output / "archive.db").execute("pragma integrity_check").fetchone()
    assert check == ("ok",)


def test_a_rebuild_in_place_keeps_the_database_it_replaces(demo: Path, tmp_path: Path) -> None:
    output = tmp_path / "copy"
    shutil.copytree(demo, output)
    old = (output / "archive.db").read_bytes()
    rebuilt = archiver("rebuild", str(output))
    assert rebuilt.returncode == exitcodes.OK, rebuilt.stdout + rebuilt.stderr
    (kept,) = [
        p
        for p in output.glob("archive.db.before-rebuild-*")
        if p.suffix != "" and not p.name.endswith(("-wal", "-shm"))
    ]
    assert kept.read_bytes() == old
    assert f"the database it replaced is kept as {kept}" in rebuilt.stdout
    assert_same_tables(demo / "archive.db", output / "archive.db")
    refused = archiver("rebuild", str(output), "--into", str(kept))
    assert refused.returncode == exitcodes.BAD_ARGUMENTS and "exists" in refused.stderr


def test_two_runs_with_revisits_rebuild_to_the_same_rows(
    sample_server: RunningServer, tmp_path: Path
) -> None:
    output = tmp_path / "out"
    crawl = ["crawl", "zloy_odessit", "old_name", "--output", str(output)]
    crawl += ["--proxy", sample_server.proxy_url, *FAST]
    for _ in range(2):  # the second, incremental, run archives unchanged pages as revisits
        assert archiver(*crawl).returncode == exitcodes.OK
    db = sqlite3.connect(output / "archive.db")
    assert db.execute("select count(*) from captures where record_type = 'revisit'").fetchone()[0]
    rebuilt = archiver("rebuild", str(output), "--into", str(tmp_path / "rebuilt.db"))
    assert rebuilt.returncode == exitcodes.OK, rebuilt.stdout + rebuilt.stderr
    assert_same_tables(output / "archive.db", tmp_path / "rebuilt.db")


@pytest.mark.parametrize("where", ["head", "middle"])
def test_a_damaged_record_is_reported_and_skipped(demo: Path, tmp_path: Path, where: str) -> None:
    """Damage early in a record makes warcio raise; deep in one it ends the file quietly: both
    are reported, the records before the damage kept, nothing after it invented."""
    output = tmp_path / "copy"
    shutil.copytree(demo, output)
    (output / "archive.db").unlink()
    (warc,) = warc_files(output / "warc")
    members = list(gzip_members(warc))
    if where == "head":
        hit = members[len(members) // 2]
        spot = hit.start + 40
    else:
        hit = max(members, key=lambda m: m.end - m.start)
        spot = (hit.start + hit.end) // 2
    data = bytearray(warc.read_bytes())
    data[spot : spot + 8] = b"\x00" * 8
    warc.write_bytes(bytes(data))
    rebuilt = archiver("rebuild", str(output))
    assert rebuilt.returncode == exitcodes.PARTIAL, rebuilt.stdout + rebuilt.stderr
    assert "SKIPPED:" in rebuilt.stdout and f"{warc.name}: damaged from offset" in rebuilt.stdout
    assert "Traceback" not in rebuilt.stderr
    db = sqlite3.connect(output / "archive.db")
    saved = db.execute("select max(warc_offset) from captures").fetchone()[0]
    assert saved < hit.start  # the records before the damage, not one after


def test_an_archive_on_read_only_media_is_rebuilt_into_a_new_file(
    demo: Path, tmp_path: Path
) -> None:
    output = tmp_path / "dvd"
    shutil.copytree(demo, output)
    (output / ".archiver.lock").unlink(missing_ok=True)
    command = [sys.executable, "-m", "archiver.cli", "rebuild", str(output)]
    fresh = tmp_path / "fresh.db"
    rebuilt = on_read_only_media([*command, "--into", str(fresh)], output)
    assert rebuilt.returncode == exitcodes.OK, rebuilt.stdout + rebuilt.stderr
    assert_same_tables(demo / "archive.db", fresh)
    refused = on_read_only_media(command, output)
    assert refused.returncode == exitcodes.BAD_ARGUMENTS and "read-only" in refused.stderr
    assert "Traceback" not in refused.stderr + rebuilt.stderr
