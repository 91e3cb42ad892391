"""A machine that reaches nothing (no network, DNS down, the proxy down) is its own outcome:
the cause named, its own exit code, and no journal marked unreachable for it."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

from archiver import exitcodes
from archiver.sample.content import build_site
from archiver.sample.server import running_server

TESTS = Path(__file__).resolve().parent
FAST = ["-s", "AUTOTHROTTLE_ENABLED=False", "-s", "RETRY_TIMES=0"]


def archiver(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(TESTS), "ARCHIVER_CONTACT_URL": "mailto:op@example.org"}
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once it is closed


def statuses(output: Path) -> dict[str, str]:
    with sqlite3.connect(output / "archive.db") as db:
        return dict(db.execute("SELECT username, status FROM journals").fetchall())


def last_run(output: Path) -> tuple[str, int]:
    with sqlite3.connect(output / "archive.db") as db:
        row = db.execute("SELECT outcome, exit_code FROM crawl_runs ORDER BY id DESC").fetchone()
    return row[0], row[1]


def test_a_proxy_that_is_down_is_offline_and_the_journals_stay_as_they_were(
    tmp_path: Path,
) -> None:
    with running_server(site=build_site(0, 30)) as server:
        first = archiver(
            *("crawl", "tea_club", "zloy_odessit", "--output", str(tmp_path)),
            *("--proxy", server.proxy_url, *FAST),
        )
    assert first.returncode == exitcodes.OK, first.stderr[-2000:]
    before = statuses(tmp_path)
    port = closed_port()
    proxy = f"http://user:secret@127.0.0.1:{port}"
    offline = archiver(
        "crawl", "tea_club", "zloy_odessit", "--output", str(tmp_path), "--proxy", proxy, *FAST
    )
    assert offline.returncode == exitcodes.OFFLINE, offline.stdout + offline.stderr[-2000:]
    summary = offline.stdout.strip().splitlines()[-1]
    assert summary.startswith("nothing could be reached, not one answer: ")
    assert f"the proxy 127.0.0.1:{port} refused the connection" in summary
    assert "secret" not in offline.stdout + offline.stderr  # the proxy's password is not told
    assert "could not be reached" not in offline.stdout  # no journal is blamed
    assert statuses(tmp_path) == before and before["tea_club"] == "active"
    assert last_run(tmp_path) == ("offline", exitcodes.OFFLINE)
    with sqlite3.connect(tmp_path / "archive.db") as db:
        errors = db.execute("SELECT kind, message FROM errors WHERE run_id = 2").fetchall()
    assert errors and {kind for kind, _ in errors} == {"network"}


def test_no_name_resolves_the_cause_is_named(tmp_path: Path) -> None:
    done = archiver(
        *("crawl", "zloy_odessit", "--output", str(tmp_path), *FAST),
        *("-s", "DNS_RESOLVER=no_network_resolver.NoNetwork"),
    )
    assert done.returncode == exitcodes.OFFLINE, done.stdout + done.stderr[-2000:]
    assert (
        "could not resolve zloy-odessit.livejournal.com (no network, or a DNS failure?)"
        in done.stdout
    )
    assert "Is this machine online?" in done.stdout
    assert statuses(tmp_path).get("zloy_odessit") != "unreachable"
    with sqlite3.connect(tmp_path / "archive.db") as db:
        (captures,) = db.execute("SELECT count(*) FROM captures").fetchone()
    assert captures == 0  # nothing left the machine
