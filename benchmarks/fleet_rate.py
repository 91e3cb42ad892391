"""Journals a minute with one worker and with two (issue 15), side by side, alternating.

Each round: a fresh Redis and fresh worker outputs, the sample LiveJournal at --latency-ms,
--tasks journals queued as full crawls (the six sample journals with posts, round-robin), then
N workers (`archiver worker`, no shared budget) started and timed until every task is done.
Writes benchmarks/FLEET.md and benchmarks/fleet.json. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import redis

from archiver.fleet.app import make_app
from archiver.fleet.status import fleet_status
from archiver.sample.faults import FaultOptions
from archiver.sample.server import running_server

HERE = Path(__file__).resolve().parent
JOURNALS = ["bulk_journal", "kelijah", "zloy_odessit", "tea_club", "moskvich", "adult_notes"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def one_round(workers: int, tasks: int, proxy: str, root: Path) -> float:
    """Seconds from the workers' start until all `tasks` are done."""
    port = free_port()
    server = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--save", ""],
        cwd=root,
        stdout=subprocess.DEVNULL,
    )
    broker = f"redis://127.0.0.1:{port}/0"
    processes = []
    try:
        for _ in range(100):
            try:
                redis.Redis.from_url(broker).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        names = [JOURNALS[i % len(JOURNALS)] for i in range(tasks)]
        archiver = [sys.executable, "-m", "archiver.cli"]
        subprocess.run([*archiver, "enqueue", *names, "--full", "--broker", broker], check=True)
        # `enqueue` folds repeated names into one task: queue each repeat on its own.
        queued = len(set(names))
        for extra in range(queued, tasks):
            subprocess.run(
                [*archiver, "enqueue", names[extra], "--full", "--broker", broker],
                check=True,
                capture_output=True,
            )
        started = time.monotonic()
        for n in range(workers):
            output = root / f"w{n}"
            processes.append(
                subprocess.Popen(
                    [
                        *archiver,
                        *("worker", "--name", f"w{n}", "--output", str(output)),
                        *("--broker", broker, "--proxy", proxy),
                        *("-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        app = make_app(broker)
        while True:
            status = fleet_status(app, broker, timeout=0.5)
            if len(status.done) >= tasks and not status.running:
                return time.monotonic() - started
            time.sleep(0.2)
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=120)
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--tasks", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    runs: list[dict[str, float]] = []
    with running_server(faults=FaultOptions(latency_ms=args.latency_ms)) as server:
        for round_no in range(args.rounds):
            order = (1, 2) if round_no % 2 == 0 else (2, 1)
            for workers in order:
                with tempfile.TemporaryDirectory() as root:
                    seconds = one_round(workers, args.tasks, server.proxy_url, Path(root))
                per_minute = args.tasks / seconds * 60
                runs.append(
                    {
                        "round": round_no + 1,
                        "workers": workers,
                        "seconds": seconds,
                        "journals_per_minute": per_minute,
                    }
                )
                print(f"round {round_no + 1}, {workers} workers: {seconds:.1f} s", flush=True)
    by_round = {
        r: {run["workers"]: run["journals_per_minute"] for run in runs if run["round"] == r}
        for r in range(1, args.rounds + 1)
    }
    ratios = [rates[2] / rates[1] for rates in by_round.values()]
    command = (
        f"benchmarks/fleet_rate.py --latency-ms {args.latency_ms} --tasks {args.tasks} "
        f"--rounds {args.rounds}"
    )
    report = {
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {
            "nproc": os.cpu_count(),
            "python": platform.python_version(),
            "load_at_end": os.getloadavg(),
        },
        "runs": runs,
        "ratios": ratios,
    }
    (HERE / "fleet.json").write_text(json.dumps(report, indent=1) + "\n")
    lines = [
        "# Two workers beside one (issue 15)",
        "",
        f"Written by `{command}` on {report['date']} ({os.cpu_count()} cores, Python "
        f"{platform.python_version()}). A benchmark, not a test: nothing here is asserted.",
        "",
        f"Each run: a fresh Redis and fresh outputs; {args.tasks} full crawls of the six sample "
        f"journals (round-robin) queued; the sample server answering after {args.latency_ms} ms; "
        "no shared site budget; timed from the workers' start (their start-up included) until "
        "the last task is done. The order of the two turns round by round.",
        "",
        "| round | workers | seconds | journals a minute |",
        "|---|---|---|---|",
        *(
            f"| {r['round']} | {r['workers']} | {r['seconds']:.1f} "
            f"| {r['journals_per_minute']:.1f} |"
            for r in runs
        ),
        "",
        f"Two workers ÷ one, journals a minute, per round: median {statistics.median(ratios):.2f}× "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f}); target ≥ 1.7×.",
        "",
    ]
    (HERE / "FLEET.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
