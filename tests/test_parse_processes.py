"""Pages parsed in a process of their own (archiver/crawl/parsing.py): the same items as parsed
in the crawl's process, the same WARC bytes where it builds a page's records, errors that cross
back whole, a dead worker that costs no page, and no worker left behind by a crawl killed with
SIGKILL."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import logging
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from parse_support import FIXTURES, load_capture

from archiver.archive.verify import gzip_members
from archiver.archive.warc import WarcWriter
from archiver.archive.warc_records import BuiltRecords, Exchange, PriorCapture
from archiver.crawl.parsing import PageParser, Parsed
from archiver.items import FetchedPage
from archiver.parse import ParseError, parsed

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = sorted(p for p in (FIXTURES / "real").iterdir() if (p / "capture.json").exists())


def fixture_pages() -> list[FetchedPage]:
    pages = []
    for folder in FOLDERS:
        url, body, status, captured_at, content_type = load_capture(folder)
        pages.append(FetchedPage(url, "j", body, status, captured_at, content_type, None))
    return pages


def broken_pages() -> list[FetchedPage]:
    seen = datetime(2026, 12, 3, tzinfo=UTC)
    url = "https://kelijah.livejournal.com/"
    return [
        FetchedPage(url + "1.html", "kelijah", b"", 200, seen, "text/html", None),
        FetchedPage(
            url + "2.html", "kelijah", b"<html><body>hi</body></html>", 200, seen, None, None
        ),
        FetchedPage(url + "3.html", "kelijah", b"\x00\xff" * 50, 500, seen, None, None),
    ]


def parse_all(parser: PageParser, pages: list[FetchedPage]) -> list[Parsed]:
    async def run() -> list[Parsed]:
        try:
            return list(await asyncio.gather(*(parser.parse(page) for page in pages)))
        finally:
            parser.close()

    return asyncio.run(run())


def comparable(result: Parsed) -> object:
    return ("error", result.url, result.reason) if isinstance(result, ParseError) else result


def test_the_worker_gives_the_items_and_errors_this_process_gives() -> None:
    pages = fixture_pages() + broken_pages()
    assert len(pages) > 15
    here = [comparable(parsed(page)) for page in pages]
    there = [comparable(r) for r in parse_all(PageParser(1), pages)]
    assert there == here
    errors = [r for r in here if isinstance(r, tuple)]
    assert len(errors) >= 3  # the broken pages' errors crossed back with their URL and reason
    assert sum(len(r) for r in here if isinstance(r, list)) > 200


def pinned_writer(directory: Path) -> WarcWriter:
    ids = (f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>" for n in itertools.count())
    moment = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    return WarcWriter(directory, {"journals": "j"}, new_id=lambda: next(ids), now=lambda: moment)


def wire_exchange(page: FetchedPage, n: int) -> Exchange:
    """The page as it came: as it is (`page.body` is the wire body), or gzipped, or chunked."""
    head = f"HTTP/1.1 {page.status} X\r\nContent-Type: {page.content_type or 'text/html'}\r\n"
    body = page.body
    if n % 3 == 1:
        head, body = head + "Content-Encoding: gzip\r\n", gzip.compress(body, mtime=0)
    elif n % 3 == 2:
        head, body = (
            head + "Transfer-Encoding: chunked\r\n",
            b"%x\r\n%s\r\n0\r\n\r\n"
            % (
                len(body),
                body,
            ),
        )
    request = f"GET /{n} HTTP/1.1\r\nHost: j.livejournal.com\r\n\r\n".encode()
    return Exchange(page.url, request, head.encode() + b"\r\n" + body, page.captured_at, "10.0.0.1")


def test_the_worker_builds_the_records_this_process_builds(tmp_path: Path) -> None:
    pages = fixture_pages()
    exchanges = [wire_exchange(page, n) for n, page in enumerate(pages)]
    prior = PriorCapture("<urn:uuid:prior>", pages[0].url, "2026-01-01T00:00:00.000000Z")
    here = pinned_writer(tmp_path / "here")
    for n, exchange in enumerate(exchanges):
        here.write(exchange, (lambda url, digest: prior) if n == 4 else None)
    here.close()

    there = pinned_writer(tmp_path / "there")
    orders = [
        there.order(exchange, (lambda url, digest: prior) if n == 4 else None)
        for n, exchange in enumerate(exchanges)
    ]
    parser = PageParser(1)

    async def run() -> list[tuple[Parsed, BuiltRecords | None]]:
        try:
            answers = (parser.parse_building(p, o) for p, o in zip(pages, orders, strict=True))
            return list(await asyncio.gather(*answers))
        finally:
            parser.close()

    answers = asyncio.run(run())
    assert [comparable(items) for items, _ in answers] == [comparable(parsed(p)) for p in pages]
    for order, (_, built) in zip(orders, answers, strict=True):
        assert built is not None, order.exchange.url
        there.write_built(built)
    there.close()
    assert answers[4][1] is not None and answers[4][1].record_type == "revisit"
    (here_file,), (there_file,) = here.files, there.files
    assert there_file.read_bytes() == here_file.read_bytes()
    assert len(list(gzip_members(here_file))) == 1 + 2 * len(pages)  # warcinfo, then pairs


def test_a_dead_worker_leaves_the_records_to_the_crawl(tmp_path: Path) -> None:
    page = fixture_pages()[0]
    order = pinned_writer(tmp_path).order(wire_exchange(page, 0))
    parser = PageParser(1)

    async def run() -> tuple[Parsed, BuiltRecords | None]:
        await parser.parse(page)
        (worker,) = parser._workers or []
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
        return await parser.parse_building(page, order)

    items, built = asyncio.run(run())
    assert comparable(items) == comparable(parsed(page)) and built is None


def test_two_workers_share_the_pages() -> None:
    pages = fixture_pages()
    parser = PageParser(2)
    results = parse_all(parser, pages)
    assert [comparable(r) for r in results] == [comparable(parsed(p)) for p in pages]


def test_a_dead_worker_hands_the_parsing_back_to_the_crawl(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pages = fixture_pages()
    parser = PageParser(1)

    async def run() -> list[Parsed]:
        first = await parser.parse(pages[0])
        assert parser.workers == 1
        (worker,) = parser._workers or []
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
        return [first, *await asyncio.gather(*(parser.parse(page) for page in pages[1:]))]

    with caplog.at_level(logging.WARNING, logger="archiver.crawl.parsing"):
        results = asyncio.run(run())
    assert [comparable(r) for r in results] == [comparable(parsed(p)) for p in pages]
    assert parser.workers == 0
    ours = [r for r in caplog.records if r.name == "archiver.crawl.parsing"]
    (warning,) = [r.getMessage() for r in ours if r.levelno == logging.WARNING]
    assert "the parsing process failed" in warning and "exit code -9" in warning, warning


def test_a_worker_that_cannot_start_costs_no_page(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("archiver.crawl.parsing.WORKER_COMMAND", ("/nonexistent/python",))
    pages = fixture_pages()[:3]
    with caplog.at_level(logging.WARNING, logger="archiver.crawl.parsing"):
        results = parse_all(PageParser(1), pages)
    assert [comparable(r) for r in results] == [comparable(parsed(p)) for p in pages]
    assert any("the parsing process failed" in r.getMessage() for r in caplog.records)


KILLED_CRAWL = """
import asyncio, sys, time
from datetime import UTC, datetime
from archiver.crawl.parsing import PageParser
from archiver.items import FetchedPage

