"""How `archiver serve` starts Datasette: the archive's database and its metadata."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from archiver.archive.layout import DATABASE_FILE

METADATA_FILE = "metadata.yml"


def metadata_path(output: Path) -> Path:
    """OUTPUT/metadata.yml, written from the packaged default the first time, then yours to edit."""
    path = output / METADATA_FILE
    if not path.exists():
        default = resources.files("archiver.datasette").joinpath(METADATA_FILE)
        path.write_text(default.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def datasette_command(output: Path, host: str, port: int) -> list[str]:
    return [
        sys.executable,
        *("-m", "datasette", "serve", str(output / DATABASE_FILE)),
        *("--metadata", str(metadata_path(output))),
        *("--host", host, "--port", str(port)),
        *("--setting", "truncate_cells_html", "0"),
    ]
