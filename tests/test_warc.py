"""warc.py and verify.py on their own: records compared byte for byte, with pinned IDs and dates."""

from __future__ import annotations

import errno
import itertools
import tempfile
import zlib
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.archive import warc
from archiver.archive.sorted_lines import SortedLines
from archiver.archive.verify import VerifyReport, check_file, gzip_members
from archiver.archive.warc import WarcWriter, file_index, index_warcs, write_cdxj_index
from archiver.archive.warc_records import Exchange, PriorCapture, payload_digest, split_message

URL = "https://zloy-odessit.livejournal.com/1234567.html?page=2"
REQUEST = (
    b"GET /1234567.html?page=2 HTTP/1.1\r\n"
    b"User-Agent: archiver/0.1.0 (+https://you.example/)\r\n"
    b"Cookie: adult_explicit=1\r\n"
    b"Host: zloy-odessit.livejournal.com\r\n\r\n"
)
RESPONSE = (
    b"HTTP/1.1 200 Fine Thanks\r\n"
    b"Set-Cookie: ljuniq=a; path=/\r\n"
    b"Set-Cookie: langpref=en; path=/\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n0\r\n\r\n"
)
FETCHED = datetime(2021, 10, 10, 12, 0, 0, 123456, tzinfo=UTC)


def pinned_writer(directory: Path, max_file_bytes: int = 10**9) -> WarcWriter:
    ids = (f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>" for n in itertools.count())
    return WarcWriter(
        directory,
        {"journals": "zloy_odessit"},
        new_id=lambda: next(ids),
        now=lambda: datetime(2021, 10, 10, 12, 0, 0, tzinfo=UTC),
        max_file_bytes=max_file_bytes,
    )


def members(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [zlib.decompress(data[m.start : m.end], wbits=31) for m in gzip_members(path)]


def test_a_response_and_its_request_byte_for_byte(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        stored = writer.write(Exchange(URL, REQUEST, RESPONSE, FETCHED, "127.0.0.1"))
    (path,) = writer.files
    assert path.name == "archiver-20211010120000000000-00000.warc.gz"
    info, response, request = members(path)
    assert info.startswith(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n")
    assert b"software: archiver/0.1.0 (warcio/1.8.1)\r\n" in info
    assert response == (
        b"WARC/1.1\r\n"
        b"WARC-Type: response\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
        b"WARC-Date: 2021-10-10T12:00:00.123456Z\r\n"
        b"WARC-Payload-Digest: " + payload_digest(b"5\r\nhello\r\n0\r\n\r\n").encode() + b"\r\n"
        b"WARC-IP-Address: 127.0.0.1\r\n"
        b"WARC-Target-URI: " + URL.encode() + b"\r\n"
        b"WARC-Block-Digest: " + payload_digest(RESPONSE).encode() + b"\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: " + str(len(RESPONSE)).encode() + b"\r\n\r\n" + RESPONSE + b"\r\n\r\n"
    )
    assert request.startswith(
        b"WARC/1.1\r\n"
        b"WARC-Type: request\r\n"
        b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>\r\n"
        b"WARC-Date: 2021-10-10T12:00:00.123456Z\r\n"
        b"WARC-Concurrent-To: <urn:uuid:00000000-0000-0000-0000-000000000001>\r\n"
    )
    assert request.endswith(b"\r\n\r\n" + REQUEST + b"\r\n\r\n")
    assert (stored.record_type, stored.status, stored.offset) == ("response", 200, len_of(path, 0))
    assert stored.content_type == "text/html; charset=utf-8"


def len_of(path: Path, index: int) -> int:
    return list(gzip_members(path))[index].end


def test_an_identical_payload_becomes_a_revisit(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        first = writer.write(Exchange(URL, REQUEST, RESPONSE, FETCHED))
        prior = PriorCapture(first.record_id, URL, first.fetched_at)
        later = datetime(2021, 10, 17, 12, 0, tzinfo=UTC)
        second = writer.write(Exchange(URL, REQUEST, RESPONSE, later), lambda url, digest: prior)
    assert (second.record_type, second.refers_to) == ("revisit", first.record_id)
    with open(writer.files[0], "rb") as stream:
        revisit = next(r for r in ArchiveIterator(stream) if r.rec_type == "revisit")
        headers = revisit.rec_headers
        assert headers.get_header("WARC-Refers-To") == first.record_id
        assert headers.get_header("WARC-Refers-To-Target-URI") == URL
        assert headers.get_header("WARC-Refers-To-Date") == "2021-10-10T12:00:00.123456Z"
        assert headers.get_header("WARC-Profile").endswith("/1.1/revisit/identical-payload-digest")
        assert revisit.http_headers.get_statuscode() == "200"
        assert revisit.content_stream().read() == b""  # the body is not written again


def test_files_rotate_between_exchanges(tmp_path: Path) -> None:
    with pinned_writer(tmp_path, max_file_bytes=1) as writer:
        for n in range(3):
            writer.write(Exchange(f"{URL}&n={n}", REQUEST, RESPONSE, FETCHED))
    assert [p.name[-13:] for p in writer.files] == [
        "00000.warc.gz",
        "00001.warc.gz",
        "00002.warc.gz",
    ]
    for path in writer.files:
        kinds = [r.rec_type for r in ArchiveIterator(open(path, "rb"))]  # noqa: SIM115
        assert kinds == ["warcinfo", "response", "request"]


def test_a_head_without_a_body_is_kept_whole() -> None:
    assert split_message(b"HTTP/1.1 204 No Content\r\n\r\n") == (
        b"HTTP/1.1 204 No Content\r\n\r\n",
        b"",
    )
    assert split_message(b"HTTP/1.1 200 OK\r\nX: half") == (b"HTTP/1.1 200 OK\r\nX: half", b"")


def test_verify_finds_a_half_written_record_and_a_bad_digest(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        for n in range(3):
            writer.write(Exchange(f"{URL}&n={n}", REQUEST, RESPONSE, FETCHED))
    (path,) = writer.files
    whole = list(gzip_members(path))
    assert len(whole) == 7 and all(m.complete for m in whole)
    data = path.read_bytes()
    last = whole[-1]
    path.write_bytes(data[: last.start + (last.end - last.start) // 2])
    report = VerifyReport()
    records = check_file(path, report)
    assert len(records) == 6
    assert report.problems == [
        f"{path.name}: incomplete record at offset {last.start} ({(last.end - last.start) // 2} "
        "bytes to the end of the file): the crawl stopped while writing it; every record "
        "before it is readable"
    ]
    # A body changed after writing no longer matches its digests.
    response = zlib.decompress(data[whole[1].start : whole[1].end], wbits=31)
    tampered = zlib.compress(response.replace(b"hello", b"jello"), wbits=31)
    path.write_bytes(data[: whole[1].start] + tampered + data[whole[1].end :])
    report = VerifyReport()
    check_file(path, report)
    assert any("digest" in p for p in report.problems), report.problems


def test_verify_reports_a_member_that_is_not_a_record(tmp_path: Path) -> None:
    with pinned_writer(tmp_path) as writer:
        writer.write(Exchange(URL, REQUEST, RESPONSE, FETCHED))
    (path,) = writer.files
    with open(path, "ab") as stream:
        stream.write(zlib.compress(b"not a WARC record at all\r\n\r\n", wbits=31))
    report = VerifyReport()
    records = check_file(path, report)
    assert len(records) == 3
    assert len(report.problems) == 1 and "not a WARC record" in report.problems[0]


class DiskFillsUp:
    """A file that takes `room` more bytes, then fails as a full disk does, half-way through."""

    def __init__(self, real: Any, room: int) -> None:
        self.real = real
        self.room = room

    def write(self, data: Any) -> int:
        if len(data) > self.room:
            written = self.real.write(bytes(data[: max(self.room, 1)]))
            self.room = 0
            if written:
                raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return int(self.real.write(data))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_a_write_that_fails_half_way_leaves_no_torn_record(tmp_path: Path) -> None:
    writer = pinned_writer(tmp_path)
    writer.write(Exchange(f"{URL}&n=0", REQUEST, RESPONSE, FETCHED))
    (path,) = writer.files
    whole = path.stat().st_size
    writer._file = DiskFillsUp(writer._file, room=40)  # type: ignore[assignment]
    with pytest.raises(OSError, match="No space left"):
        writer.write(Exchange(f"{URL}&n=1", REQUEST, RESPONSE, FETCHED))
    assert path.stat().st_size == whole  # cut back to the last whole record
    writer._file = writer._file.real  # type: ignore[attr-defined]  # room again
    writer.write(Exchange(f"{URL}&n=2", REQUEST, RESPONSE, FETCHED))
    writer.close()
    report = VerifyReport()
    records = check_file(path, report)
    assert report.problems == []
    uris = [r.url for r in records.values()]
    assert f"{URL}&n=2" in uris and f"{URL}&n=1" not in uris


def _indexed_by_cdxj_indexer(path: Path, tmp_path: Path) -> bytes:
    return index_warcs([path], tmp_path / "cdxj-indexer.cdxj", root=path.parent).read_bytes()


def test_each_file_is_indexed_as_written_as_cdxj_indexer_reads_it(tmp_path: Path) -> None:
    odd_heads = [
        b"HTTP/1.1 404 Not Found\r\nContent-Type: TEXT/HTML;charset=utf-8\r\n\r\ngone",
        b"HTTP/1.1 301 Moved\r\nLocation: https://zloy-odessit.livejournal.com/\r\n\r\n",
        b"HTTP/1.0 200 OK\r\nContent-Type:   ; charset=x\r\n\r\nodd",
        b"HTTP/1.1 200 OK\r\ncontent-type: image/png\r\n\r\n\x89PNG",
        b"HTTP/1.1 200 OK\r\nContent-Type:\r\n\r\nempty type",
        b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\nno type",
    ]
    warcs = tmp_path / "warc"
    with pinned_writer(warcs) as writer:
        first = writer.write(Exchange(URL, REQUEST, RESPONSE, FETCHED))
        prior = PriorCapture(first.record_id, URL, first.fetched_at)
        later = datetime(2021, 10, 17, 12, 0, tzinfo=UTC)
        writer.write(Exchange(URL, REQUEST, RESPONSE, later), lambda url, digest: prior)
        for n, response in enumerate(odd_heads):
            writer.write(
                Exchange(f"https://a.livejournal.com/{n}?b=2&a=1", REQUEST, response, FETCHED)
            )
        writer.write(Exchange("https://[broken/x", REQUEST, RESPONSE, FETCHED))
    (path,) = writer.files
    own = file_index(path).read_bytes()  # written by the writer: nobody indexed the file
    assert own.count(b"\n") == 2 + len(odd_heads) + 1
    assert b'"mime": "warc/revisit"' in own and b'"status": "404"' in own
    assert own == _indexed_by_cdxj_indexer(path, tmp_path)


def test_a_failed_write_leaves_the_index_true_to_the_file(tmp_path: Path) -> None:
    writer = pinned_writer(tmp_path / "warc")
    writer.write(Exchange(f"{URL}&n=0", REQUEST, RESPONSE, FETCHED))
    writer._file = DiskFillsUp(writer._file, room=40)  # type: ignore[assignment]
    with pytest.raises(OSError, match="No space left"):
        writer.write(Exchange(f"{URL}&n=1", REQUEST, RESPONSE, FETCHED))
    writer._file = writer._file.real  # type: ignore[attr-defined]
    writer.write(Exchange(f"{URL}&n=2", REQUEST, RESPONSE, FETCHED))
    writer.close()
    (path,) = writer.files
    own = file_index(path).read_bytes()
    assert own.count(b"\n") == 2 and b"n=1" not in own
    assert own == _indexed_by_cdxj_indexer(path, tmp_path)


def test_a_file_of_many_records_is_indexed_from_sorted_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large journal's file: its lines wait in runs on disk, not in memory, and come out as
    cdxj-indexer's."""
    monkeypatch.setattr(warc, "SortedLines", partial(SortedLines, held_at_most=4))
    warcs = tmp_path / "warc"
    with pinned_writer(warcs) as writer:
        for n in (7, 3, 11, 3, 0, 25, 14, 9, 2, 30, 1, 5, 8):  # 13 records: 3 runs and 1 held
            writer.write(
                Exchange(f"https://a.livejournal.com/{n}.html", REQUEST, RESPONSE, FETCHED)
            )
        assert writer._index_lines is not None and len(writer._index_lines._runs) == 3
    (path,) = writer.files
    own = file_index(path).read_bytes()
    assert own.count(b"\n") == 13
    assert own == _indexed_by_cdxj_indexer(path, tmp_path)
    assert sorted(p.name for p in warcs.iterdir()) == [path.name, file_index(path).name]


def test_no_room_for_the_runs_leaves_the_file_to_cdxj_indexer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(warc, "SortedLines", partial(SortedLines, held_at_most=2))
    warcs = tmp_path / "warc"
    writer = pinned_writer(warcs)
    writer.write(Exchange(f"{URL}&n=0", REQUEST, RESPONSE, FETCHED))

    def full(**_: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", full)
    writer.write(Exchange(f"{URL}&n=1", REQUEST, RESPONSE, FETCHED))  # archived all the same
    assert writer._index_lines is None
    monkeypatch.undo()
    writer.close()
    (path,) = writer.files
    assert not file_index(path).exists()
    write_cdxj_index(warcs)  # the end of the run: cdxj-indexer reads the file
    assert file_index(path).read_bytes() == _indexed_by_cdxj_indexer(path, tmp_path)
    assert file_index(path).read_bytes().count(b"\n") == 2


def test_runs_the_disk_cannot_hold_never_fail_a_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk full only when the bytes of a run are written (/dev/full): the records are
    written whole, the writer closes, and cdxj-indexer indexes the file."""
    monkeypatch.setattr(warc, "SortedLines", partial(SortedLines, held_at_most=2))
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **_: open("/dev/full", "w+b"))  # noqa: SIM115
    warcs = tmp_path / "warc"
    writer = pinned_writer(warcs)
    stored = [writer.write(Exchange(f"{URL}&n={n}", REQUEST, RESPONSE, FETCHED)) for n in range(3)]
    assert writer._index_lines is None
    writer.close()
    monkeypatch.undo()
    (path,) = writer.files
    with open(path, "rb") as stream:
        uris = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(stream)]
    assert uris.count(f"{URL}&n=2") == 2 and [s.offset for s in stored] == sorted(
        s.offset for s in stored
    )
    write_cdxj_index(warcs)
    assert file_index(path).read_bytes() == _indexed_by_cdxj_indexer(path, tmp_path)
