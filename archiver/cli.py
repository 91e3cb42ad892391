"""The `archiver` command."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from contextlib import nullcontext, suppress
from dataclasses import asdict
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import click

from archiver import exitcodes
from archiver.archive.layout import DATABASE_FILE, DEFAULT_OUTPUT
from archiver.cli_options import CONTACT_OPTION
from archiver.command_name import command_name
from archiver.journals_file import journals_in
from archiver.sample.defaults import DEFAULT_BULK_POSTS

if TYPE_CHECKING:
    from archiver.progress_display import LiveBar
    from archiver.sample.faults import FaultOptions

# Every command imports what it needs when it runs: a cron run loads neither the sample
# journals nor Datasette.
OUTPUT_OPTION = click.option(
    "--output", default=DEFAULT_OUTPUT, show_default=True, type=click.Path(path_type=Path)
)
OUTPUT_ARGUMENT = click.argument(
    "output", default=DEFAULT_OUTPUT, type=click.Path(path_type=Path, file_okay=False)
)


@click.group()
@click.version_option(package_name="livejournal-archiver")
def main() -> None:
    """Archive LiveJournal journals into SQLite and WARC files."""


def _fault_options(
    latency_ms: int,
    throttle: int,
    retry_after: int,
    error_rate: float,
    error_status: int,
    drop_rate: float,
    truncate_rate: float,
    fail_attempts: int,
    gzip: bool,
    chunked: bool,
    crawl_delay: float = 0.0,
) -> FaultOptions:
    from archiver.sample.faults import FaultOptions

    return FaultOptions(
        latency_ms=latency_ms,
        throttle_requests=throttle,
        retry_after=retry_after,
        error_rate=error_rate,
        error_status=error_status,
        drop_rate=drop_rate,
        truncate_rate=truncate_rate,
        fail_attempts=fail_attempts,
        gzip=gzip,
        chunked=chunked,
        crawl_delay=crawl_delay,
    )


@main.command("sample-server")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, help="Port (0 picks a free one).")
@click.option(
    "--posts",
    default=DEFAULT_BULK_POSTS,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Size of the generated journal bulk_journal.",
)
@click.option("--revision", default=0, show_default=True, type=click.IntRange(0, None))
@click.option("--manifest", is_flag=True, help="Print the content as JSON lines and exit.")
@click.option("--latency-ms", default=0, type=click.IntRange(0, None), help="Delay per answer.")
@click.option("--throttle", default=0, type=click.IntRange(0, None), help="First N requests: 429.")
@click.option("--retry-after", default=1, show_default=True, type=click.IntRange(0, None))
@click.option("--error-rate", default=0.0, type=click.FloatRange(0, 1), help="Share of URLs: 5xx.")
@click.option("--error-status", default=500, type=click.Choice(["500", "503"]), show_default=True)
@click.option("--drop-rate", default=0.0, type=click.FloatRange(0, 1), help="Share: no answer.")
@click.option("--truncate-rate", default=0.0, type=click.FloatRange(0, 1), help="Share: cut body.")
@click.option("--fail-attempts", default=1, show_default=True, help="Attempts that misbehave.")
@click.option("--gzip", is_flag=True, help="Gzip bodies for clients that accept it.")
@click.option("--chunked", is_flag=True, help="Send bodies with chunked transfer encoding.")
@click.option(
    "--crawl-delay", default=0.0, type=click.FloatRange(0), help="robots.txt Crawl-delay."
)
@click.option(
    "--expire-session-after",
    default=0,
    type=click.IntRange(0, None),
    help="Revoke every login session after N requests with one (0: never).",
)
@click.option(
    "--as",
    "as_user",
    metavar="USER",
    help="With --manifest: only the posts this sample account may read.",
)
@click.option(
    "--print-cookies",
    metavar="USER",
    help="Write a cookies.txt with a session of this sample account and exit.",
)
@click.option(
    "--cookies-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where --print-cookies writes (default: standard output).",
)
def sample_server(
    host: str,
    port: int,
    posts: int,
    revision: int,
    manifest: bool,
    latency_ms: int,
    throttle: int,
    retry_after: int,
    error_rate: float,
    error_status: str,
    drop_rate: float,
    truncate_rate: float,
    fail_attempts: int,
    gzip: bool,
    chunked: bool,
    crawl_delay: float,
    expire_session_after: int,
    as_user: str | None,
    print_cookies: str | None,
    cookies_file: Path | None,
) -> None:
    """Run the bundled sample LiveJournal (an HTTP server and HTTPS proxy) on loopback.

    Its accounts and their passwords are in archiver/sample/accounts.py."""
    from archiver.sample import accounts

    for option, name in (("--as", as_user), ("--print-cookies", print_cookies)):
        if name is not None and accounts.account(name) is None:
            known = ", ".join(accounts.ACCOUNTS)
            message = f"no sample account {name!r} (one of {known})"
            raise click.BadParameter(message, param_hint=option)
    if as_user is not None and not manifest:
        raise click.UsageError("--as goes with --manifest")
    if print_cookies is not None:
        from archiver.sample.sessions import cookies_txt, printed_session

        account = accounts.ACCOUNTS[print_cookies]
        text = cookies_txt(printed_session(account))
        if cookies_file is None:
            sys.stdout.write(text)
        else:
            cookies_file.write_text(text, "utf-8")
            cookies_file.chmod(0o600)
        return
    from archiver.sample.content import build_site, iter_manifest

    site = build_site(revision, posts)
    if manifest:
        for record in iter_manifest(site, as_user):
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    import dataclasses

    from archiver.sample.server import SampleServer, serve_forever

    faults = _fault_options(
        latency_ms,
        throttle,
        retry_after,
        error_rate,
        int(error_status),
        drop_rate,
        truncate_rate,
        fail_attempts,
        gzip,
        chunked,
        crawl_delay,
    )
    faults = dataclasses.replace(faults, expire_session_after=expire_session_after)
    with suppress(KeyboardInterrupt):
        asyncio.run(serve_forever(SampleServer(site, faults), host, port))


@main.command()
@click.argument("journals", nargs=-1)
@click.option("--journals-file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@OUTPUT_OPTION
@click.option("--proxy", default="", help="Send every request through this HTTP proxy.")
@click.option(
    "--full", is_flag=True, help="List the whole journal and fetch every post page again."
)
@click.option(
    "--cookies",
    "cookies_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A browser's cookies.txt with your LiveJournal login (kept in OUTPUT/.session).",
)
@click.option("--logged-out", is_flag=True, help="Ignore OUTPUT/.session: crawl logged out.")
@CONTACT_OPTION
@click.option("-s", "--set", "overrides", multiple=True, help="Scrapy setting NAME=VALUE.")
def crawl(
    journals: tuple[str, ...],
    journals_file: Path | None,
    output: Path,
    proxy: str,
    full: bool,
    cookies_file: Path | None,
    logged_out: bool,
    contact: str | None,
    overrides: tuple[str, ...],
) -> None:
    """Archive JOURNALS into OUTPUT/archive.db and OUTPUT/warc/.

    The first run lists each journal whole; later runs read its index pages and feeds and fetch
    new posts, posts whose comment count changed and the newest archived ones.
    """
    from archiver.crawl.options import check_settings
    from archiver.crawl.run import crawl_settings, run_crawl
    from archiver.plan.journal import normalised_names

    given_names = list(journals) + (journals_in(journals_file) if journals_file else [])
    if not given_names:
        raise click.UsageError("name at least one journal, or give --journals-file")
    if output.exists() and not output.is_dir():
        raise click.BadParameter(f"{output} is a file, not a directory", param_hint="--output")
    given = dict(_setting(o) for o in overrides)
    if contact:
        given.setdefault("ARCHIVER_CONTACT_URL", contact)
    if sys.stderr.isatty():
        # A person is watching: a progress line instead of Scrapy's log lines.
        given = {"ARCHIVER_PROGRESS": "True", "LOG_LEVEL": "WARNING", **given}
    settings = crawl_settings(output, proxy, given)
    if full:
        settings.set("ARCHIVER_FULL", True, priority="cmdline")
    if logged_out:
        settings.set("ARCHIVER_USE_SESSION", False, priority="cmdline")
    try:
        names = normalised_names(given_names)
        check_settings(settings)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    if cookies_file is not None:
        if logged_out:
            raise click.UsageError("--cookies and --logged-out contradict each other")
        from archiver.account.commands import import_cookies

        session = import_cookies(cookies_file, output, names[0], proxy)
        click.echo(f"the cookies log in as {session.user}; kept in {output}/.session")
    result = run_crawl(names, settings)
    click.echo(result.summary)
    sys.exit(result.exit_code)


def _setting(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise click.UsageError(f"-s takes NAME=VALUE, not {text!r}")
    name, value = text.split("=", 1)
    return name, value


@main.command()
@OUTPUT_OPTION
@click.option("--posts", default=DEFAULT_BULK_POSTS, type=click.IntRange(1, 100_000))
@click.option("--revision", default=0, type=click.IntRange(0, None))
def demo(output: Path, posts: int, revision: int) -> None:
    """Crawl the bundled sample LiveJournal into OUTPUT: every journal it serves."""
    from archiver.crawl.run import crawl_settings, run_crawl
    from archiver.datasette.serve import metadata_path
    from archiver.sample.content import build_site
    from archiver.sample.server import running_server
    from archiver.summary import archive_summary

    site = build_site(revision, posts)
    with running_server(site=site) as server:
        click.echo(f"Sample LiveJournal running at {server.proxy_url} (revision {revision})")
        settings = crawl_settings(output, server.proxy_url, DEMO_SETTINGS)
        result = run_crawl(list(site.journals), settings)
    click.echo(result.summary)
    click.echo(archive_summary(output / DATABASE_FILE))
    # The chart opens on the journal this project started from, not the generated bulk one.
    metadata_path(output, chart_journal=DEMO_CHART_JOURNAL)
    click.echo(f"Explore it: {command_name()} serve {output}")
    expected_unavailable = result.exit_code in (exitcodes.OK, exitcodes.JOURNAL_UNAVAILABLE)
    sys.exit(exitcodes.OK if expected_unavailable else result.exit_code)


DEMO_CHART_JOURNAL = "zloy_odessit"
# The sample server is local: no need to be gentle with it.
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", required=True, help="The URL the page was fetched from.")
@click.option("--status", default=200, show_default=True)
@click.option(
    "--captured-at",
    default=None,
    help="ISO date of the capture (default: the page's own server_time, else now).",
)
def parse(file: Path, url: str, status: int, captured_at: str | None) -> None:
    """Print what a saved page parses to, as JSON lines."""
    from archiver.items import ITEM_TYPES
    from archiver.parse import ParseError, parse_page
    from archiver.parse.site_json import server_time

    body = file.read_bytes()
    when = (
        datetime.fromisoformat(captured_at)
        if captured_at
        else server_time(body.decode("utf-8", "replace")) or datetime.now(UTC)
    )
    try:
        items = parse_page(url, body, status=status, captured_at=when)
    except ParseError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(exitcodes.FAILED)
    for item in items:
        record = {"type": ITEM_TYPES[type(item)], **asdict(item)}
        click.echo(json.dumps(record, ensure_ascii=False, default=list))


@main.command()
@OUTPUT_ARGUMENT
@click.option("--port", default=8001, show_default=True, help="Port (0 picks a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--replay-url",
    default="",
    help="A pywb collection, e.g. http://127.0.0.1:8080/lj/: posts link to their replay.",
)
@click.option(
    "--public-only",
    is_flag=True,
    help="Serve a copy without non-public posts, screened comments and pages fetched logged "
    "in (OUTPUT/public/archive.db, written again at every start).",
)
def serve(output: Path, port: int, host: str, replay_url: str, public_only: bool) -> None:
    """Explore OUTPUT/archive.db in Datasette, with the archive's metadata and plugin."""
    from archiver.datasette.serve import datasette_command, datasette_environment

    database = output / DATABASE_FILE
    if not database.exists():
        raise click.BadParameter(f"{database} does not exist: crawl first", param_hint="OUTPUT")
    served = _write_public_copy(output) if public_only else database
    command = datasette_command(output, host, port, served)
    os.environ.update(datasette_environment(output))
    if replay_url:
        os.environ["ARCHIVER_REPLAY_URL"] = replay_url
    os.execv(command[0], command)


