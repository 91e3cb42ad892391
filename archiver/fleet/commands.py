"""`archiver merge`, `archiver enqueue`, `archiver worker` and `archiver workers status`."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from archiver import exitcodes


@click.command()
@click.argument(
    "worker_outputs", nargs=-1, required=True, type=click.Path(path_type=Path, file_okay=False)
)
@click.option(
    "--into",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The archive to fold them into (created if missing).",
)
def merge(worker_outputs: tuple[Path, ...], into: Path) -> None:
    """Fold WORKER_OUTPUT... into the archive INTO: WARC files linked (or copied) into its
    warc/, rows upserted on their natural keys, its index written again. Safe while the
    workers go on; merging the same outputs again changes nothing."""
    from archiver.archive.lock import LockHeld
    from archiver.archive.merge import MergeError, merge_outputs
    from archiver.store.merge import SchemaMismatch

    try:
        merged = merge_outputs(worker_outputs, into)
    except LockHeld as held:
        click.echo(str(held), err=True)
        sys.exit(exitcodes.LOCK_HELD)
    except (MergeError, SchemaMismatch) as error:
        click.echo(f"nothing was merged from there on: {error}", err=True)
        sys.exit(exitcodes.FAILED)
    except (OSError, sqlite3.Error) as error:
        click.echo(f"the merge failed: {type(error).__name__}: {error}", err=True)
        sys.exit(exitcodes.FAILED)
    for output in merged:
        files = len(output.linked) + len(output.copied)
        click.echo(
            f"{output.source}: {files} WARC files brought in ({len(output.linked)} linked), "
            f"{sum(output.rows.inserted.values())} rows added, "
            f"{sum(output.rows.updated.values())} updated"
        )
    click.echo(f"archive: {into}")
