"""What fetching what pages load costs a crawl: requests, bytes and time added per post.

The same journal of the sample server (over loopback) is crawled with `ARCHIVER_MEDIA=none` and
`ARCHIVER_MEDIA=all`, alternating, in one run. Writes benchmarks/MEDIA.md.
Run: `make bench-media [POSTS=1000 ROUNDS=3]`.
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
from dataclasses import dataclass
from pathlib import Path

from archiver.archive.warc import warc_files
from archiver.sample.content import build_site
from archiver.sample.server import running_server

ROOT = Path(__file__).resolve().parents[1]
JOURNAL = "bulk_journal"
FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]


@dataclass(frozen=True)
class Crawl:
    mode: str
    seconds: float
    cpu_seconds: float
    requests: int
    media_requests: int
    warc_bytes: int
    posts: int


def crawl(proxy: str, mode: str) -> Crawl:
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch)
        command = [sys.executable, "-m", "archiver.cli", "crawl", JOURNAL, "--output", scratch]
        command += ["--proxy", proxy, *FAST, "-s", f"ARCHIVER_MEDIA={mode}"]
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"the {mode} crawl exited {os.waitstatus_to_exitcode(status)}")
        with sqlite3.connect(output / "archive.db") as db:
            (requests,) = db.execute("select requests from crawl_runs").fetchone()
            (media,) = db.execute(
                "select count(*) from captures where url in (select url from media)"
            ).fetchone()
            (posts,) = db.execute("select count(*) from posts").fetchone()
        warc_bytes = sum(p.stat().st_size for p in warc_files(output / "warc"))
        cpu = usage.ru_utime + usage.ru_stime
        return Crawl(mode, seconds, cpu, int(requests), int(media), warc_bytes, int(posts))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    crawls: list[Crawl] = []
    with running_server(site=build_site(0, args.posts)) as server:
        for _ in range(args.rounds):
            for mode in ("none", "all"):
                crawls.append(crawl(server.proxy_url, mode))
    lines = [
        "# What pages load: the cost of fetching images, userpics and styles",
        "",
        f"`make bench-media` (`.venv/bin/python benchmarks/media_cost.py --posts {args.posts} "
        f"--rounds {args.rounds}`) on {platform.node()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        f"`{JOURNAL}` ({args.posts} posts) of the sample server over loopback, crawled into a "
        "fresh output with `-s ARCHIVER_MEDIA=none` and `all`, alternating; every crawl is the "
        "whole process, start-up included.",
        "",
        "| round | media | posts | requests | requisite requests | WARC MB | wall s | CPU s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for number, item in enumerate(crawls):
        lines.append(
            f"| {number // 2 + 1} | {item.mode} | {item.posts} | {item.requests} | "
            f"{item.media_requests} | {item.warc_bytes / 1e6:.1f} | {item.seconds:.1f} | "
            f"{item.cpu_seconds:.1f} |"
        )
    none = [c for c in crawls if c.mode == "none"]
    full = [c for c in crawls if c.mode == "all"]
    posts = full[0].posts or 1
    extra_requests = (sum(c.requests for c in full) - sum(c.requests for c in none)) / len(full)
    extra_bytes = (sum(c.warc_bytes for c in full) - sum(c.warc_bytes for c in none)) / len(full)
    wall_none = min(c.seconds for c in none)
    wall_all = min(c.seconds for c in full)
    lines += [
        "",
        f"Per post, requisites add **{extra_requests / posts:.2f} requests** and "
        f"**{extra_bytes / posts / 1024:.1f} KiB** of WARC. The best crawl with them took "
        f"{wall_all:.1f} s against {wall_none:.1f} s without: **{wall_all / wall_none:.2f}×**, "
        f"so they take {100 * (wall_all - wall_none) / wall_all:.0f} % of a crawl's time. Most "
        "requisites (userpics, stylesheets, scripts) are shared by many posts and fetched once "
        "a run; the photos in post bodies are each post's own.",
        "",
    ]
    report = ROOT / "benchmarks" / "MEDIA.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
