"""Servers the tests start as processes on 127.0.0.1."""

from __future__ import annotations

import socket
import subprocess
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_until_listening(
    port: int, process: subprocess.Popen[bytes], name: str, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert process.poll() is None, f"{name} exited"
            assert time.monotonic() < deadline, f"{name} did not start"
            time.sleep(0.2)
