"""How fast `archiver rebuild` turns WARC files into a database, against reading them alone.

Crawls a journal of the sample server once (over loopback), then runs, alternating, in one run:
- `archiver rebuild OUTPUT --into NEW` (read, parse, save: what a user waits for), and
- the baseline: every record of the same files read and decompressed by warcio, nothing more,
  the floor any rebuild from these files stands on.
Writes the figures to benchmarks/REBUILD.md. Run: `make bench-rebuild [POSTS=2000 ROUNDS=3]`.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archiver.archive.warc import warc_files
from archiver.sample.content import build_site
from archiver.sample.server import running_server

ROOT = Path(__file__).resolve().parents[1]
JOURNAL = "bulk_journal"
FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]


def crawl(output: Path, posts: int) -> float:
    """Crawl the journal into `output`; the crawl's wall seconds."""
    started = time.perf_counter()
    with running_server(site=build_site(0, posts)) as server:
        command = [sys.executable, "-m", "archiver.cli", "crawl", JOURNAL, "--output", str(output)]
        subprocess.run(
            [*command, "--proxy", server.proxy_url, *FAST],
            check=True,
            timeout=3600,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return time.perf_counter() - started


def timed_rebuild(output: Path, target: Path) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one `archiver rebuild --into`."""
    target.unlink(missing_ok=True)
    command = [sys.executable, "-m", "archiver.cli", "rebuild", str(output), "--into", str(target)]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and peak RSS
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"archiver rebuild exited {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024


def timed_read(output: Path) -> tuple[float, float]:
    """Wall and CPU seconds of reading every record's content with warcio (in this process)."""
    started, cpu = time.perf_counter(), time.process_time()
    for path in warc_files(output / "warc"):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                record.content_stream().read()
    return time.perf_counter() - started, time.process_time() - cpu


def pages_in(database: Path) -> int:
    with sqlite3.connect(database) as db:
        (pages,) = db.execute("select count(*) from captures where parsed = 1").fetchone()
    return int(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "out"
        crawl_seconds = crawl(output, args.posts)
        warc_bytes = sum(p.stat().st_size for p in warc_files(output / "warc"))
        rows = []
        for round_number in range(1, args.rounds + 1):
            read_wall, read_cpu = timed_read(output)
            wall, cpu, peak = timed_rebuild(output, Path(scratch) / "rebuilt.db")
            pages = pages_in(Path(scratch) / "rebuilt.db")
            rows.append((round_number, pages, wall, cpu, peak, read_wall, read_cpu))
    lines = [
        "# Rebuild rate: `archiver rebuild` against reading the WARC files alone",
        "",
        f"`make bench-rebuild` (`.venv/bin/python benchmarks/rebuild_rate.py --posts {args.posts} "
        f"--rounds {args.rounds}`) on {platform.node()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        f"One crawl of `{JOURNAL}` ({args.posts} posts) from the sample server wrote "
        f"{warc_bytes / 1e6:.1f} MB of WARC. Then, alternating in each round: the baseline (warcio "
        "reads and decompresses every record, nothing else) and `archiver rebuild --into` (read, "
        "parse, save; the whole process, start-up included). The crawl that fetched the same "
        f"pages over loopback took {crawl_seconds:.1f} s.",
        "",
        "| round | captures saved | rebuild s | rebuild CPU s | captures/s | peak RSS MB | "
        "baseline read s | rebuild ÷ baseline | rebuild ÷ crawl |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for number, pages, wall, cpu, peak, read_wall, _read_cpu in rows:
        lines.append(
            f"| {number} | {pages} | {wall:.2f} | {cpu:.2f} | {pages / wall:.0f} | {peak} | "
            f"{read_wall:.2f} | {wall / read_wall:.1f}× | {wall / crawl_seconds:.2f}× |"
        )
    best = min(rows, key=lambda r: r[2])
    lines += [
        "",
        f"Best round: **{best[1] / best[2]:.0f} captures a second** (pages and what they "
        f"load), {best[2] / best[5]:.1f}× the "
        "time it takes only to read the records. Parsing and saving are the cost; reading the "
        "WARC is not.",
        "",
    ]
    report = ROOT / "benchmarks" / "REBUILD.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
