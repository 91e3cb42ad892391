"""How many pages a second the sample LiveJournal serves, and how many a crawl asks of it.

    make bench-server            # or: .venv/bin/python benchmarks/sample_server_load.py

Starts `archiver sample-server` with a 2,000-post journal on a free loopback port, in a process
of its own (as a crawl would use it), then:

1. crawls every journal it holds through it (`archiver crawl --proxy`, the demo's settings) and
   reports the crawl's request rate and the server's CPU time meanwhile (skip with --no-crawl);
2. asks wrk for post, index, calendar and tag pages of `bulk_journal` in proxy form
   (`GET http://bulk-journal.livejournal.com/...`): "cached" repeats the same URLs (the server
   keeps the last 4,096 answers), "uncached" adds `nocache=N` to every URL so each page is
   rendered, as in a crawl, which asks for each URL once;
3. wrk cannot open a CONNECT tunnel, so the https path is measured with a small Python client
   (http.client, over CONNECT + TLS, and in plain proxy form as a control).

The results go into benchmarks/REPORT.md by hand.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from pathlib import Path

from archiver import urls
from archiver.sample.content import build_site
from archiver.sample.render import INDEX_PAGE_SIZE, MAX_SKIP

POSTS = 2000
JOURNAL = "bulk_journal"
HOST = urls.journal_host(JOURNAL)
CONNECTIONS = 16
CLIENTS = 4
# The demo's settings (archiver/cli.py DEMO_SETTINGS).
CRAWL_SETTINGS = (
    "AUTOTHROTTLE_ENABLED=False",
    "CONCURRENT_REQUESTS=16",
    "CONCURRENT_REQUESTS_PER_DOMAIN=8",
    "LOG_LEVEL=WARNING",
)
LUA = """local paths = {%s}
local i = 0
request = function()
  i = i + 1
  local path = paths[(i %% #paths) + 1]
  if %s then
    path = path .. (string.find(path, "?", 1, true) and "&" or "?") .. "nocache=" .. i
  end
  return wrk.format("GET", path)
end
"""


def page_urls() -> dict[str, list[str]]:
    """https URLs of bulk_journal by page kind, and "mixed": all of them, shuffled."""
    journal = build_site(0, POSTS).journal(JOURNAL)
    assert journal is not None
    skips = range(0, MAX_SKIP + 1, INDEX_PAGE_SIZE)
    years = journal.public_calendar
    months = [(y, m) for y in years for m in years[y]]
    kinds = {
        "post": [p.url for p in journal.public_posts],
        "index": [urls.index_url(JOURNAL, skip) for skip in skips],
        "calendar": [urls.year_url(JOURNAL, y) for y in years]
        + [urls.month_url(JOURNAL, y, m) for y, m in months]
        + [urls.day_url(JOURNAL, y, m, d) for y, m in months for d in years[y][m]],
        "tag": [
            urls.tag_url(JOURNAL, tag) + (f"?skip={skip}" if skip else "")
            for tag, count in journal.tag_counts.items()
            for skip in skips
            if skip < count
        ],
    }  # fmt: skip
    mixed = [u for kind in kinds.values() for u in kind]
    random.Random(0).shuffle(mixed)
    return {**kinds, "mixed": mixed}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def crawl(port: int, pid: int, journals: list[str], workdir: Path) -> None:
    command = [sys.executable, "-m", "archiver.cli", "crawl", *journals, "--output", str(workdir)]
    command += ["--proxy", f"http://127.0.0.1:{port}"]
    command += [arg for setting in CRAWL_SETTINGS for arg in ("-s", setting)]
    before = cpu_seconds(pid)
    subprocess.run(command, capture_output=True, check=False)
    busy = cpu_seconds(pid) - before
    with sqlite3.connect(workdir / "archive.db") as db:
        started, ended, requests = db.execute(
            "SELECT started_at, ended_at, requests FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    wall = (datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds()
    print(
        f"crawl of {len(journals)} journals: {requests} requests in {wall:.0f} s = "
        f"{requests / wall:.0f} req/s; server CPU {busy:.1f} s "
        f"({busy / wall:.0%} of one core, {1000 * busy / requests:.2f} ms a request)\n"
    )


def wrk(port: int, paths: list[str], uncached: bool, duration: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        proxy_form = ", ".join(f'"{u.replace("https://", "http://", 1)}"' for u in paths)
        script.write(LUA % (proxy_form, "true" if uncached else "false"))
        script.flush()
        command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration}s", "--latency", "-s"]
        command += [script.name, f"http://127.0.0.1:{port}/"]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.findall(r"Requests/sec:\s+([\d.]+)", out)[0])
    pct = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)$", out, re.MULTILINE))
    bad = re.findall(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    note = "; ".join(a or b for a, b in bad) or "all 2xx"
    return f"{rate:8.0f} | {pct['50']:>8} | {pct['90']:>8} | {pct['99']:>8} | {note}"


def client(port: int, tunnel: bool, paths: list[str], seconds: float, warm: bool = False) -> int:
    """Pages fetched in `seconds` on one kept-alive connection, every URL made unique.

    With `warm`, fetches each of `paths` once as it is instead (fills the server's cache).
    """
    if tunnel:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", port, context=context
        )
        conn.set_tunnel(HOST, 443)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port)
    done, deadline = 0, time.monotonic() + seconds
    while done < len(paths) if warm else time.monotonic() < deadline:
        url = paths[done % len(paths)]
        target = url.replace(f"https://{HOST}", "") if tunnel else url.replace("https", "http", 1)
        if not warm:
            target += f"{'&' if '?' in target else '?'}nocache={os.getpid()}-{done}"
        conn.request("GET", target)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{target}: HTTP {response.status}")
        done += 1
    return done


def python_clients(port: int, pid: int, paths: list[str], tunnel: bool, duration: int) -> str:
    before = cpu_seconds(pid)
    with ProcessPoolExecutor(CLIENTS) as pool:
        runs = [pool.submit(client, port, tunnel, paths, duration) for _ in range(CLIENTS)]
        done = sum(run.result() for run in runs)
    busy = cpu_seconds(pid) - before
    return f"{done / duration:8.0f} req/s, server CPU {1000 * busy / done:.2f} ms a page"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--no-crawl", action="store_true", help="skip the crawl")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    kinds = page_urls()
    command = [sys.executable, "-m", "archiver.cli", "sample-server", "--port", "0"]
    server = subprocess.Popen([*command, "--posts", str(POSTS)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline().rsplit(":", 1)[1])
        if not args.no_crawl:
            with tempfile.TemporaryDirectory() as workdir:
                journals = list(build_site(0, POSTS).journals)
                crawl(port, server.pid, journals, Path(workdir))
        client(port, False, kinds["mixed"], 0, warm=True)  # every page once: all cached
        print(f"wrk, 1 thread, {CONNECTIONS} connections, {args.duration} s each, proxy form")
        print("pages | URLs | cache | req/s | p50 | p90 | p99 | errors")
        for uncached in (False, True):  # uncached runs evict the cached pages: they go last
            for kind, paths in kinds.items():
                cache = "uncached" if uncached else "cached"
                figures = wrk(port, paths, uncached, args.duration)
                print(f"{kind:8} | {len(paths):4} | {cache:8} | {figures}", flush=True)
        print(f"\nPython http.client, {CLIENTS} processes, uncached mixed pages:")
        for tunnel in (False, True):
            label = "CONNECT + TLS" if tunnel else "proxy form   "
            rate = python_clients(port, server.pid, kinds["mixed"], tunnel, args.duration)
            print(f"{label}: {rate}", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
