"""`archiver merge`, `archiver enqueue`, `archiver worker` and `archiver workers status`."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import click

from archiver import exitcodes
from archiver.cli_options import CONTACT_OPTION


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


BROKER_OPTION = click.option(
    "--broker",
    envvar="ARCHIVER_BROKER",
    required=True,
    help="The Redis that holds the queue, e.g. redis://127.0.0.1:6379/0 (or $ARCHIVER_BROKER).",
)


def _reachable(broker: str) -> None:
    from archiver.fleet.app import BrokerUnreachable, check_broker

    try:
        check_broker(broker)
    except BrokerUnreachable as error:
        click.echo(str(error), err=True)
        sys.exit(exitcodes.BROKER_UNREACHABLE)


@click.command()
@click.argument("journals", nargs=-1)
@click.option("--journals-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--full", is_flag=True, help="Crawl them whole (as `archiver crawl --full`).")
@BROKER_OPTION
def enqueue(journals: tuple[str, ...], journals_file: Path | None, full: bool, broker: str) -> None:
    """Put JOURNALS on the workers' queue, one task each."""
    from archiver.fleet.app import TASK, make_app
    from archiver.journals_file import journals_in
    from archiver.plan.journal import normalised_names

    given = list(journals) + (journals_in(journals_file) if journals_file else [])
    if not given:
        raise click.UsageError("name at least one journal, or give --journals-file")
    try:
        names = normalised_names(given)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    _reachable(broker)
    app = make_app(broker)
    for name in names:
        app.send_task(TASK, args=[name, full])
    click.echo(f"{len(names)} journals queued" + (" (full crawls)" if full else ""))


@click.command()
@click.option(
    "--output",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="This worker's own output (a database and WARC files): merge it into the archive.",
)
@BROKER_OPTION
@click.option(
    "--archive",
    type=click.Path(path_type=Path, file_okay=False),
    help="The merged archive, read before each journal so that its crawl is incremental.",
)
@click.option("--name", help="This worker's name, in its WARC files' names [default: the host's].")
@click.option("--proxy", default="", help="Send every request through this HTTP proxy.")
@click.option(
    "--site-rate",
    type=click.IntRange(min=0),
    default=0,
    envvar="ARCHIVER_SITE_RATE",
    help="Requests a second to LiveJournal for all workers together (0: no shared budget).",
)
@click.option(
    "--visibility-timeout",
    type=click.FloatRange(min=1),
    default=None,
    help="Seconds before a journal a lost worker held is given to another  [default: 6 hours]",
)
@CONTACT_OPTION
@click.option("-s", "--set", "overrides", multiple=True, help="Scrapy setting NAME=VALUE.")
def worker(
    output: Path,
    broker: str,
    archive: Path | None,
    name: str | None,
    proxy: str,
    site_rate: int,
    visibility_timeout: float | None,
    contact: str | None,
    overrides: tuple[str, ...],
) -> None:
    """Take journals from the queue one at a time and crawl each into OUTPUT."""
    import socket

    from archiver.crawl.options import contact_problem
    from archiver.fleet.app import DEFAULT_VISIBILITY_TIMEOUT, TASK, make_app
    from archiver.fleet.task import WorkerConfig, configure, crawl_journal

    given = dict(o.partition("=")[::2] for o in overrides)
    problem = contact_problem(
        given.get("ARCHIVER_CONTACT_URL", contact), given.get("ARCHIVER_PROXY", proxy)
    )
    if problem:
        raise click.UsageError(problem)
    if contact:
        overrides = (f"ARCHIVER_CONTACT_URL={contact}", *overrides)
    _reachable(broker)
    name = name or socket.gethostname()
    output.mkdir(parents=True, exist_ok=True)
    configure(WorkerConfig(output, broker, name, archive, proxy, site_rate, overrides))
    app = make_app(broker, visibility_timeout or DEFAULT_VISIBILITY_TIMEOUT)
    app.task(name=TASK, bind=True)(crawl_journal)
    app.Worker(
        hostname=f"{name}@{socket.gethostname()}",
        concurrency=1,
        pool="prefork",
        loglevel="INFO",
        quiet=True,
    ).start()


@click.group()
def workers() -> None:
    """The workers and their journals."""


@workers.command()
@BROKER_OPTION
def status(broker: str) -> None:
    """Journals queued, running (on which worker, pages so far) and done."""
    from archiver.fleet.app import make_app
    from archiver.fleet.status import fleet_status

    _reachable(broker)
    for line in fleet_status(make_app(broker), broker).lines():
        click.echo(line)
