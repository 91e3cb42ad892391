"""Pages parsed in a process of their own, so that one core parses while the other fetches and
saves: parsing is pure, `(page) -> items`, and pages and items cross a pipe pickled.

`ARCHIVER_PARSE_PROCESSES` says how many such processes (0: parse in the crawl's own). They are
plain child processes (`python -m archiver.crawl.parse_worker`) on two pipes that the crawl's
event loop reads and writes itself: `concurrent.futures` would add two threads to the crawl's
process, and their hand-offs cost it more than the parsing they spared (1.3 ms a page). A worker
ends when its pipe closes, so a crawl killed with SIGKILL leaves none behind.

A page can come with the order for its WARC records (`archiver/archive/warc_records.py`): the
worker builds them too, which spares the crawl's process their compression and digests. The
page's body, when it is the response's body as it came, crosses the pipe once.

A worker that cannot start or dies (an out-of-memory kill) is not the page's fault: that page and
every later one is parsed in the crawl's own process, as it always could be, and the log says so
once; its records are then built by whoever asked for them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import subprocess
import sys
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import archiver
from archiver.archive.warc_records import (
    BuiltRecords,
    RecordOrder,
    body_start,
    build_records,
    split_message,
)
from archiver.items import FetchedPage, Item
from archiver.parse import ParseError, parsed

logger = logging.getLogger(__name__)

Parsed = list[Item] | ParseError
Answer = tuple[Parsed, BuiltRecords | None]
# -P: not the working directory first on the worker's path (see _worker_env).
WORKER_COMMAND = (sys.executable, "-P", "-m", "archiver.crawl.parse_worker")
LENGTH_BYTES = 4  # each message on a pipe: its length, big-endian, then its pickle
# Pages on their way to a worker at once: enough that it never waits for the next. The pages
# Scrapy has waiting for their parse (about 5 MB of bodies) wait unpickled, not in the pipe's
# buffer as a second copy.
SENT_AT_MOST = 4


def frame(message: object) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return len(data).to_bytes(LENGTH_BYTES, "big") + data


@dataclass(frozen=True)
class Work:
    """One page for a worker, and the order of its records if it is to build them."""

    page: FetchedPage
    order: RecordOrder | None = None
    body_is_wire_body: bool = False  # page.body left out: it is the response's own body

    @classmethod
    def of(cls, page: FetchedPage, order: RecordOrder | None) -> Work:
        if order is not None and _ends_with_body(order.exchange.response, page.body):
            return cls(replace(page, body=b""), order, body_is_wire_body=True)
        return cls(page, order)

    def done(self) -> Answer:
        """What the worker sends back: the page's items, and its records if ordered."""
        page = self.page
        if self.body_is_wire_body and self.order is not None:
            page = replace(page, body=split_message(self.order.exchange.response)[1])
        return parsed(page), self._built()

    def _built(self) -> BuiltRecords | None:
        if self.order is None:
            return None
        try:
            return build_records(self.order)
        except Exception:  # the crawl's process builds them again, and meets the error itself
            return None


def _ends_with_body(response: bytes, body: bytes) -> bool:
    """Whether the body is the response's own (not gzipped or chunked on the wire), compared
    in place."""
    start = body_start(response)
    return len(response) - start == len(body) and memoryview(response)[start:] == body


class WorkerLost(RuntimeError):
    """The parsing process ended (or never started) with pages in its hands."""


