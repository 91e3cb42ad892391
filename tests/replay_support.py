"""pywb, the replay server the tests check archives against, on a loopback port."""

from __future__ import annotations

import http.client
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from loopback import free_port, wait_until_listening

REPLAY_BIN = Path(__file__).resolve().parent.parent / ".venv-replay" / "bin"


@dataclass(frozen=True)
class Replay:
    port: int
    collection: str

    def get(self, timestamp: str, url: str) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("GET", f"/{self.collection}/{timestamp}id_/{url}")
        response = connection.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        connection.close()
        return response.status, headers, body


@contextmanager
def pywb_replaying(warcs: Sequence[Path], workdir: Path) -> Iterator[Replay]:
    """pywb's own collection tools and replay server, on a loopback port."""
    manager, wayback = REPLAY_BIN / "wb-manager", REPLAY_BIN / "wayback"
    assert wayback.exists(), "pywb is missing: run `make replay-tools`"
    subprocess.run([manager, "init", "lj"], cwd=workdir, check=True, capture_output=True)
    files = [str(p) for p in warcs]
    subprocess.run([manager, "add", "lj", *files], cwd=workdir, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [wayback, "--port", str(port), "--bind", "127.0.0.1"],
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, server, "pywb")
        yield Replay(port, "lj")
    finally:
        server.terminate()
        server.wait(timeout=30)
