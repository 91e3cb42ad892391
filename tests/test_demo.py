"""The README's first command, `make demo`, on the bundled sample journal."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_make_demo_archives_the_sample_journals(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    done = subprocess.run(
        ["make", "-s", "demo", f"OUTPUT={tmp_path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    out = done.stdout
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    # A normal run warns of nothing: no deprecation, no middleware switched off, no media file
    # over the size cap (which its `media` row records).
    assert "warning" not in done.stderr.lower(), done.stderr[-3000:]
    assert "publicsuffix" not in done.stderr  # nothing but the sample server is contacted
    assert "journals:" in out and "posts:" in out and "widget items:" in out
    assert "archiver serve" in out
    db = sqlite3.connect(tmp_path / "archive.db")
    statuses = dict(db.execute("select username, status from journals").fetchall())
    assert statuses["gone_away"] == "deleted"
    assert statuses["alstrangers"] == "blocked"
    assert statuses["old_name"] == "renamed"
    assert statuses["zloy_odessit"] == "active"
    posts = db.execute("select count(*) from posts").fetchone()[0]
    # The tally counts what the archive gained: each comment once, however many pages show it.
    comments = db.execute("select count(*) from comments").fetchone()[0]
    assert f"comments: {comments} new, " in out
    assert f"posts:           {posts}" in out
    assert posts > 150
    # The command the demo prints to explore the archive, and the Datasette it starts.
    explore = next(line for line in out.splitlines() if line.startswith("Explore it: "))
    assert explore == f"Explore it: .venv/bin/archiver serve {tmp_path}"
    assert (ROOT / ".venv" / "bin" / "archiver").exists()
    inspected = subprocess.run(
        [ROOT / ".venv" / "bin" / "datasette", "inspect", tmp_path / "archive.db"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert inspected.returncode == 0, inspected.stderr
    tables = json.loads(inspected.stdout)["archive"]["tables"]
    assert tables["posts"]["count"] == posts
