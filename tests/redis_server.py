"""Debian's redis-server, started on a loopback port for the tests of the workers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from loopback import free_port, wait_until_listening


@contextmanager
def running_redis(workdir: Path) -> Iterator[str]:
    """A redis-server of its own, nothing kept on disk; yields its URL."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is missing: run `bash tools/ensure-redis` (Debian's redis-server)"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, process, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=30)
