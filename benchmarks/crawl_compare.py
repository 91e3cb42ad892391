"""What archiving costs over fetching: `archiver crawl` side by side with a bare Scrapy spider,
wget and curl over the same URLs, and how a crawl holds up as a journal grows (issue 14).

    make bench          # the comparison (2,000 posts, 3 rounds) and the 10,000-post scale run
    make bench-large    # the 100,000-post scale run alone
    .venv/bin/python benchmarks/crawl_compare.py [--posts 2000] [--rounds 3] [--scale-posts 10000]
        [--no-compare] [--rebuild] [--wget-sample 600]

**Comparison.** `archiver sample-server` runs as a process of its own on a free loopback port,
once answering at once and once with `--latency-ms 50`. A first `archiver crawl bulk_journal`
into a scratch directory gives the URL list: every `captures.url` of the journal's host, in the
order fetched. Then, in each round, in an order that turns round by round, every contender
fetches those URLs through the server as its HTTPS proxy with 16 requests at a time (wget: one
connection), each as a fresh process into a fresh directory:

- `archiver crawl bulk_journal --full` (parse + WARC + SQLite), with AutoThrottle and robots.txt
  off and `ARCHIVER_MEDIA=none`, so that it fetches the journal's pages and nothing else; it
  follows links rather than reading the list, and its own request count is reported;
- benchmarks/bare_spider.py: Scrapy with the same settings, requesting exactly the list, keeping
  nothing;
- `wget --warc-file`, one connection; at 50 ms over an evenly spaced sample of `--wget-sample`
  URLs (it is latency-bound, one request at a time: the full list would take minutes a round);
- `xargs -P16 -n64 curl` (16 curl processes, 64 URLs each over a kept-alive tunnel).

Before the first round at 50 ms the list is fetched once with curl, so that every contender finds
the server's cache (its last 4,096 answers) as warm as at 0 ms, where the first crawl warmed it.

For each run: wall seconds; CPU seconds (user + sys of the process and every child it waited for,
from `wait4`); peak RSS (the process and its children together, sampled every 0.25 s from
`/proc`, or `ru_maxrss` if larger: the crawl parses in a second process); bytes written
(`/proc/PID/io` `write_bytes`, read while the finished process is still a zombie, so it includes
its children's); the final size of what it wrote; the server's CPU seconds and the CPU that other
processes on the machine used meanwhile (from /proc/stat), since a busy machine slows wall times.

**Scale.** A fresh server with `--scale-posts` posts (0 ms), one `archiver crawl` into a fresh
output, measured as above, with its rate per tenth of the requests (from `captures.fetched_at`),
and with --rebuild, `archiver rebuild` of that output (benchmarks/rebuild_rate.py measures it
against reading the WARC files alone).

Results go into benchmarks/crawl.json (each run replaces the sections it measured and keeps the
others) and benchmarks/CRAWL.md, written from it. Text under "## Notes" in CRAWL.md is kept.
All traffic is on loopback.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from archiver import urls as lj_urls
from archiver.sample.server import CACHE_SIZE

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "benchmarks" / "CRAWL.md"
RESULTS = ROOT / "benchmarks" / "crawl.json"
BARE_SPIDER = ROOT / "benchmarks" / "bare_spider.py"
NOTES_HEADING = "## Notes"
JOURNAL = "bulk_journal"
HOST = lj_urls.journal_host(JOURNAL)
CONCURRENCY = 16
LATENCIES = (0, 50)
COOKIE = "adult_explicit=1; adult_concepts=1"  # what archiver's requests carry
CONTENDERS = ("archiver", "bare", "wget", "curl")
LABELS = {
    "archiver": "`archiver crawl` (parse + WARC + SQLite)",
    "bare": "bare Scrapy, same proxy, no pipeline",
    "wget": "`wget --warc-file`, one connection",
    "curl": f"`xargs -P{CONCURRENCY} -n64 curl`",
}
CRAWL_SETTINGS = (
    "AUTOTHROTTLE_ENABLED=False",
    "ROBOTSTXT_OBEY=False",
    f"CONCURRENT_REQUESTS={CONCURRENCY}",
    f"CONCURRENT_REQUESTS_PER_DOMAIN={CONCURRENCY}",
    "ARCHIVER_MEDIA=none",
    "LOG_LEVEL=WARNING",
)
CLOCK_TICK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


# ------------------------------------------------------------------ measuring a process


@dataclass
class Measured:
    wall: float
    cpu: float
    peak_rss_mb: float
    write_bytes: int
    cancelled_write_bytes: int
    server_cpu: float
    others_cores: float  # CPU used meanwhile by everything but this process tree and the server


@dataclass
class Run:
    contender: str
    latency_ms: int
    round: int
    urls: int
    pages: int
    output_bytes: int
    wall: float
    cpu: float
    peak_rss_mb: float
    write_bytes: int
    cancelled_write_bytes: int
    server_cpu: float
    others_cores: float

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.wall

    @property
    def cpu_per_1000(self) -> float:
        return 1000 * self.cpu / self.pages

    @property
    def amplification(self) -> float | None:
        return self.write_bytes / self.output_bytes if self.output_bytes else None


def _busy_seconds() -> float:
    """CPU seconds every core of the machine has spent busy since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICK


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK  # utime, stime


