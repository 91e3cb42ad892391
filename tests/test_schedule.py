"""Scheduled runs: a journal listed whole once is then updated from its index pages and feeds."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import suppress
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from kill_switch import PIPELINES
from warcio.archiveiterator import ArchiveIterator

from archiver import exitcodes
from archiver.clock import iso_seconds
from archiver.plan.backoff import wait_before_retry
from archiver.sample.content import build_site, iter_manifest
from archiver.sample.faults import FaultOptions
from archiver.sample.server import running_server

FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]
POSTS = 500
TESTS = Path(__file__).resolve().parent
WINDOW = 10


def crawl_command(output: Path, proxy: str, *extra: str) -> list[str]:
    return [
        *(sys.executable, "-m", "archiver.cli", "crawl", "bulk_journal"),
        *("--output", str(output), "--proxy", proxy, *FAST, *extra),
    ]


def crawl(output: Path, revision: int, *extra: str) -> subprocess.CompletedProcess[str]:
    with running_server(site=build_site(revision, POSTS)) as server:
        return subprocess.run(
            crawl_command(output, server.proxy_url, *extra),
            capture_output=True,
            text=True,
            timeout=600,
        )


def public_posts(revision: int) -> dict[str, dict[str, object]]:
    return {
        str(r["url"]): r
        for r in iter_manifest(build_site(revision, POSTS))
        if r["type"] == "post" and r["journal"] == "bulk_journal" and r["security"] == "public"
    }


def post_fetches(db: sqlite3.Connection, run_id: int) -> list[str]:
    """The post pages (not comment pages, not ?format=light) a run fetched."""
    return [
        row[0]
        for row in db.execute(
            "select url from captures where run_id = ? and url like '%.html'", [run_id]
        )
    ]


def newest(db: sqlite3.Connection, before_run: int, count: int) -> set[str]:
    """The refresh window a run started with: the newest posts archived by earlier runs."""
    rows = db.execute(
        "select url from posts where first_seen < (select started_at from crawl_runs "
        "where id = ?) order by published desc, ditemid desc limit ?",
        [before_run, count],
    )
    return {row[0] for row in rows}


def archived_state(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """What a journal's archive says now, without crawl bookkeeping and the history it keeps."""
    db = sqlite3.connect(database)
    live = "(select ditemid from posts where deleted_in_run is null)"
    queries = {
        "posts": "select url, title, poster, published, body_html, comment_count, security, "
        "content_hash from posts where deleted_in_run is null",
        "tags": "select p.ditemid, t.name from post_tags p join tags t on t.id = p.tag_id "
        f"where p.ditemid in {live}",
        "comments": "select talkid, ditemid, parent_talkid, poster, subject, body_html, state "
        f"from comments where ditemid in {live}",
        "policy": "select anonymous_allowed, screened, screened_scope, ip_recorded, "
        "comments_disabled from comment_policies where id = (select max(id) from "
        "comment_policies)",
        "journal": "select username, title, journal_type, status from journals",
    }
    return {name: sorted(db.execute(sql).fetchall()) for name, sql in queries.items()}


def test_a_scheduled_run_fetches_what_changed_and_matches_a_fresh_crawl(tmp_path: Path) -> None:
    first = crawl(tmp_path / "kept", 0)
    assert first.returncode == exitcodes.OK, first.stderr[-3000:]
    second = crawl(tmp_path / "kept", 1)
    assert second.returncode == exitcodes.OK, second.stderr[-3000:]
    fresh = crawl(tmp_path / "fresh", 1)
    assert fresh.returncode == exitcodes.OK, fresh.stderr[-3000:]
    assert archived_state(tmp_path / "kept" / "archive.db") == archived_state(
        tmp_path / "fresh" / "archive.db"
    )

    before, after = public_posts(0), public_posts(1)
    new = set(after) - set(before)
    (gone,) = set(before) - set(after)
    changed = {u for u in set(after) & set(before) if after[u] != before[u]}
    assert len(new) == 3 and len(changed) >= 2  # an edit; new comments on older posts
    db = sqlite3.connect(tmp_path / "kept" / "archive.db")
    assert db.execute("select deleted_in_run from posts where url = ?", [gone]).fetchone() == (2,)
    window = newest(db, 2, WINDOW)
    fetched = post_fetches(db, 2)
    assert len(fetched) == len(set(fetched))
    assert new | changed <= set(fetched) <= new | changed | window
    # Besides those posts: robots.txt, the index pages up to the scroll-back limit, the two
    # feeds, one page per year and the pages of the days whose post count changed.
    year_count = len({str(after[u]["published"])[:4] for u in after})
    others = db.execute(
        "select count(*) from captures where run_id = 2 and url not like '%.html%'"
    ).fetchone()[0]
    assert others <= 1 + 11 + 2 + year_count + len(new) + 1
    requests = db.execute("select requests from crawl_runs order by id").fetchall()
    assert requests[1][0] * 10 < requests[0][0]


