"""How to write `archiver` in a hint, so that the user can paste it: as they invoked it."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def command_name(argv0: str | None = None, cwd: Path | None = None) -> str:
    """`archiver` when that name finds this very program, else its path (relative when it is
    under the working directory: `.venv/bin/archiver`), else `python -m archiver.cli`."""
    program = Path(argv0 if argv0 is not None else sys.argv[0])
    if program.suffix == ".py" or not program.name.startswith("archiver"):
        return f"{sys.executable} -m archiver.cli"
    on_path = shutil.which(program.name)
    if on_path and _same_file(Path(on_path), program):
        return program.name
    here = (cwd or Path.cwd()).resolve()
    absolute = program if program.is_absolute() else here / program
    try:
        return os.fspath(absolute.relative_to(here))
    except ValueError:
        return os.fspath(absolute)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
