"""How `archiver serve` starts Datasette: the archive's database (or its public copy) and its
metadata."""

from __future__ import annotations

import sys
from importlib import resources
from pathlib import Path

from archiver.archive.layout import DATABASE_FILE, WARC_DIRECTORY

METADATA_FILE = "metadata.yml"
PUBLIC_DIRECTORY = "public"  # OUTPUT/public/archive.db: what `serve --public-only` serves
# Where the plugin reads archived bodies from: the served database may be a copy elsewhere.
WARC_DIRECTORY_ENV = "ARCHIVER_WARC_DIRECTORY"


def metadata_path(output: Path, chart_journal: str | None = None) -> Path:
    """OUTPUT/metadata.yml, written from the packaged default the first time, then yours to edit.
    `chart_journal` is the journal the chart page shows first (`plugins: archiver:
    chart_journal:`), written then too; without it the chart shows the biggest journal."""
    path = output / METADATA_FILE
    if not path.exists():
        default = resources.files("archiver.datasette").joinpath(METADATA_FILE)
        text = default.read_text(encoding="utf-8")
        if chart_journal:
            text += f"plugins:\n  archiver:\n    chart_journal: {chart_journal}\n"
        path.write_text(text, encoding="utf-8")
    return path


def public_database_path(output: Path) -> Path:
    """Where `serve --public-only` writes the public copy, again at every start. It keeps the
    name archive.db, which is what the metadata and the plugin call the database."""
    return output / PUBLIC_DIRECTORY / DATABASE_FILE


def datasette_command(
    output: Path, host: str, port: int, database: Path | None = None
) -> list[str]:
    """Datasette serving `database` (default OUTPUT/archive.db) with OUTPUT's metadata."""
    return [
        sys.executable,
        *("-m", "datasette", "serve", str(database or output / DATABASE_FILE)),
        *("--metadata", str(metadata_path(output))),
        *("--host", host, "--port", str(port)),
        *("--setting", "truncate_cells_html", "0"),
    ]


def datasette_environment(output: Path) -> dict[str, str]:
    """What the plugin is told through the environment: OUTPUT's WARC directory."""
    return {WARC_DIRECTORY_ENV: str((output / WARC_DIRECTORY).resolve())}
