"""`make soak`: the reliability suite, too long for `make test`. Writes docs/RELIABILITY.md.

1. kills: a 400-post crawl SIGKILLed at random moments, restarted each time, then run to its
   end; the archive must hold every public post of the manifest and verify clean.
2. faults: the sample server's fault matrix, each case crawled and rerun until a run exits 0;
   no post may be missing, and no run may exit 0 while one is.
3. disk full: a crawl into a small tmpfs in a mount namespace of its own (gone when it ends);
   it must stop with exit 1, and the same output, moved to a disk with room, must complete and
   verify clean.
4. fuzz: mutated real and sample pages through the parser in a child process under a memory
   cap; anything but items or a ParseError is a crash.

Run from the checkout: `.venv/bin/python tools/soak.py [--quick]`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from private_mounts import mount_namespace_problem, on_a_small_disk  # noqa: E402

from archiver import exitcodes  # noqa: E402
from archiver.sample.content import build_site, iter_manifest  # noqa: E402
from archiver.sample.faults import FaultOptions  # noqa: E402
from archiver.sample.server import running_server  # noqa: E402

JOURNAL = "bulk_journal"
FAST = [
    *("-s", "AUTOTHROTTLE_ENABLED=False"),
    *("-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"),
]
FAULT_MATRIX = {
    "latency 50 ms": FaultOptions(latency_ms=50),
    "429 with Retry-After": FaultOptions(throttle_requests=30, retry_after=1),
    "500 on 10 % of URLs": FaultOptions(error_rate=0.1),
    "503 on 10 % of URLs": FaultOptions(error_rate=0.1, error_status=503),
    "dropped connections": FaultOptions(drop_rate=0.1),
    "truncated bodies": FaultOptions(truncate_rate=0.1),
    "gzip + chunked": FaultOptions(gzip=True, chunked=True),
}


@dataclass
class Outcome:
    name: str
    runs: int = 0
    kills: int = 0
    exits: list[int] = field(default_factory=list)
    posts_expected: int = 0
    posts_lost: int = 0
    zero_exit_with_missing: int = 0
    verify_exit: int | None = None
    seconds: float = 0.0
    note: str = ""


def public_posts(posts: int) -> set[str]:
    return {
        str(r["url"])
        for r in iter_manifest(build_site(0, posts))
        if r["type"] == "post" and r["journal"] == JOURNAL and r["security"] == "public"
    }


def archived_posts(output: Path) -> set[str]:
    database = output / "archive.db"
    if not database.exists():
        return set()
    with sqlite3.connect(database) as db:
        return {row[0] for row in db.execute("select url from posts where journal = ?", [JOURNAL])}


def command(output: Path, proxy: str, *extra: str) -> list[str]:
    return [
        *(sys.executable, "-m", "archiver.cli", "crawl", JOURNAL),
        *("--output", str(output), "--proxy", proxy, *FAST, *extra),
    ]


def run(output: Path, proxy: str, *extra: str) -> int:
    done = subprocess.run(command(output, proxy, *extra), capture_output=True, timeout=1800)
    return done.returncode


def verify(output: Path) -> int:
    args = [sys.executable, "-m", "archiver.cli", "verify", str(output)]
    return subprocess.run(args, capture_output=True, timeout=600).returncode


def finish(outcome: Outcome, output: Path, proxy: str, expected: set[str]) -> None:
    """Rerun until a run exits 0 (at most five times), counting runs that exit 0 too early."""
    for _ in range(5):
        code = run(output, proxy)
        outcome.runs += 1
        outcome.exits.append(code)
        missing = expected - archived_posts(output)
        if code == exitcodes.OK:
            outcome.zero_exit_with_missing += bool(missing)
            break
    outcome.posts_lost = len(expected - archived_posts(output))
    outcome.verify_exit = verify(output)


def soak_kills(posts: int, kills: int, seed: int) -> Outcome:
    rng = random.Random(seed)
    outcome = Outcome(f"SIGKILL at {kills} random points", posts_expected=len(public_posts(posts)))
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory() as scratch,
        running_server(site=build_site(0, posts), faults=FaultOptions(latency_ms=5)) as server,
    ):
        output = Path(scratch)
        for _ in range(kills):
            process = subprocess.Popen(
                command(output, server.proxy_url),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(rng.uniform(0.3, 6.0))
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                outcome.kills += 1
            process.wait()
            outcome.runs += 1
            outcome.exits.append(process.returncode)
        finish(outcome, output, server.proxy_url, public_posts(posts))
    outcome.seconds = time.monotonic() - started
    return outcome


def soak_faults(posts: int) -> list[Outcome]:
    outcomes = []
    expected = public_posts(posts)
    for name, faults in FAULT_MATRIX.items():
        outcome = Outcome(name, posts_expected=len(expected))
        started = time.monotonic()
        with (
            tempfile.TemporaryDirectory() as scratch,
            running_server(site=build_site(0, posts), faults=faults) as server,
        ):
            finish(outcome, Path(scratch), server.proxy_url, expected)
        outcome.seconds = time.monotonic() - started
        outcomes.append(outcome)
    return outcomes


def soak_disk_full(posts: int) -> Outcome:
    expected = public_posts(posts)
    outcome = Outcome("disk full (a 3 MB tmpfs)", posts_expected=len(expected))
    started = time.monotonic()
    problem = mount_namespace_problem()
    if problem:
        outcome.note = f"not run: {problem}"
        return outcome
    try:
        with (
            running_server(site=build_site(0, posts)) as server,
            tempfile.TemporaryDirectory() as scratch,
        ):
            small, roomy = Path(scratch) / "small", Path(scratch) / "roomy"
            done = on_a_small_disk(command(small / "out", server.proxy_url), small, "3m", roomy)
            if done.returncode in (90, 91):
                raise OSError(done.stderr.strip() or f"exit {done.returncode}")
            outcome.runs += 1
            outcome.exits.append(done.returncode)
            if done.returncode != exitcodes.FAILED:
                outcome.note = f"the full disk ended with exit {done.returncode}, not 1"
            finish(outcome, roomy / "out", server.proxy_url, expected)
    except OSError as error:
        outcome.note = f"not run: cannot mount a tmpfs here ({error})"
    outcome.seconds = time.monotonic() - started
    return outcome


def soak_fuzz(pages: int, memory_mb: int) -> dict[str, object]:
    """The fuzzer in a child process whose address space is capped at `memory_mb`."""
    code = (
        "import json, resource, sys; sys.path.insert(0, 'tests'); import fuzz_pages; "
        f"r = fuzz_pages.fuzz({pages}, seed=2026); "
        "print(json.dumps({'pages': r.pages, 'parsed': r.parsed, 'parse_errors': r.parse_errors,"
        " 'crashes': r.crashes, 'wrapped': r.wrapped, 'by_mutation': r.by_mutation,"
        " 'peak_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))"
    )
    limit = memory_mb * 1024 * 1024

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    started = time.monotonic()
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, preexec_fn=cap
    )
    if child.returncode != 0:
        return {"pages": pages, "died": child.returncode, "stderr": child.stderr[-2000:]}
    result: dict[str, object] = json.loads(child.stdout)
    result["seconds"] = round(time.monotonic() - started, 1)
    result["memory_cap_mb"] = memory_mb
    return result


def report(outcomes: list[Outcome], fuzzed: dict[str, object], command_line: str) -> str:
    lines = [
        "# Reliability",
        "",
        f"`{command_line}` on {platform.node()} ({os.cpu_count()} cores, Python "
        f"{platform.python_version()}), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        "| case | runs | kills | exit codes | posts | lost | exit 0 with posts missing | "
        "verify | seconds | note |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        lines.append(
            f"| {o.name} | {o.runs} | {o.kills} | {' '.join(map(str, o.exits))} | "
            f"{o.posts_expected} | {o.posts_lost} | {o.zero_exit_with_missing} | "
            f"{o.verify_exit} | {o.seconds:.0f} | {o.note} |"
        )
    lines += [
        "",
        "Exit codes: -9 is a SIGKILL; 0 success, 1 failed (the full disk), 3 partial, 5 "
        "rate-limited. `lost` counts public posts of the manifest not in the archive after the "
        "last run; `verify` is `archiver verify`'s exit code then.",
        "",
        "## Fuzzed pages",
        "",
        "```",
        json.dumps(fuzzed, indent=2, sort_keys=True),
        "```",
        "",
        "`crashes` are exceptions other than ParseError (there must be none); `wrapped` are "
        "ParseErrors that parse_page made of another exception, by the line that raised it.",
        "",
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few kills and pages only")
    args = parser.parse_args()
    posts, kills, pages = (80, 4, 500) if args.quick else (400, 20, 5000)
    outcomes = [soak_kills(posts, kills, seed=17), *soak_faults(posts), soak_disk_full(posts)]
    fuzzed = soak_fuzz(pages, memory_mb=1024)
    line = "make soak" + (" (--quick)" if args.quick else "")
    text = report(outcomes, fuzzed, line)
    if not args.quick:  # a quick run is a check of the script, not figures to keep
        (ROOT / "docs" / "RELIABILITY.md").write_text(text, encoding="utf-8")
    print(text)
    bad = [o for o in outcomes if o.posts_lost or o.zero_exit_with_missing or o.verify_exit]
    return 1 if bad or fuzzed.get("crashes") or "died" in fuzzed else 0


if __name__ == "__main__":
    sys.exit(main())