def _io(pid: int) -> dict[str, int]:
    pairs = (line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
    return {key: int(value) for key, value in pairs}


def _tree_rss_kb(pid: int) -> int:
    """The resident memory of a process and all its descendants together, in KiB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        process = int(entry.name)
        parents[process] = int(fields[1])  # ppid
        rss[process] = int(fields[21]) * PAGE_KB  # rss, in pages
    tree, grew = {pid}, True
    while grew:
        more = {p for p, parent in parents.items() if parent in tree} - tree
        tree, grew = tree | more, bool(more)
    return sum(rss.get(p, 0) for p in tree)


class _TreeMemory(threading.Thread):
    """Samples a process tree's summed RSS every 0.25 s: `ru_maxrss` gives only the largest
    process's peak, and the crawl parses in a second process."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.25):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))


_running: list[subprocess.Popen[bytes]] = []  # ended on SIGTERM or Ctrl-C


def measure(
    command: list[str], server_pid: int | None, cwd: Path, stdout: Path, stdin: Path | None = None
) -> tuple[Measured, int]:
    """Run `command` to its end; what it cost (with the CPU time of the server meanwhile), and
    its exit code."""

    def server() -> float:
        return _process_cpu(server_pid) if server_pid else 0.0

    server_before, busy_before = server(), _busy_seconds()
    with (
        open(stdout, "wb") as out,
        open(cwd / "stderr.txt", "wb") as err,
        open(stdin or os.devnull, "rb") as given,
    ):
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdin=given, stdout=out, stderr=err)
        _running.append(child)
        memory = _TreeMemory(child.pid)
        memory.start()
        # Wait for it to end without reaping it: a zombie's /proc/PID/io still counts everything
        # it and its reaped children wrote.
        os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
        wall = time.perf_counter() - started
        memory.done.set()
        memory.join()
        io = _io(child.pid)
        server_cpu, busy = server() - server_before, _busy_seconds() - busy_before
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        _running.remove(child)
    cpu = usage.ru_utime + usage.ru_stime
    measured = Measured(
        wall=wall,
        cpu=cpu,
        peak_rss_mb=max(usage.ru_maxrss, memory.peak_kb) / 1024,
        write_bytes=io["write_bytes"],
        cancelled_write_bytes=io["cancelled_write_bytes"],
        server_cpu=server_cpu,
        others_cores=max(0.0, busy - cpu - server_cpu) / wall,
    )
    return measured, child.returncode


def _checked(measured: tuple[Measured, int], what: str, cwd: Path) -> Measured:
    result, code = measured
    if code != 0:
        tail = (cwd / "stderr.txt").read_text("utf-8", "replace")[-2000:]
        raise SystemExit(f"{what} exited {code}:\n{tail}")
    return result


def _tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ------------------------------------------------------------------ the sample server


@dataclass(frozen=True)
class Server:
    proxy: str
    pid: int


