"""The README's local commands, run as written (with `sh`, in a directory laid out like the
checkout: `.venv`, `.venv-replay`, `scrapy.cfg`), in the order a reader meets them: the sample
LiveJournal, a crawl of it with `scrapy crawl`, verify, rebuild, wacz, the sample's logins,
Datasette and pywb. Each command is looked up in the README first, so the manual and this test
cannot drift apart."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def readme_blocks() -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in README.splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None and line.strip():
            current.append(line)
    return blocks


def readme_lines(first: str) -> list[str]:
    """The command lines of the README's code block whose first line starts with `first`,
    continuation lines joined."""
    for lines in readme_blocks():
        if lines and lines[0].startswith(first):
            return "\n".join(lines).replace("\\\n", " ").splitlines()
    raise AssertionError(f"no README block starts with {first!r}")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("manual")
    for environment in (".venv", ".venv-replay"):
        assert (ROOT / environment).is_dir(), f"{environment} is made by make install/replay-tools"
        (home / environment).symlink_to(ROOT / environment)
    (home / "scrapy.cfg").write_text((ROOT / "scrapy.cfg").read_text())
    return home


def run(line: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", "-c", line],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "ARCHIVER_CONTACT_URL"},
    )


@contextmanager
def running(line: str, cwd: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    """`line` in the background until the block ends; it must listen on `port`."""
    process = subprocess.Popen(
        ["/bin/sh", "-c", line.removesuffix("&").strip()],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, process.communicate()[0][-2000:]
                assert time.monotonic() < deadline, f"{line!r} does not listen on {port}"
                time.sleep(0.2)
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8", "replace")


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done.stdout


def test_the_manual_runs_as_written(checkout: Path) -> None:
    serve, manifest, scrapy_crawl, curl = readme_lines(".venv/bin/archiver sample-server")
    login, owner_crawl = readme_lines("ARCHIVER_LJ_USER=zloy_odessit")
    (verify,) = readme_lines(".venv/bin/archiver verify")
    rebuild_in_place, rebuild_into = readme_lines(".venv/bin/archiver rebuild")
    (wacz,) = readme_lines(".venv/bin/archiver wacz output")
    datasette, datasette_replay = readme_lines(".venv/bin/archiver serve output")
    _make_replay_tools, *pywb_setup, wayback = readme_lines("make replay-tools  ")
    output = checkout / "output"

    with running(serve, checkout, 8765) as sample:
        records = [json.loads(line) for line in ok(run(manifest, checkout)).splitlines()]
        assert {r["journal"] for r in records if r["type"] == "post"} >= {"zloy_odessit"}
        ok(run(scrapy_crawl, checkout))
        with sqlite3.connect(output / "archive.db") as db:
            posts = db.execute("select count(*) from posts where journal = 'zloy_odessit'")
            public = [
                r
                for r in records
                if r["type"] == "post"
                and r["journal"] == "zloy_odessit"
                and r["security"] == "public"
            ]
            assert posts.fetchone()[0] == len(public)
        assert "zloy-odessit" in ok(run(curl, checkout))
        ok(run(login, checkout))
        assert (checkout / "owner" / ".session").exists()
        ok(run(owner_crawl, checkout))
        with sqlite3.connect(checkout / "owner" / "archive.db") as db:
            (owned,) = db.execute("select count(*) from posts").fetchone()
        assert owned == 46  # as the README's table of accounts says
    assert "Point a crawl at it" in sample.communicate()[0]

    assert "OK: every record is complete and its digests match" in ok(run(verify, checkout))
    ok(run(rebuild_into, checkout))
    assert (checkout / "fresh.db").exists()
    assert "the database it replaced is kept as" in ok(run(rebuild_in_place, checkout))
    ok(run(wacz, checkout))
    assert (output / "archive.wacz").stat().st_size > 0

    for line, port in ((datasette, 8001), (datasette_replay, 8002)):
        with running(line, checkout, port):
            status, page = get(f"http://127.0.0.1:{port}/-/archiver/chart")
            assert status == 200 and "posts and comments per month" in page

    setup = run(" && ".join(pywb_setup), checkout)
    ok(setup)
    with running(wayback, checkout / "replay", 8080):
        status, page = get("http://127.0.0.1:8080/lj/https://zloy-odessit.livejournal.com/")
        assert status == 200 and "zloy" in page.lower()
