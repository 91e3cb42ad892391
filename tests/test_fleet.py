"""Celery workers on a real Redis: journals from one queue, crawled by separate worker processes
into outputs of their own, merged into one archive that equals one crawl of the same journals."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
import sqlite_utils
from archive_content import archive_content, light_posts, same_content
from redis_server import running_redis
from replay_support import pywb_replaying

from archiver import exitcodes
from archiver.fleet.app import make_app
from archiver.fleet.status import FleetStatus, fleet_status
from archiver.sample.content import build_site
from archiver.sample.faults import FaultOptions
from archiver.sample.server import RunningServer, running_server
from archiver.store.knowledge import journal_knowledge
from archiver.store.reads import pages_of_last_run

FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]
SIX = ["zloy_odessit", "kelijah", "tea_club", "moskvich", "adult_notes", "bulk_journal"]
LATENCY = FaultOptions(latency_ms=50)
TIMEOUT = 300


def archiver(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args], capture_output=True, text=True, timeout=600
    )


class Fleet:
    """Worker processes on one broker, each in a process group of its own (a machine)."""

    def __init__(self, broker: str, root: Path, proxy: str) -> None:
        self.broker, self.root, self.proxy = broker, root, proxy
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def output(self, name: str) -> Path:
        return self.root / name

    def start(self, name: str, *extra: str) -> None:
        command = [
            *(sys.executable, "-m", "archiver.cli", "worker", "--name", name),
            *("--output", str(self.output(name)), "--broker", self.broker),
            *("--archive", str(self.root / "archive"), "--proxy", self.proxy, *FAST, *extra),
        ]
        log = open(self.root / f"{name}.log", "ab")  # noqa: SIM115 - the worker's, kept open
        self.processes[name] = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def enqueue(self, *journals: str) -> None:
        done = archiver("enqueue", *journals, "--broker", self.broker)
        assert done.returncode == exitcodes.OK, done.stderr

    def status(self) -> FleetStatus:
        return fleet_status(make_app(self.broker), self.broker, timeout=1.0)

    def wait_until(self, condition: Callable[[FleetStatus], bool], what: str) -> FleetStatus:
        deadline = time.monotonic() + TIMEOUT
        while True:
            status = self.status()
            if condition(status):
                return status
            for name, process in self.processes.items():
                assert process.poll() is None or name not in self.alive, f"worker {name} died"
            assert time.monotonic() < deadline, f"waited {TIMEOUT} s for {what}: {status}"
            time.sleep(0.5)

    @property
    def alive(self) -> set[str]:
        return {name for name, p in self.processes.items() if p.poll() is None}

    def kill(self, name: str) -> None:
        """SIGKILL the worker and everything it started: a machine lost."""
        os.killpg(self.processes[name].pid, signal.SIGKILL)
        self.processes[name].wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)

    def merge(self, *names: str) -> None:
        outputs = [str(self.output(n)) for n in names if (self.output(n) / "archive.db").exists()]
        done = archiver("merge", *outputs, "--into", str(self.root / "archive"))
        assert done.returncode == exitcodes.OK, done.stderr


@contextmanager
def fleet_of(root: Path, server: RunningServer) -> Iterator[Fleet]:
    root.mkdir(parents=True, exist_ok=True)
    with running_redis(root) as broker:
        fleet = Fleet(broker, root, server.proxy_url)
        try:
            yield fleet
        finally:
            fleet.stop_all()


def all_done(count: int) -> Callable[[FleetStatus], bool]:
    return lambda s: len(s.done) >= count and not s.running and not s.queued


def crawl_single(output: Path, server: RunningServer, *journals: str) -> None:
    done = archiver("crawl", *journals, "--output", str(output), "--proxy", server.proxy_url, *FAST)
    assert done.returncode == exitcodes.OK, done.stderr[-2000:]


def test_two_workers_and_six_journals_merge_into_one_crawl_of_them(tmp_path: Path) -> None:
    with running_server(faults=LATENCY) as server, fleet_of(tmp_path, server) as fleet:
        crawl_single(tmp_path / "single", server, *SIX)
        fleet.start("w1")
        fleet.start("w2")
        fleet.enqueue(*SIX)
        seen_running = fleet.wait_until(lambda s: bool(s.running), "a journal running")
        status = fleet.wait_until(all_done(6), "six journals done")
        shown = archiver("workers", "status", "--broker", fleet.broker)
    assert {r["worker"] for r in seen_running.running} <= {"w1", "w2"}
    assert sorted(d["journal"] for d in status.done) == sorted(SIX)
    assert {d["exit_code"] for d in status.done} == {exitcodes.OK}
    assert {d["worker"] for d in status.done} == {"w1", "w2"}
    assert shown.returncode == exitcodes.OK and "queued: 0" in shown.stdout
    assert "done: 6" in shown.stdout and "bulk_journal on w" in shown.stdout

    fleet.merge("w1", "w2")
    archive = tmp_path / "archive"
    assert same_content(archive / "archive.db", tmp_path / "single" / "archive.db") == {}
    verified = archiver("verify", str(archive))
    assert verified.returncode == exitcodes.OK, verified.stdout + verified.stderr
    warcs = sorted((archive / "warc").glob("*.warc.gz"))
    assert {p.name.split("-")[1] for p in warcs} == {"w1", "w2"}
    with closing(sqlite3.connect(archive / "archive.db")) as db:
        pages = db.execute(
            "SELECT c.url, c.fetched_at FROM captures c JOIN posts p ON p.url = c.url "
            "WHERE c.status = 200 AND c.record_type = 'response' ORDER BY c.url LIMIT 12"
        ).fetchall()
    with pywb_replaying(warcs, tmp_path) as replay:
        for url, fetched_at in pages:
            status_code, _headers, body = replay.get(
                "".join(filter(str.isdigit, fetched_at))[:14], url
            )
            assert status_code == 200 and b"</html>" in body, url


def test_a_worker_killed_mid_journal_leaves_it_to_the_other(tmp_path: Path) -> None:
    journals = ["bulk_journal", "tea_club", "moskvich"]
    site = build_site(0, 400)
    with running_server(site=site, faults=LATENCY) as server, fleet_of(tmp_path, server) as fleet:
        crawl_single(tmp_path / "single", server, *journals)
        for name in ("w1", "w2"):
            fleet.start(name, "--visibility-timeout", "20", "-s", "ARCHIVER_COMMIT_SECONDS=0.5")
        fleet.enqueue(*journals)
        running = fleet.wait_until(
            lambda s: any(r["journal"] == "bulk_journal" and r["pages"] >= 150 for r in s.running),
            "bulk_journal under way",
        )
        (holder,) = [r["worker"] for r in running.running if r["journal"] == "bulk_journal"]
        fleet.kill(holder)
        killed_pages = pages_of_last_run(fleet.output(holder) / "archive.db")
        fleet.merge(holder)  # what it saved before it died is in the archive now
        with closing(sqlite_utils.Database(tmp_path / "archive" / "archive.db").conn) as conn:
            known = journal_knowledge(sqlite_utils.Database(conn), "bulk_journal")
        # What an incremental run reads again: the newest posts (ARCHIVER_REFRESH_WINDOW) and
        # those with fewer comments archived than they show (killed before their next pages).
        may_refetch = set(known.newest_first[:10]) | known.incomplete
        status = fleet.wait_until(
            lambda s: "bulk_journal" in {d["journal"] for d in s.done} and not s.running,
            "bulk_journal done by the other worker",
        )
    (other,) = {"w1", "w2"} - {holder}
    finished = [d for d in status.done if d["journal"] == "bulk_journal"]
    assert finished and {(d["worker"], d["exit_code"]) for d in finished} == {(other, exitcodes.OK)}
    fleet.merge("w1", "w2")
    archive = tmp_path / "archive"
    # A kill between a post page and the further pages of its comments leaves those comments as
    # that page showed them (collapsed), text and all: the next run, here on the other worker,
    # does not read the post again when they are all there (as in one process; see the notes).
    # Then a `?page=1` that only repeats the post page's comments is not archived: the one
    # difference allowed, and only in the captures (the comments themselves are all compared).
    single = tmp_path / "single" / "archive.db"
    differs = same_content(archive / "archive.db", single, collapsed=False)
    differs.pop("captures", None)
    assert differs == {}
    leave_out = light_posts(archive / "archive.db") | light_posts(single)
    merged = archive_content(archive / "archive.db", leave_out)["captures"]
    alone = archive_content(single, leave_out)["captures"]
    assert merged <= alone
    assert all(re.search(r"\.html\?page=1$", url) for url, *_ in alone - merged), alone - merged
    assert archiver("verify", str(archive)).returncode == exitcodes.OK
    # The killed worker's post pages that reached the archive were not fetched again, saved or
    # not (those it archived but never saved were read back from the archive's WARC files).
    with closing(sqlite3.connect(archive / "archive.db")) as db:
        refetched = db.execute(
            "SELECT c.url FROM captures c JOIN crawl_runs r ON r.id = c.run_id "
            "JOIN posts p ON p.url = c.url WHERE r.journals = '[\"bulk_journal\"]' "
            "GROUP BY c.url HAVING count(DISTINCT r.uid) > 1"
        ).fetchall()
    assert killed_pages >= 150
    assert {url for (url,) in refetched} <= may_refetch


def test_workers_together_keep_to_one_site_budget(tmp_path: Path) -> None:
    journals = ["kelijah", "tea_club", "moskvich", "adult_notes"]
    with running_server(faults=LATENCY) as server, fleet_of(tmp_path, server) as fleet:
        for name in ("w1", "w2"):
            fleet.start(name, "--site-rate", "6")
        fleet.enqueue(*journals)
        fleet.wait_until(all_done(4), "four journals done")
        per_second = server.site_requests_per_second
    assert sum(per_second.values()) > 200
    assert max(per_second.values()) <= 6, sorted(per_second.items())
    assert len(per_second) >= sum(per_second.values()) / 6


def test_the_next_round_on_other_workers_is_incremental(tmp_path: Path) -> None:
    journals = SIX[:5]
    rounds: list[dict[str, int]] = []
    port = 0
    for revision, names in ((0, ("w1", "w2")), (1, ("w3", "w4"))):
        with (
            running_server(site=build_site(revision), faults=LATENCY, port=port) as server,
            fleet_of(tmp_path / f"round{revision}", server) as fleet,
        ):
            port = server.port
            fleet.root = tmp_path  # one archive, and every worker's output, under tmp_path
            for journal in journals:  # the reference: each journal in an output of its own
                crawl_single(tmp_path / "single" / journal, server, journal)
            for name in names:
                fleet.start(name)
            fleet.enqueue(*journals)
            status = fleet.wait_until(all_done(len(journals)), f"round {revision} done")
            fleet.stop_all()
            fleet.merge(*names)
        assert {d["worker"] for d in status.done} <= set(names)
        rounds.append(
            {d["journal"]: last_run_of(tmp_path / d["worker"], d["journal"]) for d in status.done}
        )
    reference = {j: last_run_of(tmp_path / "single" / j, j) for j in journals}
    # Every journal of the second round went to a worker that had never crawled it, and cost what
    # an incremental run into its own output costs.
    assert rounds[1] == reference
    assert all(rounds[1][j] < rounds[0][j] for j in journals), (rounds, reference)


def last_run_of(output: Path, journal: str) -> int:
    with closing(sqlite3.connect(output / "archive.db")) as db:
        (requests,) = db.execute(
            "SELECT requests FROM crawl_runs WHERE journals = ? ORDER BY id DESC LIMIT 1",
            [f'["{journal}"]'],
        ).fetchone()
    return int(requests)


@pytest.mark.parametrize("command", [["enqueue", "kelijah"], ["workers", "status"]])
def test_redis_unreachable_is_one_line_and_its_own_exit_code(command: list[str]) -> None:
    from loopback import free_port

    done = archiver(*command, "--broker", f"redis://127.0.0.1:{free_port()}/0")
    assert done.returncode == exitcodes.BROKER_UNREACHABLE
    assert done.stderr.count("\n") == 1 and "could not be reached" in done.stderr


def test_the_site_budget_gives_each_second_its_rate_and_nothing_in_its_last_moment(
    tmp_path: Path,
) -> None:
    from archiver.crawl.budget import GUARD_SECONDS, SiteBudget

    now = [1_000_000.10]
    with running_redis(tmp_path) as broker:
        one, other = SiteBudget(broker, 3, lambda: now[0]), SiteBudget(broker, 3, lambda: now[0])
        taken = [budget.try_take() for budget in (one, other, one, other)]
        assert taken[:3] == [0.0, 0.0, 0.0]
        assert taken[3] == pytest.approx(0.901)  # the fourth waits for the next second
        now[0] = 1_000_001.0 - GUARD_SECONDS / 2
        assert one.try_take() == pytest.approx(GUARD_SECONDS / 2 + 0.001)
        now[0] = 1_000_001.0
        assert [other.try_take() for _ in range(4)][:3] == [0.0, 0.0, 0.0]


def test_redis_lost_mid_crawl_stops_the_worker_and_keeps_what_it_saved(tmp_path: Path) -> None:
    site = build_site(0, 400)
    with running_server(site=site, faults=LATENCY) as server:
        root = tmp_path / "fleet"
        root.mkdir()
        with running_redis(root) as broker:
            fleet = Fleet(broker, root, server.proxy_url)
            try:
                fleet.start("w1", "--site-rate", "40")
                fleet.enqueue("bulk_journal")
                fleet.wait_until(
                    lambda s: any(r["pages"] >= 60 for r in s.running), "bulk_journal under way"
                )
            except BaseException:
                fleet.stop_all()
                raise
        # Redis is gone now: the crawl stops, says why, and the worker ends.
        try:
            fleet.processes["w1"].wait(timeout=120)
        finally:
            fleet.stop_all()
    output = fleet.output("w1")
    with closing(sqlite3.connect(output / "archive.db")) as db:
        outcome, exit_code = db.execute(
            "SELECT outcome, exit_code FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
        posts = db.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert (outcome, exit_code) == ("stopped", exitcodes.BROKER_UNREACHABLE)
    assert 0 < posts < 400
    log = (root / "w1.log").read_text(errors="replace")
    assert "the shared site budget in Redis could not be reached" in log
    verified = archiver("verify", str(output))
    assert verified.returncode == exitcodes.OK, verified.stdout + verified.stderr