@contextmanager
def sample_server(posts: int, latency_ms: int) -> Iterator[Server]:
    command = [sys.executable, "-m", "archiver.cli", "sample-server", "--port", "0"]
    command += ["--posts", str(posts), "--latency-ms", str(latency_ms)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _running.append(process)
    try:
        assert process.stdout is not None
        line = process.stdout.readline().decode()
        if "listening on " not in line:
            raise SystemExit(f"the sample server did not start: {line!r}")
        yield Server(line.rsplit("listening on ", 1)[1].strip(), process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
        _running.remove(process)


# ------------------------------------------------------------------ contenders


def archiver_command(output: Path, proxy: str) -> list[str]:
    command = [sys.executable, "-m", "archiver.cli", "crawl", JOURNAL, "--full"]
    command += ["--output", str(output), "--proxy", proxy]
    for setting in CRAWL_SETTINGS:
        command += ["-s", setting]
    return command


def crawl_requests(output: Path) -> int:
    with sqlite3.connect(output / "archive.db") as db:
        (requests,) = db.execute("select requests from crawl_runs order by id desc").fetchone()
    return int(requests)


def journal_urls(output: Path) -> list[str]:
    """The journal's URLs the crawl into `output` fetched, in the order fetched."""
    with sqlite3.connect(output / "archive.db") as db:
        rows = db.execute(
            "select url from captures where url like ? and record_type = 'response' order by id",
            (f"https://{HOST}/%",),
        ).fetchall()
    seen: dict[str, None] = dict.fromkeys(url for (url,) in rows)
    return list(seen)


def warc_responses(directory: Path) -> int:
    count = 0
    for path in directory.glob("*.warc.gz"):
        with open(path, "rb") as stream:
            count += sum(1 for r in ArchiveIterator(stream) if r.rec_type == "response")
    return count


def run_contender(
    name: str, server: Server, url_file: Path, work: Path
) -> tuple[Measured, int, int]:
    """Run one contender into a fresh directory under `work`: cost, pages fetched, bytes kept."""
    out = work / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    stdout = work / f"{name}.stdout"
    if name == "archiver":
        archive = out / "archive"
        measured = _checked(
            measure(archiver_command(archive, server.proxy), server.pid, out, stdout),
            "archiver crawl",
            out,
        )
        return measured, crawl_requests(archive), _tree_bytes(archive)
    if name == "bare":
        command = [sys.executable, str(BARE_SPIDER), str(url_file), "--proxy", server.proxy]
        command += ["--concurrency", str(CONCURRENCY)]
        measured = _checked(measure(command, server.pid, out, stdout), "bare spider", out)
        pages = int(json.loads(stdout.read_text().strip().splitlines()[-1])["responses"])
        return measured, pages, 0
    if name == "wget":
        command = ["wget", "-q", "-e", "use_proxy=yes", "-e", f"https_proxy={server.proxy}"]
        command += ["--no-check-certificate", "--header", f"Cookie: {COOKIE}", "--tries=1"]
        command += [f"--warc-file={out / 'wget'}", f"--warc-tempdir={out}", "--no-warc-keep-log"]
        command += ["-O", os.devnull, "-i", str(url_file)]
        # wget exits 8 when any answer is a 4xx/5xx: the journal's URLs include error pages.
        measured, code = measure(command, server.pid, out, stdout)
        if code not in (0, 8):
            _checked((measured, code), "wget", out)
        (out / "stderr.txt").unlink()
        return measured, warc_responses(out), _tree_bytes(out)
    if name == "curl":
        command = ["xargs", f"-P{CONCURRENCY}", "-n64", "curl", "-s", "-k", "--proxy"]
        command += [server.proxy, "-H", f"Cookie: {COOKIE}", "-w", "%{stderr}."]
        measured, code = measure(command, server.pid, out, Path(os.devnull), stdin=url_file)
        _checked((measured, code), "xargs curl", out)
        # A dot on stderr per answer: the 16 processes' lines would interleave.
        pages = (out / "stderr.txt").read_bytes().count(b".")
        return measured, pages, 0
    raise ValueError(name)


def sample(urls: list[str], count: int) -> list[str]:
    if count <= 0 or count >= len(urls):
        return urls
    return [urls[i * len(urls) // count] for i in range(count)]


def compare(
    posts: int, rounds: int, wget_sample: int, work: Path, say: Callable[[str], None]
) -> dict[str, Any]:
    runs: list[Run] = []
    first: dict[str, Any] = {}
    url_file = work / "urls.txt"
    for latency in LATENCIES:
        with sample_server(posts, latency) as server:
            if not first:
                scratch = work / "first"
                scratch.mkdir()
                measured = _checked(
                    measure(
                        archiver_command(scratch / "archive", server.proxy),
                        server.pid,
                        scratch,
                        work / "first.stdout",
                    ),
                    "the first crawl",
                    scratch,
                )
                urls = journal_urls(scratch / "archive")
                url_file.write_text("\n".join(urls) + "\n", "utf-8")
                first = {"urls": len(urls), "wall": measured.wall, "cpu": measured.cpu}
                shutil.rmtree(scratch)
                say(f"first crawl: {len(urls)} URLs of {HOST} in {measured.wall:.1f} s")
            else:
                warm = work / "warm"
                warm.mkdir(exist_ok=True)
                run_contender("curl", server, url_file, warm)
                shutil.rmtree(warm)
            lists = {name: (url_file, len(urls)) for name in CONTENDERS}
            if latency and 0 < wget_sample < len(urls):
                sampled = work / "urls-wget.txt"
                sampled.write_text("\n".join(sample(urls, wget_sample)) + "\n", "utf-8")
                lists["wget"] = (sampled, wget_sample)
            for number in range(1, rounds + 1):
                turn = (number - 1) % len(CONTENDERS)
                for name in CONTENDERS[turn:] + CONTENDERS[:turn]:
                    listed, count = lists[name]
                    measured, pages, kept = run_contender(name, server, listed, work)
                    shutil.rmtree(work / name)
                    run = Run(name, latency, number, count, pages, kept, **asdict(measured))
                    runs.append(run)
                    say(
                        f"{latency:>2} ms round {number} {name:>8}: {pages} pages "
                        f"{run.wall:6.1f} s {run.pages_per_second:7.1f}/s "
                        f"CPU {run.cpu_per_1000:5.2f} s/1000 RSS {run.peak_rss_mb:5.0f} MB "
                        f"written {run.write_bytes / 1e6:7.1f} MB kept {kept / 1e6:6.1f} MB "
                        f"others {run.others_cores:.2f} cores"
                    )
    return {
        "posts": posts,
        "rounds": rounds,
        "wget_sample": wget_sample,
        "first_crawl": first,
        "runs": [{**asdict(r), "pages_per_second": r.pages_per_second} for r in runs],
    }


# ------------------------------------------------------------------ scale


def tenths(output: Path) -> list[dict[str, float]]:
    """The crawl's requests in ten equal parts, in the order fetched: pages a minute in each
    (from the first page of a tenth to the first of the next; the last tenth: to its last)."""
    with sqlite3.connect(output / "archive.db") as db:
        rows = db.execute(
            "select fetched_at from captures where record_type = 'response' order by fetched_at"
        ).fetchall()
    stamps = [datetime.fromisoformat(stamp).timestamp() for (stamp,) in rows]
    parts = []
    for tenth in range(10):
        start, end = (
            tenth * len(stamps) // 10,
            min((tenth + 1) * len(stamps) // 10, len(stamps) - 1),
        )
        seconds = max(stamps[end] - stamps[start], 1e-6)
        parts.append(
            {"pages": end - start, "seconds": seconds, "per_minute": 60 * (end - start) / seconds}
        )
    return parts


def scale(posts: int, rebuild: bool, work: Path, say: Callable[[str], None]) -> dict[str, Any]:
    out = work / "scale"
    out.mkdir()
    archive = out / "archive"
    with sample_server(posts, 0) as server:
        measured = _checked(
            measure(archiver_command(archive, server.proxy), server.pid, out, work / "s.stdout"),
            "archiver crawl (scale)",
            out,
        )
    requests = crawl_requests(archive)
    warc = sum(p.stat().st_size for p in (archive / "warc").glob("*.warc.gz"))
    index = sum(p.stat().st_size for p in (archive / "warc").glob("*.cdxj"))
    database = sum(p.stat().st_size for p in archive.glob("archive.db*"))
    kept = _tree_bytes(archive)
    result: dict[str, Any] = {
        "posts": posts,
        "requests": requests,
        **asdict(measured),
        "pages_per_second": requests / measured.wall,
        "database_bytes": database,
        "warc_bytes": warc,
        "index_bytes": index,
        "output_bytes": kept,
        "tenths": tenths(archive),
    }
    say(
        f"scale {posts} posts: {requests} requests in {measured.wall:.1f} s, "
        f"peak RSS {measured.peak_rss_mb:.0f} MB, written {measured.write_bytes / 1e6:.0f} MB "
        f"for {kept / 1e6:.0f} MB"
    )
    if rebuild:
        target = out / "rebuilt.db"
        command = [sys.executable, "-m", "archiver.cli", "rebuild", str(archive)]
        command += ["--into", str(target)]
        done = _checked(measure(command, None, out, work / "r.stdout"), "archiver rebuild", out)
        with sqlite3.connect(target) as db:
            (captures,) = db.execute("select count(*) from captures").fetchone()
        result["rebuild"] = {
            "captures": int(captures),
            "wall": done.wall,
            "cpu": done.cpu,
            "peak_rss_mb": done.peak_rss_mb,
            "write_bytes": done.write_bytes,
            "database_bytes": target.stat().st_size,
            "captures_per_second": captures / done.wall,
        }
        say(f"rebuild: {captures} captures in {done.wall:.1f} s")
    shutil.rmtree(out)
    return result


# ------------------------------------------------------------------ the report


def machine() -> dict[str, Any]:
    import scrapy
    import twisted

    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])

    def output(command: list[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, check=False).stdout
        except OSError:
            return ""

    def version(command: list[str]) -> str:
        return (output(command).splitlines() or ["missing"])[0]

    return {
        "host": platform.node(),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": model,
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "scrapy": scrapy.__version__,
        "twisted": twisted.__version__,
        "wget": version(["wget", "--version"]),
        "curl": version(["curl", "--version"]),
        "load_average": os.getloadavg(),
        "commit": version(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"]),
        "archiver_changed_files": len(
            output(["git", "-C", str(ROOT), "status", "--porcelain", "archiver"]).splitlines()
        ),
    }


def _spread(values: list[float], digits: int = 2) -> str:
    if not values:
        return "–"
    median = statistics.median(values)
    return f"{median:.{digits}f}× ({min(values):.{digits}f}–{max(values):.{digits}f})"


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _comparison_lines(data: dict[str, Any]) -> list[str]:
    runs = [Run(**{k: v for k, v in r.items() if k != "pages_per_second"}) for r in data["runs"]]

    def of(name: str, latency: int) -> list[Run]:
        return [r for r in runs if r.contender == name and r.latency_ms == latency]

    first = data["first_crawl"]
    lines = [
        "## Side by side",
        "",
        f"`{JOURNAL}` with {data['posts']} posts: the same {first['urls']} URLs of `{HOST}` for "
        f"every contender (from a first crawl, {first['wall']:.1f} s), {CONCURRENCY} requests "
        f"at a time, AutoThrottle and robots.txt off, {data['rounds']} rounds at each latency, "
        "the order of the contenders turning round by round. Medians over the rounds "
        "(peak RSS: the largest); every run is a fresh process, start-up included.",
        "",
        "| contender | loopback pages/s | CPU s per 1,000 pages | 50 ms pages/s | "
        "CPU s per 1,000 pages at 50 ms | peak RSS MB | MB written | MB kept | "
        "write amplification |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name in CONTENDERS:
        fast, slow = of(name, 0), of(name, 50)
        if not fast:
            continue
        kept = _median([r.output_bytes for r in fast])
        amplification = (
            f"{_median([r.amplification or 0 for r in fast]):.1f}×" if kept else "nothing kept"
        )
        lines.append(
            f"| {LABELS[name]} | {_median([r.pages_per_second for r in fast]):,.0f} | "
            f"{_median([r.cpu_per_1000 for r in fast]):.2f} | "
            f"{_median([r.pages_per_second for r in slow]):,.1f} | "
            f"{_median([r.cpu_per_1000 for r in slow]):.2f} | "
            f"{max(r.peak_rss_mb for r in fast + slow):.0f} | "
            f"{_median([r.write_bytes for r in fast]) / 1e6:.1f} | {kept / 1e6:.1f} | "
            f"{amplification} |"
        )
    wget_slow = of("wget", 50)
    if wget_slow and wget_slow[0].urls != first["urls"]:
        lines += [
            "",
            f"wget at 50 ms fetched an evenly spaced sample of {wget_slow[0].urls} of the URLs "
            "(one request at a time, its rate does not depend on how many).",
        ]
    lines += [
        "",
        "Requests: "
        + ", ".join(
            f"{name} {sorted({r.pages for r in of(name, 0)})}" for name in CONTENDERS if of(name, 0)
        )
        + " at 0 ms. MB written and kept are at 0 ms.",
        "",
        "### Ratios, per round: median (min–max)",
        "",
        "| ratio | loopback | 50 ms |",
        "|---|---|---|",
    ]

    def ratios(top: str, bottom: str, latency: int, figure: Callable[[Run], float]) -> list[float]:
        pairs = zip(of(top, latency), of(bottom, latency), strict=False)
        return [figure(a) / figure(b) for a, b in pairs]

    def speed(r: Run) -> float:
        return r.pages_per_second

    def cost(r: Run) -> float:
        return r.cpu_per_1000

    for label, top, bottom, figure in (
        (
            "archiver ÷ bare Scrapy, pages/s (target ≥ 0.8 / ≥ 0.9 at 50 ms)",
            "archiver",
            "bare",
            speed,
        ),
        ("archiver ÷ bare Scrapy, CPU per page (target ≤ 1.25)", "archiver", "bare", cost),
        ("archiver ÷ wget, pages/s (target ≥ 12 at 50 ms)", "archiver", "wget", speed),
        ("bare Scrapy ÷ wget, pages/s", "bare", "wget", speed),
        ("archiver ÷ curl, pages/s", "archiver", "curl", speed),
    ):
        lines.append(
            f"| {label} | {_spread(ratios(top, bottom, 0, figure))} | "
            f"{_spread(ratios(top, bottom, 50, figure))} |"
        )
    archiver_runs = of("archiver", 0)
    if archiver_runs:
        lines += [
            "",
            "Write amplification of `archiver crawl` (bytes written ÷ final size of the output: "
            "database + WARC + index), per round: "
            + _spread([r.amplification or 0 for r in archiver_runs], 1)
            + " at 0 ms, "
            + _spread([r.amplification or 0 for r in of("archiver", 50)], 1)
            + " at 50 ms (target ≤ 2×).",
        ]
    lines += [
        "",
        "### Every run",
        "",
        "| latency | round | contender | URLs | pages | wall s | pages/s | CPU s | CPU s/1000 | "
        "peak RSS MB | MB written | of which cancelled | MB kept | server CPU s | "
        "other load (cores) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r.latency_ms} ms | {r.round} | {r.contender} | {r.urls} | {r.pages} | "
            f"{r.wall:.1f} | {r.pages_per_second:.1f} | {r.cpu:.1f} | {r.cpu_per_1000:.2f} | "
            f"{r.peak_rss_mb:.0f} | {r.write_bytes / 1e6:.1f} | "
            f"{r.cancelled_write_bytes / 1e6:.1f} | {r.output_bytes / 1e6:.1f} | "
            f"{r.server_cpu:.1f} | {r.others_cores:.2f} |"
        )
    if first["urls"] > CACHE_SIZE:
        lines += [
            "",
            f"The list is longer than the server's cache ({CACHE_SIZE} answers): every page "
            "was rendered again for every contender.",
        ]
    return lines


def _scale_lines(data: dict[str, Any]) -> list[str]:
    lines = [
        f"## Scale: {data['posts']:,} posts",
        "",
        f"`{data['command']}`, {data['date']}. One `archiver crawl {JOURNAL} --full` (the same "
        "settings, start-up included) into a fresh output; the server renders every page once "
        "(a crawl asks for each URL once, so its cache does not help).",
        "",
        "| requests | wall s | pages/s | CPU s | CPU s/1000 | peak RSS MB | MB written | "
        "database MB | WARC MB | index MB | write amplification | other load (cores) |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
        f"| {data['requests']} | {data['wall']:.1f} | {data['pages_per_second']:.1f} | "
        f"{data['cpu']:.1f} | {1000 * data['cpu'] / data['requests']:.2f} | "
        f"{data['peak_rss_mb']:.0f} | {data['write_bytes'] / 1e6:.0f} | "
        f"{data['database_bytes'] / 1e6:.1f} | {data['warc_bytes'] / 1e6:.1f} | "
        f"{data['index_bytes'] / 1e6:.1f} | {data['write_bytes'] / data['output_bytes']:.1f}× | "
        f"{data['others_cores']:.2f} |",
        "",
        "Pages a minute in each tenth of the requests (from `captures.fetched_at`):",
        "",
        "| " + " | ".join(str(n) for n in range(1, 11)) + " | last ÷ first |",
        "|" + "---|" * 11,
        "| "
        + " | ".join(f"{t['per_minute']:,.0f}" for t in data["tenths"])
        + f" | {data['tenths'][-1]['per_minute'] / data['tenths'][0]['per_minute']:.2f} |",
    ]
    rebuild = data.get("rebuild")
    if rebuild:
        lines += [
            "",
            f"`archiver rebuild` of that output: {rebuild['captures']} captures in "
            f"{rebuild['wall']:.1f} s (**{rebuild['captures_per_second']:.0f} captures/s**), "
            f"{rebuild['cpu']:.1f} CPU s, peak RSS {rebuild['peak_rss_mb']:.0f} MB, "
            f"{rebuild['write_bytes'] / 1e6:.0f} MB written for a "
            f"{rebuild['database_bytes'] / 1e6:.1f} MB database.",
        ]
    return lines


def write_report(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# Crawl cost: `archiver crawl` beside bare Scrapy, wget and curl",
        "",
        "Written by benchmarks/crawl_compare.py from benchmarks/crawl.json (issue 14). "
        "`make bench` runs the comparison and the 10,000-post scale run; `make bench-large` "
        "the 100,000-post scale run. A benchmark, not a test: nothing here is asserted.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| CPU | {m['cpu']} (`/proc/cpuinfo` model name), `nproc` {m['nproc']} |",
        f"| memory | {m['memory_gib']} GiB |",
        f"| OS | {m['os']} |",
        f"| Python | {m['python']}, Scrapy {m['scrapy']}, Twisted {m['twisted']} |",
        f"| wget, curl | {m['wget']}; {m['curl'].split(' (')[0]} |",
        f"| load average at start | {', '.join(f'{v:.2f}' for v in m['load_average'])} |",
        f"| archiver | commit {m['commit']}, {m['archiver_changed_files']} files under "
        "`archiver/` changed in the working tree |",
        "",
    ]
    comparison = results.get("comparison")
    if comparison:
        lines += [
            f"Comparison: `{comparison['command']}`, {comparison['date']}.",
            "",
            *_comparison_lines(comparison),
            "",
        ]
    for key in sorted(results.get("scale", {}), key=int):
        lines += [*_scale_lines(results["scale"][key]), ""]
    notes = ""
    if REPORT.exists():
        text = REPORT.read_text("utf-8")
        if NOTES_HEADING in text:
            notes = text[text.index(NOTES_HEADING) :]
    report = "\n".join(lines) + ("\n" + notes if notes else "")
    REPORT.write_text(report, encoding="utf-8")
    return report


# ------------------------------------------------------------------ main


def _stop(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=2000, help="bulk_journal for the comparison")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--wget-sample", type=int, default=600, help="URLs for wget at 50 ms")
    parser.add_argument("--scale-posts", type=int, default=10000, help="0: no scale run")
    parser.add_argument("--no-compare", action="store_true")
    parser.add_argument("--rebuild", action="store_true", help="time `archiver rebuild` too")
    args = parser.parse_args()
    if shutil.which("wget") is None or shutil.which("curl") is None:
        raise SystemExit("wget and curl are needed: apt-get install -y wget curl")
    signal.signal(signal.SIGTERM, _stop)
    command = "benchmarks/crawl_compare.py " + " ".join(sys.argv[1:])
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    results: dict[str, Any] = {}
    if RESULTS.exists():
        results = json.loads(RESULTS.read_text("utf-8"))
    results["machine"] = machine()

    began = time.perf_counter()

    def say(text: str) -> None:
        print(f"[{(time.perf_counter() - began) / 60:5.1f} min] {text}", flush=True)

    try:
        with tempfile.TemporaryDirectory(prefix="crawl-compare-") as scratch:
            work = Path(scratch)
            if not args.no_compare:
                measured = compare(args.posts, args.rounds, args.wget_sample, work, say)
                results["comparison"] = {"command": command, "date": date, **measured}
                RESULTS.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
            if args.scale_posts:
                measured = scale(args.scale_posts, args.rebuild, work, say)
                results.setdefault("scale", {})[str(args.scale_posts)] = {
                    "command": command,
                    "date": date,
                    **measured,
                }
                RESULTS.write_text(json.dumps(results, indent=1) + "\n", "utf-8")
    except KeyboardInterrupt:
        raise SystemExit(
            "interrupted: crawl.json holds only the sections that had finished"
        ) from None
    finally:
        for process in list(_running):
            process.terminate()
            process.wait(timeout=30)
    print(write_report(results))


if __name__ == "__main__":
    main()
