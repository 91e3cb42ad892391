"""`archiver verify`, `rebuild` and `wacz` on a terminal draw a progress bar of the WARC bytes
read, and print their report below it as they do under cron."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from archiver import exitcodes
from archiver.progress_display import RecentRate


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("demo")
    done = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "demo", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == exitcodes.OK, done.stderr[-2000:]
    return output


def on_a_terminal(*args: str) -> tuple[int, list[str], str]:
    """Exit code, the lines drawn on the terminal (colours and cursor moves taken out), stdout."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "archiver.cli", *args],
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, "COLUMNS": "160"},
    )
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    stdout = process.communicate(timeout=600)[0].decode()
    os.close(leader)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode())
    return process.returncode, [s.strip() for s in re.split(r"[\r\n]+", text) if s.strip()], stdout


def warc_megabytes(output: Path) -> int:
    return sum(p.stat().st_size for p in (output / "warc").glob("*.warc.gz")) // 1_000_000


@pytest.mark.parametrize("command", ["verify", "rebuild", "wacz"])
def test_a_terminal_shows_the_warc_bytes_read(command: str, demo: Path, tmp_path: Path) -> None:
    total = warc_megabytes(demo)
    assert total >= 2
    into = {
        "rebuild": ["--into", str(tmp_path / "new.db")],
        "wacz": ["--target", str(tmp_path / "demo.wacz")],
    }.get(command, [])
    args = [command, str(demo), *into]
    status, lines, stdout = on_a_terminal(*args)
    assert status == exitcodes.OK, "\n".join(lines[-20:]) + stdout
    bars = [line for line in lines if "MB of WARC" in line]
    assert bars and bars[-1].startswith(command)
    assert f"100% {total}/{total} MB of WARC" in bars[-1], bars[-1]
    if command == "rebuild":
        assert re.search(r"\d+ records read, \d+ pages parsed", bars[-1])
        assert "pages parsed:" in stdout and (tmp_path / "new.db").exists()
    elif command == "wacz":
        assert stdout.startswith(f"{tmp_path / 'demo.wacz'}: ")
    else:
        assert "OK: every record is complete and its digests match" in stdout
    assert not any("MB of WARC" in line for line in stdout.splitlines())  # stdout stays plain


def test_the_rate_is_the_last_minutes() -> None:
    rate = RecentRate(window=60)
    assert rate.add(0, now=0) == 0
    assert rate.add(600, now=60) == 10  # 600 pages in the first minute
    assert rate.add(660, now=120) == 1  # then 60 in the second: the last minute's rate