def _write_public_copy(output: Path) -> Path:
    from archiver.archive.public import write_public_copy
    from archiver.datasette.serve import public_database_path

    target = public_database_path(output)
    try:
        left_out = write_public_copy(output / DATABASE_FILE, target)
    except (OSError, sqlite3.Error) as error:  # a read-only OUTPUT, a full disk
        click.echo(f"cannot write the public copy {target}: {error}", err=True)
        sys.exit(exitcodes.FAILED)
    click.echo(f"serving the public copy {target}: {left_out.summary()}", err=True)
    _note_missing_public_pages(output)
    return target


@main.command()
@OUTPUT_ARGUMENT
@click.option(
    "--into",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the new database here (it must not exist) and leave OUTPUT's as it is.",
)
def rebuild(output: Path, into: Path | None) -> None:
    """Build the database again from OUTPUT's WARC files alone, with today's parsers.

    Without --into, the new database replaces OUTPUT/archive.db once it is complete; the old
    one is kept beside it as archive.db.before-rebuild-TIME. Nothing is fetched."""
    from archiver.archive.layout import WARC_DIRECTORY
    from archiver.archive.lock import LockHeld, output_lock
    from archiver.archive.rebuild import RebuildReport, rebuild_database, replace_database

    warcs = output / WARC_DIRECTORY
    if not warcs.is_dir():
        raise click.BadParameter(
            f"{output} has no {WARC_DIRECTORY}/ directory", param_hint="OUTPUT"
        )
    if into is not None and into.exists():
        raise click.BadParameter(f"{into} exists: name a new file", param_hint="--into")
    target = into or output / f"{DATABASE_FILE}.rebuilding"
    from archiver.progress_display import MB, LiveBar

    bar = LiveBar("MB of WARC", "rebuild") if sys.stderr.isatty() else None

    def show(report: RebuildReport) -> None:
        if bar is not None:
            detail = f"{report.records} records read, {report.pages} pages parsed"
            bar.update(report.bytes_read // MB, report.bytes_total // MB or None, detail)

    writable = os.access(output, os.W_OK)
    if into is None and not writable:
        raise click.UsageError(
            f"{output} is read-only: rebuild into a new database with --into FILE"
        )
    try:
        # On read-only media no crawl can be writing: there is no lock to take, and none to.
        with output_lock(output) if writable else nullcontext():
            with suppress(FileNotFoundError):
                if into is None:
                    target.unlink()  # what an interrupted rebuild left
            with bar or nullcontext():
                report = rebuild_database(warcs, target, show)
            kept = None if into else replace_database(output / DATABASE_FILE, target)
    except LockHeld as held:
        click.echo(str(held), err=True)
        sys.exit(exitcodes.LOCK_HELD)
    except (OSError, sqlite3.Error) as error:  # a full disk, a directory that cannot be written
        click.echo(f"the rebuild failed: {type(error).__name__}: {error}", err=True)
        sys.exit(exitcodes.FAILED)
    for line in report.lines():
        click.echo(line)
    click.echo(f"database: {into or output / DATABASE_FILE}")
    if kept:
        click.echo(f"the database it replaced is kept as {kept}")
    sys.exit(report.exit_code)


@main.command()
@OUTPUT_ARGUMENT
@click.option(
    "--repair", is_flag=True, help="Move damaged WARC tails aside and rebuild the index first."
)
def verify(output: Path, repair: bool) -> None:
    """Check every WARC record (structure, digests) and every captures row against its record."""
    from archiver.archive.lock import LockHeld, output_lock
    from archiver.archive.repair import repair_output
    from archiver.archive.verify import verify_output

    if not output.is_dir():
        raise click.BadParameter(f"{output} is not a directory", param_hint="OUTPUT")
    writable = os.access(output, os.W_OK)
    if repair and not writable:
        raise click.UsageError(
            f"{output} is read-only: --repair moves damaged bytes aside there; "
            "copy the archive to a writable disk and repair the copy"
        )
    from archiver.progress_display import LiveBar

    bar = LiveBar("MB of WARC", "verify") if sys.stderr.isatty() else None
    progress = None if bar is None else partial(_bytes_shown, bar)
    try:
        if writable:
            with output_lock(output):  # a crawl still writing would look like a torn record
                for line in repair_output(output) if repair else []:
                    click.echo(f"repaired {line}")
                with bar or nullcontext():
                    report = verify_output(output, progress)
        else:  # read-only media: no crawl can be writing to it
            with bar or nullcontext():
                report = verify_output(output, progress)
    except LockHeld as held:
        click.echo(str(held), err=True)
        sys.exit(exitcodes.LOCK_HELD)
    for line in report.lines():
        click.echo(line)
    sys.exit(exitcodes.OK if report.ok else exitcodes.VERIFY_FAILED)


@main.command()
@OUTPUT_ARGUMENT
@click.option(
    "--target",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the WACZ file.  [default: OUTPUT/archive.wacz]",
)
@click.option(
    "--public-only",
    is_flag=True,
    help="Leave out non-public posts, screened comments and pages fetched logged in.",
)
@click.option(
    "--include-private",
    is_flag=True,
    help="Package everything, non-public posts and pages fetched logged in included.",
)
def wacz(output: Path, target: Path | None, public_only: bool, include_private: bool) -> None:
    """Package OUTPUT's WARC files, a CDXJ index and its page list into one WACZ file.

    An archive holding non-public posts or pages fetched logged in is packaged only with
    --public-only or --include-private."""
    from archiver.archive.lock import LockHeld
    from archiver.archive.wacz import PrivateContentError, WaczError, write_wacz

    if public_only and include_private:
        raise click.UsageError("--public-only and --include-private exclude each other")
    if not output.is_dir():
        raise click.BadParameter(f"{output} is not a directory", param_hint="OUTPUT")
    from archiver.progress_display import LiveBar

    bar = LiveBar("MB of WARC", "wacz") if sys.stderr.isatty() else None
    progress = None if bar is None else partial(_bytes_shown, bar)
    try:
        with bar or nullcontext():
            written = write_wacz(
                output,
                target,
                public_only=public_only,
                include_private=include_private,
                progress=progress,
            )
    except LockHeld as held:
        click.echo(str(held), err=True)
        sys.exit(exitcodes.LOCK_HELD)
    except PrivateContentError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(exitcodes.BAD_ARGUMENTS)
    except WaczError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(exitcodes.FAILED)
    click.echo(f"{written}: {written.stat().st_size:,} bytes")
    if public_only:
        _note_missing_public_pages(output)


def _note_missing_public_pages(output: Path) -> None:
    from archiver.archive.public import missing_public_pages_note

    note = missing_public_pages_note(output / DATABASE_FILE)
    if note:
        click.echo(f"note: {note}", err=True)


def _bytes_shown(bar: LiveBar, done: int, total: int) -> None:
    from archiver.progress_display import MB

    bar.update(done // MB, total // MB or None)


def _add_account_commands() -> None:
    from archiver.account.commands import login, logout

    main.add_command(login)
    main.add_command(logout)


_add_account_commands()


def _add_fleet_commands() -> None:
    from archiver.fleet.commands import enqueue, merge, worker, workers

    for command in (merge, enqueue, worker, workers):
        main.add_command(command)


_add_fleet_commands()

if __name__ == "__main__":
    main()
