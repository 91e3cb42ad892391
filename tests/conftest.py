from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from archiver.sample.server import RunningServer, running_server


@pytest.fixture(scope="session")
def sample_server() -> Iterator[RunningServer]:
    """The sample LiveJournal at revision 0 with its default size, shared by read-only tests."""
    with running_server() as server:
        yield server
