"""Nothing lost in silence: each way a crawl can go wrong ends in an errors row or a clear line,
and the exit code cron reads."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from private_mounts import on_a_small_disk, on_read_only_media

from archiver import exitcodes
from archiver.sample.content import build_site, iter_manifest
from archiver.sample.faults import FaultOptions
from archiver.sample.server import RunningServer, running_server

FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]


def archiver(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "archiver.cli", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL
    )


def crawl(server: RunningServer, output: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return archiver("crawl", *args, "--output", str(output), "--proxy", server.proxy_url, *FAST)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr[-2000:]


def test_a_journal_that_does_not_exist_is_reported_not_a_success(
    sample_server: RunningServer, tmp_path: Path
) -> None:
    result = crawl(sample_server, tmp_path, "nosuchuser")
    assert result.returncode == exitcodes.JOURNAL_UNAVAILABLE, result.stdout
    assert "journal nosuchuser does not exist" in result.stdout
    db = sqlite3.connect(tmp_path / "archive.db")
    assert db.execute("select username, status from journals").fetchall() == [
        ("nosuchuser", "missing")
    ]
    assert db.execute("select outcome, exit_code from crawl_runs").fetchall() == [
        ("unavailable", 4)
    ]


@pytest.mark.parametrize("name", ["../../etc", "a/b", "foo;drop", "x" * 300, "www", "l-stat", " "])
def test_a_name_that_is_no_journal_is_refused_in_one_line(name: str, tmp_path: Path) -> None:
    result = archiver("crawl", name, "--output", str(tmp_path / "out"))
    assert result.returncode == exitcodes.BAD_ARGUMENTS
    no_traceback(result)
    assert "not a LiveJournal username" in result.stderr or "name at least one" in result.stderr
    assert not (tmp_path / "out").exists()


def test_names_are_taken_as_people_paste_them(sample_server: RunningServer, tmp_path: Path) -> None:
    journals = tmp_path / "journals.txt"
    journals.write_text(
        "\ufeff# the journals we keep\n\nhttps://zloy-odessit.livejournal.com/\n"
        "ZLOY-ODESSIT  # the same one again\nkelijah\n",
        encoding="utf-8",
    )
    result = crawl(sample_server, tmp_path / "out", "--journals-file", str(journals))
    assert result.returncode == exitcodes.OK, result.stderr[-2000:]
    db = sqlite3.connect(tmp_path / "out" / "archive.db")
    (listed,) = db.execute("select journals from crawl_runs").fetchone()
    assert listed == '["zloy_odessit", "kelijah"]'


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ("ARCHIVER_REFRESH_WINDOW=abc", "ARCHIVER_REFRESH_WINDOW"),
        ("ARCHIVER_MAX_DELETED_SHARE=2", "ARCHIVER_MAX_DELETED_SHARE"),
    ],
)
def test_a_setting_that_is_no_number_is_refused_in_one_line(
    setting: str, named: str, tmp_path: Path
) -> None:
    result = archiver("crawl", "zloy_odessit", "--output", str(tmp_path), "-s", setting)
    assert result.returncode == exitcodes.BAD_ARGUMENTS
    no_traceback(result)
    assert named in result.stderr
    assert not (tmp_path / "archive.db").exists()


def test_an_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "not-a-directory"
    target.write_text("x")
    result = archiver("crawl", "zloy_odessit", "--output", str(target))
    assert result.returncode == exitcodes.BAD_ARGUMENTS
    no_traceback(result)
    assert "is a file, not a directory" in result.stderr


def test_an_archive_that_cannot_be_opened_is_named_and_nothing_is_fetched(
    sample_server: RunningServer, tmp_path: Path
) -> None:
    assert crawl(sample_server, tmp_path, "zloy_odessit").returncode == exitcodes.OK
    db = sqlite3.connect(tmp_path / "archive.db")
    db.execute(
        "create trigger refuse before insert on crawl_runs"
        " begin select raise(abort, 'no new runs'); end"
    )
    db.commit()
    captures = db.execute("select count(*) from captures").fetchone()[0]
    result = crawl(sample_server, tmp_path, "zloy_odessit")
    assert result.returncode == exitcodes.FAILED
    opened = f"the archive in {tmp_path} could not be opened (IntegrityError: no new runs)"
    assert opened in result.stdout and "nothing was fetched" in result.stdout
    assert "the crawl did not finish" not in result.stdout + result.stderr
    assert db.execute("select count(*) from captures").fetchone()[0] == captures


def test_a_corrupt_database_is_named_and_left_as_it_is(
    sample_server: RunningServer, tmp_path: Path
) -> None:
    database = tmp_path / "archive.db"
    database.write_bytes(b"this was an archive once\n" * 100)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = crawl(sample_server, tmp_path, "zloy_odessit")
    assert result.returncode == exitcodes.FAILED
    no_traceback(result)
    assert "archive.db is not a readable SQLite database" in result.stdout
    assert database.read_bytes() == b"this was an archive once\n" * 100
    assert (
        sorted(p.name for p in tmp_path.iterdir()) == [*before, ".archiver.lock"]
        or sorted(p.name for p in tmp_path.iterdir()) == before
    )


def test_a_row_the_database_refuses_is_an_error_and_the_rest_is_saved(
    sample_server: RunningServer, tmp_path: Path
) -> None:
    assert crawl(sample_server, tmp_path, "zloy_odessit").returncode == exitcodes.OK
    db = sqlite3.connect(tmp_path / "archive.db")
    (victim,) = db.execute("select url from posts order by ditemid limit 1").fetchone()
    posts = db.execute("select count(*) from posts").fetchone()[0]
    # As a value no SQLite INTEGER holds would: the save of that page fails, nothing else's.
    db.execute(
        "delete from post_tags where ditemid = (select ditemid from posts where url = ?)", [victim]
    )
    db.execute("delete from posts where url = ?", [victim])
    db.execute(
        "create trigger refuse before insert on posts when new.url = "
        f"'{victim}' begin select raise(abort, 'refused by the test'); end"
    )
    db.commit()
    result = crawl(sample_server, tmp_path, "zloy_odessit", "--full")
    assert result.returncode == exitcodes.PARTIAL, result.stdout
    assert "1 errors" in result.stdout
    (url, kind, message) = db.execute(
        "select url, kind, message from errors where run_id = 2"
    ).fetchone()
    assert (url, kind) == (victim, "save") and "refused by the test" in message
    assert db.execute("select count(*) from posts").fetchone()[0] == posts - 1
    unsaved = db.execute(
        "select count(*) from captures where run_id = 2 and url = ? and parsed is null", [victim]
    )
    assert unsaved.fetchone()[0] == 1  # left to be read back once the database takes it
    # The next run, with a database that takes the row, reads the post back from the WARC.
    db.execute("drop trigger refuse")
    db.commit()
    assert crawl(sample_server, tmp_path, "zloy_odessit").returncode == exitcodes.OK
    assert db.execute("select count(*) from posts").fetchone()[0] == posts


def test_a_folded_thread_that_failed_is_fetched_by_the_next_scheduled_run(
    tmp_path: Path,
) -> None:
    site = build_site(0, 60)
    faults = FaultOptions(error_rate=0.35, fail_attempts=1000)
    no_retries = ("-s", "RETRY_TIMES=0")
    with running_server(site=site, faults=faults) as server:
        first = crawl(server, tmp_path, "bulk_journal", *no_retries)
    assert first.returncode == exitcodes.PARTIAL
    db = sqlite3.connect(tmp_path / "archive.db")
    missing = "select count(*) from comments where state = 'active' and body_html is null"
    assert db.execute(missing).fetchone()[0] > 0  # folded replies whose thread page failed
    with running_server(site=site) as server:
        for _ in range(2):  # a discovery run, then a scheduled one
            again = crawl(server, tmp_path, "bulk_journal")
            assert again.returncode == exitcodes.OK, again.stdout
    assert db.execute(missing).fetchone()[0] == 0


def test_a_killed_run_is_closed_by_the_next_and_drops_are_told_shortly(tmp_path: Path) -> None:
    faults = FaultOptions(drop_rate=0.2, fail_attempts=1000)
    with running_server(site=build_site(0, 60), faults=faults) as server:
        first = crawl(server, tmp_path, "zloy_odessit", "-s", "RETRY_TIMES=0")
        assert first.returncode == exitcodes.PARTIAL
        db = sqlite3.connect(tmp_path / "archive.db")
        messages = [m for (m,) in db.execute("select message from errors where kind = 'network'")]
        assert messages
        for message in messages:
            assert "Failure" not in message and "<" not in message and len(message) <= 300
            assert message.startswith(("ConnectionLost", "ConnectionDone", "ResponseNeverReceived"))
        db.execute("update crawl_runs set ended_at = null, outcome = null")  # as SIGKILL leaves it
        db.commit()
        crawl(server, tmp_path, "zloy_odessit", "-s", "RETRY_TIMES=0")
    assert db.execute("select id, outcome from crawl_runs order by id").fetchall()[0] == (
        1,
        "killed",
    )


def test_garbage_after_the_last_record_is_named_moved_aside_and_the_archive_goes_on(
    sample_server: RunningServer, tmp_path: Path
) -> None:
    assert crawl(sample_server, tmp_path, "zloy_odessit").returncode == exitcodes.OK
    (warc,) = sorted((tmp_path / "warc").glob("*.warc.gz"))
    whole = warc.stat().st_size
    garbage = b"\x1f\x8b\x08\x00 half a copied file" + bytes(range(256)) * 4
    with open(warc, "ab") as stream:
        stream.write(garbage)
    checked = archiver("verify", str(tmp_path))
    assert checked.returncode == exitcodes.VERIFY_FAILED
    assert f"damaged from offset {whole} ({len(garbage)} bytes" in checked.stdout
    assert "archiver verify --repair" in checked.stdout
    # A crawl cannot index what is damaged: it says so, exits 1, and leaves no half index.
    again = crawl(sample_server, tmp_path, "zloy_odessit")
    assert again.returncode == exitcodes.FAILED, again.stdout
    assert "CDXJ index could not be rebuilt" in again.stdout
    assert not list((tmp_path / "warc").glob("*.partial"))
    db = sqlite3.connect(tmp_path / "archive.db")
    last_run = "select outcome, exit_code, errors from crawl_runs order by id desc limit 1"
    assert db.execute(last_run).fetchone() == ("failed", exitcodes.FAILED, 1)
    (message,) = db.execute("select message from errors where kind = 'index'").fetchone()
    assert message.startswith("the CDXJ index could not be rebuilt: ")
    repaired = archiver("verify", "--repair", str(tmp_path))
    assert repaired.returncode == exitcodes.OK, repaired.stdout
    assert f"{warc.name}: {len(garbage)} bytes from offset {whole} moved to" in repaired.stdout
    (aside,) = (tmp_path / "warc-damaged").iterdir()
    assert aside.read_bytes() == garbage and warc.stat().st_size == whole
    assert crawl(sample_server, tmp_path, "zloy_odessit").returncode == exitcodes.OK
    assert archiver("verify", str(tmp_path)).returncode == exitcodes.OK


def test_a_full_disk_stops_the_run_and_the_next_with_room_completes(tmp_path: Path) -> None:
    site = build_site(0, 80)
    small, roomy = tmp_path / "small", tmp_path / "roomy"
    with running_server(site=site) as server:
        argv = [sys.executable, "-m", "archiver.cli", "crawl", "bulk_journal"]
        argv += ["--output", str(small / "out"), "--proxy", server.proxy_url, *FAST]
        full = on_a_small_disk(argv, mount=small, size="1m", keep=roomy)
        assert full.returncode == exitcodes.FAILED, full.stdout[-2000:] + full.stderr[-2000:]
        assert "No space left on device" in full.stdout + full.stderr
        no_traceback(full)
        saved = sqlite3.connect(roomy / "out" / "archive.db")
        saved_before = saved.execute("select count(*) from posts").fetchone()[0]
        assert saved_before < 80  # the disk filled before the crawl was done
        again = crawl(server, roomy / "out", "bulk_journal")
        assert again.returncode == exitcodes.OK, again.stdout[-2000:]
    public = {
        r["url"]
        for r in iter_manifest(site)
        if r["type"] == "post" and r["journal"] == "bulk_journal" and r["security"] == "public"
    }
    archived = {url for (url,) in saved.execute("select url from posts")}
    assert public <= archived
    checked = archiver("verify", str(roomy / "out"))
    assert checked.returncode == exitcodes.OK, checked.stdout


def test_verify_works_on_read_only_media_and_writes_nothing(
    sample_server: RunningServer, tmp_path: Path
) -> None:
    assert crawl(sample_server, tmp_path, "zloy_odessit").returncode == exitcodes.OK
    (tmp_path / ".archiver.lock").unlink()  # as an archive copied to a DVD would be
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")}
    command = [sys.executable, "-m", "archiver.cli", "verify", str(tmp_path)]
    checked = on_read_only_media(command, tmp_path)
    assert checked.returncode == exitcodes.OK, checked.stdout + checked.stderr
    assert "records" in checked.stdout and "captures" in checked.stdout
    assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*")} == before
    repair = on_read_only_media([*command[:-1], "--repair", str(tmp_path)], tmp_path)
    assert repair.returncode == exitcodes.BAD_ARGUMENTS, repair.stdout + repair.stderr
    assert "read-only" in repair.stderr
    no_traceback(repair)


def test_a_bug_while_handling_a_page_is_an_error_not_a_silent_loss(
    sample_server: RunningServer, tmp_path: Path
) -> None:
    """Scrapy logs an exception in a spider callback and goes on; the page must not vanish."""
    post = "https://zloy-odessit.livejournal.com/6635.html"
    inject = (
        "import sys; from archiver.plan import crawl_plan; real = crawl_plan.CrawlPlan.on_page\n"
        "def broken(self, url, *args, **kwargs):\n"
        f"    if url == {post!r}: raise TypeError('an injected bug')\n"
        "    return real(self, url, *args, **kwargs)\n"
        "crawl_plan.CrawlPlan.on_page = broken\n"
        "from archiver.cli import main; main()"
    )
    args = ["crawl", "zloy_odessit", "--output", str(tmp_path), "--proxy", sample_server.proxy_url]
    broken = subprocess.run(
        [sys.executable, "-c", inject, *args, *FAST],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert broken.returncode == exitcodes.PARTIAL, broken.stdout[-2000:]
    db = sqlite3.connect(tmp_path / "archive.db")
    assert db.execute("select kind, message from errors where url = ?", [post]).fetchall() == [
        ("bug", "a bug while handling the page: TypeError: an injected bug")
    ]
    assert db.execute("select count(*) from posts where url = ?", [post]).fetchone()[0] == 0
    fixed = crawl(sample_server, tmp_path, "zloy_odessit")  # read back from the WARC
    assert fixed.returncode == exitcodes.OK, fixed.stdout[-2000:]
    assert db.execute("select count(*) from posts where url = ?", [post]).fetchone()[0] == 1