class PageParser:
    def __init__(self, processes: int) -> None:
        self._wanted = max(0, processes)
        self._workers: list[_Worker] | None = None

    @property
    def builds_records(self) -> bool:
        """Whether pages are parsed in a process of their own, which builds their records."""
        return self._wanted > 0

    @property
    def workers(self) -> int:
        """How many parsing processes are running."""
        return len(self._workers or [])

    async def parse(self, page: FetchedPage) -> Parsed:
        return (await self.parse_building(page, None))[0]

    async def parse_building(self, page: FetchedPage, order: RecordOrder | None) -> Answer:
        """The page's items, and its records built from `order` where a worker parsed it
        (None: the caller builds them)."""
        if self._wanted:
            try:
                return await self._least_busy().parse(Work.of(page, order))
            except Exception as exc:  # the worker's failure, never the page's: parse_page's
                # own failures come back as a ParseError
                if not self._wanted:  # another page's failure has said so
                    return parsed(page), None
                logger.warning(
                    "the parsing process failed (%s: %s): pages are parsed in the crawl's own "
                    "process from now on",
                    type(exc).__name__,
                    exc,
                )
                self.close()
        return parsed(page), None

    def _least_busy(self) -> _Worker:
        if self._workers is None:
            self._workers = [_Worker() for _ in range(self._wanted)]
            logger.info("pages are parsed in %d process(es) of their own", self._wanted)
        return min(self._workers, key=lambda worker: worker.busy)

    def close(self) -> None:
        """Ends the workers (after the pages they hold); parsing goes on in this process."""
        workers, self._workers, self._wanted = self._workers or [], None, 0
        for worker in workers:
            worker.close()


class _Worker:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            WORKER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_worker_env()
        )
        self._pending: dict[int, asyncio.Future[Answer]] = {}
        self._window = asyncio.Semaphore(SENT_AT_MOST)
        self._waiting = 0
        self._serial = 0
        self._writer: asyncio.WriteTransport | None = None
        self._connected: asyncio.Task[None] | None = None
        self._lost: str | None = None

    @property
    def busy(self) -> int:
        return len(self._pending) + self._waiting

    async def parse(self, work: Work) -> Answer:
        if self._connected is None:
            self._connected = asyncio.ensure_future(self._connect())
        await self._connected
        self._waiting += 1
        try:
            await self._window.acquire()
        finally:
            self._waiting -= 1
        try:
            return await self._send(work)
        finally:
            self._window.release()

    async def _send(self, work: Work) -> Answer:
        if self._lost is not None or self._writer is None:
            raise WorkerLost(self._lost or "not connected")
        self._serial += 1
        answer: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending[self._serial] = answer
        self._writer.write(frame((self._serial, work)))
        return await answer

    async def _connect(self) -> None:
        loop = asyncio.get_running_loop()
        assert self.process.stdin is not None and self.process.stdout is not None
        self._writer, _ = await loop.connect_write_pipe(asyncio.BaseProtocol, self.process.stdin)
        await loop.connect_read_pipe(lambda: _Answers(self), self.process.stdout)

    def answered(self, serial: int, result: Answer) -> None:
        answer = self._pending.pop(serial, None)
        if answer is not None and not answer.done():
            answer.set_result(result)

    def lost(self, reason: str) -> None:
        code = self.process.poll()
        self._lost = f"{reason}; exit code {code}" if code is not None else reason
        pending, self._pending = self._pending, {}
        for answer in pending.values():
            if not answer.done():
                answer.set_exception(WorkerLost(self._lost))

    def close(self) -> None:
        if self._writer is not None and not self._writer.is_closing():
            with suppress(RuntimeError):  # the event loop has ended: the pipe is closed below
                self._writer.close()  # which closes the pipe only on the loop's next turn
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.lost("closed")


def _worker_env() -> dict[str, str]:
    """This process's environment, with this process's `archiver` first on the worker's path:
    another checkout in the working directory would otherwise parse the pages and build their
    records with other code than the crawl's."""
    ours = str(Path(archiver.__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([ours, path] if path else [ours])}


class _Answers(asyncio.Protocol):
    """Reads `(serial, (items or ParseError, records or None))` messages off a worker's stdout."""

    def __init__(self, worker: _Worker) -> None:
        self.worker = worker
        self.buffer = bytearray()

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) >= LENGTH_BYTES:
            size = int.from_bytes(self.buffer[:LENGTH_BYTES], "big")
            if len(self.buffer) < LENGTH_BYTES + size:
                return
            message: Any = pickle.loads(self.buffer[LENGTH_BYTES : LENGTH_BYTES + size])
            del self.buffer[: LENGTH_BYTES + size]
            self.worker.answered(*message)

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.lost(f"its pipe closed ({exc})" if exc else "its pipe closed")
