"""Lines sorted in bounded memory (archiver/archive/sorted_lines.py): the CDXJ lines of a WARC
file as it is written."""

from __future__ import annotations

import errno
import random
import tempfile
from pathlib import Path

import pytest

from archiver.archive.sorted_lines import SortedLines


def lines_of(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    keys = ["com,livejournal,a)/", "com,livejournal,b)/1.html", "com,livejournal,b)/1.html?page=1"]
    return [
        f'{rng.choice(keys)} 2021101{rng.randrange(10)} {{"offset": "{rng.randrange(10**6)}"}}\n'
        for _ in range(count)
    ]


@pytest.mark.parametrize(("count", "held_at_most"), [(0, 4), (3, 4), (4, 4), (50, 4), (50, 7)])
def test_lines_come_out_sorted_whatever_was_spilled(
    tmp_path: Path, count: int, held_at_most: int
) -> None:
    given = lines_of(count, seed=count + held_at_most)
    lines = SortedLines(tmp_path, held_at_most=held_at_most)
    for line in given:
        lines.add(line)
    assert len(lines._held) == count % held_at_most
    assert len(lines._runs) == count // held_at_most
    target = lines.write(tmp_path / "out.cdxj")
    assert target.read_text() == "".join(sorted(given))
    lines.close()
    assert [p.name for p in tmp_path.iterdir()] == ["out.cdxj"]  # the runs had no names


def test_text_sorts_as_its_bytes_do(tmp_path: Path) -> None:
    given = ["é b\n", "z a\n", "e\u0301 c\n", "\U0001f600 d\n", "~ e\n"]
    lines = SortedLines(tmp_path, held_at_most=2)
    for line in given:
        lines.add(line)
    out = lines.write(tmp_path / "out").read_bytes()
    assert out.splitlines(keepends=True) == sorted(line.encode() for line in given)


def test_a_run_that_finds_no_room_raises_and_keeps_what_it_had(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = SortedLines(tmp_path, held_at_most=2)
    lines.add("b\n")
    lines.add("a\n")  # spilled

    def full(**_: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", full)
    lines.add("d\n")
    with pytest.raises(OSError, match="No space left"):
        lines.add("c\n")
    monkeypatch.undo()
    assert lines.write(tmp_path / "out").read_text() == "a\nb\nc\nd\n"


def test_a_run_the_disk_cannot_hold_raises_at_once_and_closing_never_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk takes the file's creation but not its bytes: /dev/full fails the flush."""
    lines = SortedLines(tmp_path, held_at_most=2)
    lines.add("b\n")
    lines.add("a\n")  # spilled to a real file
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **_: open("/dev/full", "w+b"))  # noqa: SIM115
    lines.add("c\n")
    with pytest.raises(OSError) as raised:
        lines.add("d\n")
    assert raised.value.errno == errno.ENOSPC
    assert len(lines._runs) == 1 and lines._held == ["c\n", "d\n"]
    lines._runs.append(open("/dev/full", "w+b"))  # noqa: SIM115 - a run whose close would fail
    lines._runs[-1].write(b"x\n")
    lines.close()  # no OSError
    assert lines._runs == [] and lines._held == []
