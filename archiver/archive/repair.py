"""`archiver verify --repair`: a WARC file's damaged tail moved aside, the index rebuilt.

A file may end in a half-written record (a crawl killed while writing, a full disk) or in bytes
that are no record at all (a copy cut short, a bad disk). Every record before that is whole. The
tail is copied to OUTPUT/warc-damaged/ before the file is cut back, so no byte is ever lost.
"""

from __future__ import annotations

import os
from pathlib import Path

from archiver.archive.layout import DAMAGED_DIRECTORY, WARC_DIRECTORY
from archiver.archive.verify import whole_records_end
from archiver.archive.warc import warc_files, write_cdxj_index


def repair_output(output: Path) -> list[str]:
    """Cut every WARC file of `output` back to its whole records; one line per file repaired."""
    done = []
    directory = output / WARC_DIRECTORY
    for path in warc_files(directory):
        end, size = whole_records_end(path), path.stat().st_size
        if end == size:
            continue
        aside = move_tail_aside(path, end, output / DAMAGED_DIRECTORY)
        if end == 0:
            path.unlink()  # nothing whole was in it; all of it is in `aside`
        done.append(f"{path.name}: {size - end} bytes from offset {end} moved to {aside}")
    if done and warc_files(directory):
        write_cdxj_index(directory)
    return done


def move_tail_aside(path: Path, offset: int, damaged: Path) -> Path:
    damaged.mkdir(parents=True, exist_ok=True)
    aside = damaged / f"{path.name}.from-{offset}"
    with open(path, "rb") as source, open(aside, "wb") as target:
        source.seek(offset)
        while chunk := source.read(1 << 20):
            target.write(chunk)
        target.flush()
        os.fsync(target.fileno())
    os.truncate(path, offset)
    return aside