async def main():
    parser = PageParser(1)
    seen = datetime.now(UTC)
    page = FetchedPage("https://a.livejournal.com/1.html", "a", b"", 200, seen, None, None)
    await parser.parse(page)
    print(parser._workers[0].process.pid, flush=True)
    time.sleep(600)

asyncio.run(main())
"""


def _ended(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"  # ended, waiting for whoever adopted it to reap it


def test_a_crawl_killed_with_sigkill_leaves_no_worker_behind() -> None:
    crawl = subprocess.Popen(
        [sys.executable, "-c", KILLED_CRAWL], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert crawl.stdout is not None
    worker = int(crawl.stdout.readline())
    assert not _ended(worker)
    crawl.kill()
    crawl.wait()
    deadline = time.monotonic() + 20
    while not _ended(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _ended(worker), f"parsing process {worker} outlived its crawl"


def test_the_worker_runs_the_crawls_code_wherever_it_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An `archiver` package in the working directory that would fail every page is not the one
    the worker imports: it parses with the crawl's own code."""
    impostor = tmp_path / "archiver" / "crawl"
    impostor.mkdir(parents=True)
    (tmp_path / "archiver" / "__init__.py").write_text("raise SystemExit('the wrong archiver')\n")
    (impostor / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    pages = fixture_pages()[:3]
    with caplog.at_level(logging.WARNING, logger="archiver.crawl.parsing"):
        results = parse_all(PageParser(1), pages)
    assert [comparable(r) for r in results] == [comparable(parsed(p)) for p in pages]
    assert not caplog.records, [r.getMessage() for r in caplog.records]  # no worker failed