def test_full_fetches_every_post_again(tmp_path: Path) -> None:
    assert crawl(tmp_path, 0).returncode == exitcodes.OK
    again = crawl(tmp_path, 0, "--full")
    assert again.returncode == exitcodes.OK, again.stderr[-3000:]
    db = sqlite3.connect(tmp_path / "archive.db")
    assert set(post_fetches(db, 2)) == set(public_posts(0))
    unchanged = db.execute("select unchanged_posts from crawl_runs where id = 2").fetchone()[0]
    assert unchanged == len(public_posts(0))


def test_a_killed_run_resumes_without_fetching_archived_posts_again(tmp_path: Path) -> None:
    database = tmp_path / "archive.db"
    with running_server(site=build_site(0, POSTS), faults=FaultOptions(latency_ms=20)) as server:
        process = subprocess.Popen(
            crawl_command(tmp_path, server.proxy_url),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 300
        saved = 0
        while time.monotonic() < deadline and process.poll() is None:
            if database.exists():
                with sqlite3.connect(database) as db, suppress(sqlite3.OperationalError):
                    # (before the crawl has created its tables, there is nothing to count)
                    saved = db.execute("select count(*) from posts").fetchone()[0]
            if saved >= POSTS // 3:
                break
            time.sleep(0.1)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert POSTS // 3 <= saved < len(public_posts(0))
    with sqlite3.connect(database) as db:
        # Posts saved before their folded threads were fetched: fetched again for them.
        incomplete = {
            r[0]
            for r in db.execute(
                "select distinct p.url from comments c join posts p on p.ditemid = c.ditemid "
                "where c.state = 'active' and c.body_html is null"
            )
        }

    resumed = crawl(tmp_path, 0)
    assert resumed.returncode == exitcodes.OK, resumed.stderr[-3000:]
    db = sqlite3.connect(database)
    assert {r[0] for r in db.execute("select url from posts")} == set(public_posts(0))
    runs = [r[0] for r in db.execute("select id from crawl_runs order by id")]
    killed, completed = runs
    # The resumed run closed the killed one's row, when it found it.
    closed = db.execute(
        "select k.outcome, k.ended_at >= c.started_at from crawl_runs k, crawl_runs c "
        "where k.id = ? and c.id = ?",
        [killed, completed],
    ).fetchone()
    assert closed == ("killed", 1)
    twice = set(post_fetches(db, killed)) & set(post_fetches(db, completed))
    # Pages the killed run downloaded but never saved were read back from its WARC records,
    # and a resumed listing fetches no refresh window: only posts whose folded threads the
    # killed run had not reached yet, and at most a page caught mid-write.
    assert len(twice - incomplete) <= 1, twice - incomplete


def test_a_post_gone_from_a_full_listing_is_marked_deleted_and_kept(tmp_path: Path) -> None:
    assert crawl(tmp_path, 0).returncode == exitcodes.OK
    again = crawl(tmp_path, 1, "--full")
    assert again.returncode == exitcodes.OK, again.stderr[-3000:]
    gone = set(public_posts(0)) - set(public_posts(1))
    assert len(gone) == 1
    db = sqlite3.connect(tmp_path / "archive.db")
    marked = {
        row[0]: row[1]
        for row in db.execute("select url, deleted_in_run from posts where deleted_in_run")
    }
    assert marked == dict.fromkeys(gone, 2)
    # The edit of revision 1 was found: the earlier text is in post_versions.
    versions = db.execute("select count(*) from post_versions").fetchone()[0]
    changed = db.execute("select changed_posts from crawl_runs where id = 2").fetchone()[0]
    assert versions == changed >= 1


def test_429s_are_waited_out_and_no_page_is_lost(tmp_path: Path) -> None:
    faults = FaultOptions(throttle_requests=12, retry_after=1)
    with running_server(site=build_site(0, 60), faults=faults) as server:
        started = time.monotonic()
        done = subprocess.run(
            [
                *(sys.executable, "-m", "archiver.cli", "crawl", "zloy_odessit"),
                *("--output", str(tmp_path), "--proxy", server.proxy_url, *FAST),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        elapsed = time.monotonic() - started
        throttled = server.server.stats.faults.get("throttle", 0)
    assert done.returncode == exitcodes.OK, done.stdout + done.stderr[-3000:]
    assert throttled == 12
    assert elapsed >= 2  # it waited as long as Retry-After said, more than once
    db = sqlite3.connect(tmp_path / "archive.db")
    assert db.execute("select count(*) from errors").fetchone()[0] == 0
    public = [
        r
        for r in iter_manifest(build_site(0, 60))
        if r["type"] == "post" and r["journal"] == "zloy_odessit" and r["security"] == "public"
    ]
    assert db.execute("select count(*) from posts").fetchone()[0] == len(public)
    # Each 429 and the retry that followed it are both in the archive, 1 s or more apart.
    rows = db.execute(
        "select url, status, fetched_at from captures order by url, fetched_at"
    ).fetchall()
    limited = [(url, at) for url, status, at in rows if status == 429]
    assert len(limited) == 12
    for url, at in limited:
        later = [a for u, s, a in rows if u == url and s == 200 and a > at]
        assert later, url
        gap = datetime.fromisoformat(later[0]) - datetime.fromisoformat(at)
        assert gap.total_seconds() >= 1, url


def test_backoff_reads_retry_after_in_both_forms() -> None:
    now = datetime(2021, 10, 10, 12, 0, tzinfo=UTC)
    assert wait_before_retry("7", 0, now, base=5, cap=600) == 7
    assert wait_before_retry("Sun, 10 Oct 2021 12:01:30 GMT", 0, now, base=5, cap=600) == 90
    assert wait_before_retry(None, 0, now, base=5, cap=600) == 5
    assert wait_before_retry(None, 3, now, base=5, cap=600) == 40
    assert wait_before_retry("86400", 0, now, base=5, cap=600) == 600
    assert wait_before_retry("soon", 1, now, base=5, cap=600) == 10


def readme_crontab() -> tuple[dict[str, str], list[str]]:
    """The README's crontab: its variable lines, and the command of each entry."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("\n```\nMAILTO=", 1)[1].split("\n```", 1)[0]
    variables, commands = {}, []
    for line in ("MAILTO=" + block).splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, _, value = line.partition("=")
        if name.isidentifier() and " " not in name:
            variables[name] = value
        else:
            commands.append(line.split(maxsplit=5)[5])  # after minute hour dom month dow
    return variables, commands


def run_as_cron(command: str, home: Path, variables: dict[str, str], proxy: str) -> tuple[int, str]:
    """`command` run the way cron runs it: by sh, in the user's home, with cron's PATH. The one
    change: `--proxy`, so that the sample server is LiveJournal."""
    command = command.replace(
        ".venv/bin/archiver crawl", f".venv/bin/archiver crawl --proxy {proxy} {' '.join(FAST)}"
    )
    env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "SHELL": "/bin/sh", **variables}
    done = subprocess.run(
        ["/bin/sh", "-c", command], cwd=home, env=env, capture_output=True, text=True, timeout=600
    )
    return done.returncode, done.stdout + done.stderr  # what cron would mail


def test_the_readme_crontab_works_on_the_first_night_and_mails_a_failure(tmp_path: Path) -> None:
    from archiver.archive.lock import output_lock

    variables, (nightly, sunday) = readme_crontab()
    assert variables["MAILTO"] and variables["ARCHIVER_CONTACT_URL"]
    assert "--full" in sunday and "--full" not in nightly
    home = tmp_path / "home"
    checkout = home / "archiver"
    checkout.mkdir(parents=True)
    (checkout / ".venv").symlink_to(Path(sys.executable).parents[1])
    (checkout / "journals.txt").write_text("zloy_odessit\n# the tea club too\ntea-club\n")
    archive, log = home / "lj", home / "lj" / "crawl.log"
    with running_server(site=build_site(0, 60)) as server:
        # The first night: nothing exists yet but the checkout; a good run mails nothing.
        status, mailed = run_as_cron(nightly, home, variables, server.proxy_url)
        assert (status, mailed) == (0, "")
        assert log.read_text().strip().endswith("crawl finished")
        # Sunday's full run meets a run that still holds the lock: the mail says so plainly.
        with output_lock(archive):
            status, mailed = run_as_cron(sunday, home, variables, server.proxy_url)
        assert "is still writing to" in mailed and "this run did nothing (exit 6)" in mailed
        assert "this --full run is skipped: start it again once that run has ended" in mailed
        status, mailed = run_as_cron(sunday, home, variables, server.proxy_url)
        assert (status, mailed) == (0, "")
    db = sqlite3.connect(archive / "archive.db")
    runs = db.execute("select journals, outcome from crawl_runs").fetchall()
    assert runs == [('["zloy_odessit", "tea_club"]', "success")] * 2


def test_robots_crawl_delay_spaces_the_requests(tmp_path: Path) -> None:
    faults = FaultOptions(crawl_delay=0.3)
    with running_server(site=build_site(0, 60), faults=faults) as server:
        done = subprocess.run(
            [
                *(sys.executable, "-m", "archiver.cli", "crawl", "tea_club"),
                *("--output", str(tmp_path), "--proxy", server.proxy_url, *FAST),
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert done.returncode == exitcodes.OK, done.stdout + done.stderr[-3000:]
    db = sqlite3.connect(tmp_path / "archive.db")
    times = sorted(
        datetime.fromisoformat(row[0])
        for row in db.execute(
            "select fetched_at from captures where url like 'https://tea-club.livejournal.com/%'"
            " and url not like '%robots.txt'"
        )
    )
    assert len(times) > 20
    gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
    # The journal's own requests start 0.3 s apart (Crawl-delay is the journal host's; what its
    # pages load comes from other hosts); responses come back about as far apart.
    assert sum(gaps) / len(gaps) >= 0.28
    assert min(gaps) >= 0.15  # (responses finish with some jitter; unpaced ones are ms apart)


def test_a_terminal_gets_a_live_progress_bar_with_log_lines_above_it(tmp_path: Path) -> None:
    """On a terminal `archiver crawl` draws one bar (posts read of posts known, pages, the rate
    of the last minute, errors, time so far and left); the ERROR lines of failed pages are
    printed above it on lines of their own."""
    import pty

    faults = FaultOptions(error_rate=0.05, fail_attempts=1000)
    with running_server(site=build_site(0, 60), faults=faults) as server:
        leader, follower = pty.openpty()
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "archiver.cli", "crawl", "zloy_odessit"),
                *("--output", str(tmp_path), "--proxy", server.proxy_url),
                *("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"),
            ],
            stdout=subprocess.PIPE,
            stderr=follower,
            env={**os.environ, "COLUMNS": "160"},
        )
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        stdout = process.communicate(timeout=600)[0].decode()
        os.close(leader)
    assert process.returncode == exitcodes.PARTIAL, shown.decode()[-2000:]
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode())  # colours, cursor moves
    lines = [line.strip() for line in re.split(r"[\r\n]+", text) if line.strip()]
    bars = [line for line in lines if " posts " in line and "pages/s" in line]
    assert len(bars) >= 2
    db = sqlite3.connect(tmp_path / "archive.db")
    errors = db.execute("select count(*) from errors").fetchone()[0]
    failed_posts = db.execute(
        "select count(*) from errors where url like '%.html' and url not like '%?%'"
    ).fetchone()[0]
    saved = db.execute("select count(*) from posts").fetchone()[0]
    assert errors > 0
    done = saved + failed_posts
    last = bars[-1]
    assert f"100% {done}/{done} posts" in last, last
    assert f"{errors} errors" in last and "ETA 0:00:00" in last
    assert re.search(r"posts \d+ pages, \d+\.\d pages/s", last)
    # Each ERROR line stands alone: never glued onto the bar.
    failures = [line for line in lines if "ERROR" in line]
    assert len(failures) >= errors
    assert not any("pages/s" in line for line in failures)
    assert "INFO" not in text
    assert stdout.strip().endswith("pages failed (see the errors table)")
    assert f"posts: {saved} new" in stdout


def test_pages_archived_but_not_saved_are_read_back_from_the_warc(tmp_path: Path) -> None:
    """What a run killed between writing a page to the WARC and saving its rows leaves."""
    faults = FaultOptions(gzip=True, chunked=True)
    with running_server(site=build_site(0, 60), faults=faults) as server:
        command = [
            *(sys.executable, "-m", "archiver.cli", "crawl", "zloy_odessit"),
            *("--output", str(tmp_path), "--proxy", server.proxy_url, *FAST),
        ]
        assert subprocess.run(command, capture_output=True).returncode == exitcodes.OK
        db = sqlite3.connect(tmp_path / "archive.db")
        before = db.execute("select * from posts order by ditemid").fetchall()
        lost = [r[0] for r in db.execute("select ditemid from posts order by ditemid limit 5")]
        marks = ",".join("?" * len(lost))
        db.execute(
            f"update captures set parsed = null where url in (select url from posts where "
            f"ditemid in ({marks}))",
            lost,
        )
        db.execute(f"delete from post_tags where ditemid in ({marks})", lost)
        db.execute(f"delete from posts where ditemid in ({marks})", lost)
        db.execute("update journals set listed_in_run = null")
        db.execute("update crawl_runs set ended_at = null")  # as a killed run leaves it
        db.commit()
        time.sleep(1.1)  # so that the recovery run's clock differs from the fetch times
        again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == exitcodes.OK, again.stderr[-3000:]
    after = db.execute("select * from posts order by ditemid").fetchall()
    columns = [c[1] for c in db.execute("pragma table_info(posts)")]
    moving = ("first_seen", "last_seen", "last_changed", "capture_id")  # the refresh window
    kept = [i for i, c in enumerate(columns) if c not in moving]
    assert [[r[i] for i in kept] for r in after] == [[r[i] for i in kept] for r in before]
    refetched = set(post_fetches(db, 2))
    lost_urls = {
        r[0] for r in db.execute(f"select url from posts where ditemid in ({marks})", lost)
    }
    assert not refetched & lost_urls
    tags = db.execute(f"select count(*) from post_tags where ditemid in ({marks})", lost)
    assert tags.fetchone()[0] > 0
    # The recovered rows are stamped with the time their page was fetched, not recovered.
    stamps = db.execute(
        "select p.first_seen, c.fetched_at, (select started_at from crawl_runs where id = 2) "
        f"from posts p join captures c on c.id = p.capture_id where p.ditemid in ({marks})",
        lost,
    ).fetchall()
    assert len(stamps) == len(lost)
    for first_seen, fetched_at, recovery_started in stamps:
        assert first_seen == iso_seconds(datetime.fromisoformat(fetched_at.replace("Z", "+00:00")))
        assert first_seen < recovery_started


def test_a_page_killed_before_its_rows_were_saved_comes_back_whole(tmp_path: Path) -> None:
    """SIGKILL right after the first page with a "Recent Posts" widget was fetched and written
    to the WARC: the next run reads it back, widget included, stamped with its fetch time."""
    note = tmp_path / "killed-capture"
    output = tmp_path / "out"
    env = {**os.environ, "ARCHIVER_KILL_NOTE": str(note), "PYTHONPATH": str(TESTS)}
    with running_server(site=build_site(0, 60)) as server:
        command = [
            *(sys.executable, "-m", "archiver.cli", "crawl", "zloy_odessit"),
            *("--output", str(output), "--proxy", server.proxy_url, *FAST),
        ]
        killed = subprocess.run(
            [*command, "-s", f"ITEM_PIPELINES={PIPELINES}", "-s", "ARCHIVER_COMMIT_SECONDS=600"],
            capture_output=True,
            env=env,
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
        url = note.read_text()
        db = sqlite3.connect(output / "archive.db")
        # The kill came before the batch of rows holding the page's capture was committed.
        assert db.execute("select count(*) from captures where url = ?", [url]).fetchone() == (0,)
        assert db.execute("select count(*) from recent_post_snapshots").fetchone() == (0,)
        (warc,) = (output / "warc").glob("*.warc.gz")
        with open(warc, "rb") as stream:
            dates = [
                r.rec_headers.get_header("WARC-Date")
                for r in ArchiveIterator(stream)
                if r.rec_type == "response" and r.rec_headers.get_header("WARC-Target-URI") == url
            ]
        assert len(dates) == 1  # the page is in the WARC alone
        time.sleep(1.1)
        again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == exitcodes.OK, again.stderr[-3000:]
    # The next run gave the record its captures row again, as the killed run's, and read it back.
    capture_id, fetched_at, parsed, run_id = db.execute(
        "select id, fetched_at, parsed, run_id from captures where url = ? order by id limit 1",
        [url],
    ).fetchone()
    assert (fetched_at, parsed, run_id) == (dates[0], 1, 1)
    fetched = iso_seconds(datetime.fromisoformat(fetched_at.replace("Z", "+00:00")))
    (resumed,) = db.execute("select started_at from crawl_runs where id = 2").fetchone()
    assert fetched < resumed
    first = db.execute(
        "select source_url, capture_id, seen_at from recent_post_snapshots order by id limit 1"
    ).fetchone()
    assert first == (url, capture_id, fetched)
    widget = db.execute(
        "select count(*), min(seen_at) from recent_posts where snapshot_id = "
        "(select min(id) from recent_post_snapshots)"
    ).fetchone()
    assert widget[0] > 0 and widget[1] == fetched
    # Its year-less dates took their year from the server's clock (the response's Date header, in
    # the sample site's past), as the live pages' did: one widget state, dated as its posts are.
    assert db.execute("select count(*) from recent_post_snapshots").fetchone() == (1,)
    dated = db.execute(
        "select r.date, p.published from recent_posts r join posts p on p.url = r.url "
        "where r.snapshot_id = (select min(id) from recent_post_snapshots)"
    ).fetchall()
    assert dated and all(shown == published[:16] + ":00" for shown, published in dated), dated
    assert db.execute("select parsed from captures where id = ?", [capture_id]).fetchone() == (1,)
    # Everything else read from that page carries its fetch time too, and it was not refetched.
    for table in ("posts", "comments", "comment_policies"):
        seen = "seen_at" if table == "comment_policies" else "first_seen"
        stamps = {
            r[0]
            for r in db.execute(f"select {seen} from {table} where capture_id = ?", [capture_id])
        }
        assert stamps <= {fetched}, table
    assert db.execute(
        "select count(*) from captures where url = ? and run_id = 2", [url]
    ).fetchone() == (0,)


def test_a_run_stopped_by_sigterm_marks_nothing_deleted(tmp_path: Path) -> None:
    assert crawl(tmp_path, 0).returncode == exitcodes.OK
    with running_server(site=build_site(0, POSTS), faults=FaultOptions(latency_ms=30)) as server:
        process = subprocess.Popen(
            crawl_command(tmp_path, server.proxy_url, "--full"),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        time.sleep(4)
        process.send_signal(signal.SIGTERM)
        stdout = process.communicate(timeout=300)[0]
    assert process.returncode == exitcodes.PARTIAL, stdout
    assert "stopped before its end (shutdown)" in stdout
    db = sqlite3.connect(tmp_path / "archive.db")
    assert db.execute("select count(*) from posts where deleted_in_run").fetchone()[0] == 0
    assert db.execute("select outcome from crawl_runs where id = 2").fetchone() == ("stopped",)
    assert db.execute("select listed_in_run from journals").fetchone() == (1,)


def test_a_listing_that_would_empty_the_journal_is_not_believed(tmp_path: Path) -> None:
    assert crawl(tmp_path, 0).returncode == exitcodes.OK
    db = sqlite3.connect(tmp_path / "archive.db")
    row = db.execute("select * from posts limit 1").fetchone()
    columns = [c[1] for c in db.execute("pragma table_info(posts)")]
    for n in range(600):  # posts the listing will not show, as if the calendar broke
        fake = dict(zip(columns, row, strict=True))
        fake.update(ditemid=10_000_000 + n, url=f"https://bulk-journal.livejournal.com/{n}.html")
        marks = ",".join("?" * len(columns))
        db.execute(f"insert into posts values ({marks})", [fake[c] for c in columns])
    db.commit()
    again = crawl(tmp_path, 0, "--full")
    assert again.returncode == exitcodes.PARTIAL
    assert db.execute("select count(*) from posts where deleted_in_run").fetchone()[0] == 0
    (message,) = db.execute("select message from errors where kind = 'listing'").fetchone()
    assert "lacks 600 of its" in message


def test_a_crawl_that_cannot_write_its_warc_stops_and_says_so(tmp_path: Path) -> None:
    warc = tmp_path / "warc"
    with running_server(site=build_site(0, POSTS), faults=FaultOptions(latency_ms=20)) as server:
        process = subprocess.Popen(
            crawl_command(tmp_path, server.proxy_url, "-s", "ARCHIVER_WARC_MAX_BYTES=1"),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        deadline = time.monotonic() + 120
        while not (warc.exists() and len(list(warc.iterdir())) > 20):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # Moved away in one step (the crawl goes on creating files in it meanwhile), and a file
        # put in its place, in the way of new WARC files, as a full or lost disk would be.
        warc.rename(tmp_path / "warc-moved-away")
        warc.write_text("in the way of new WARC files\n")
        stdout = process.communicate(timeout=300)[0]
    assert process.returncode == exitcodes.FAILED, stdout
    assert "the WARC files could not be written" in stdout
    db = sqlite3.connect(tmp_path / "archive.db")
    assert db.execute("select outcome, exit_code from crawl_runs").fetchone() == ("failed", 1)
    assert db.execute("select listed_in_run from journals").fetchone() == (None,)
