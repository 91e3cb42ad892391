"""How many pages a second the sample LiveJournal serves, measured with wrk.

    make bench-server            # or: .venv/bin/python benchmarks/sample_server_load.py

Starts `archiver sample-server` with a 2,000-post journal on a free loopback port, asks wrk for
post, index, calendar and tag pages in proxy form (`GET http://bulk-journal.livejournal.com/...`),
and prints requests per second. The results go into benchmarks/REPORT.md by hand.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POSTS = 2000
DURATION = "15s"
CONNECTIONS = 16


def manifest_urls() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "sample-server", "--manifest", "--posts", str(POSTS)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    posts = [json.loads(line) for line in out.splitlines()]
    urls = [
        str(p["url"]) for p in posts
        if p["type"] == "post" and p["journal"] == "bulk_journal" and p["security"] == "public"
    ]  # fmt: skip
    root = "https://bulk-journal.livejournal.com/"
    listing = [f"{root}?skip={n}" for n in range(0, 110, 10)] + [f"{root}{y}/" for y in range(2008, 2022)]
    return [u.replace("https://", "http://") for u in urls[:1500] + listing]


def lua_script(urls: list[str]) -> str:
    quoted = ",\n".join(json.dumps(u) for u in urls)
    return (
        f"local paths = {{\n{quoted}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    )


def main() -> None:
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    urls = manifest_urls()
    server = subprocess.Popen(
        [sys.executable, "-m", "archiver.cli", "sample-server", "--port", "0", "--posts", str(POSTS)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        port = int(re.findall(r":(\d+)$", line.strip())[0])
        time.sleep(0.5)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(lua_script(urls))
        for label, connections in (("1 connection", 1), (f"{CONNECTIONS} connections", CONNECTIONS)):
            done = subprocess.run(
                ["wrk", "-t", "1", "-c", str(connections), "-d", DURATION, "-s", script.name,
                 f"http://127.0.0.1:{port}/"],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
            latency = re.search(r"Latency\s+(\S+)", done.stdout)
            print(f"{label}: {rate.group(1) if rate else '?'} pages/s, mean latency "
                  f"{latency.group(1) if latency else '?'} ({len(urls)} distinct URLs)")  # fmt: skip
        Path(script.name).unlink()
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
