"""`archiver login`, `archiver logout`, and the session a crawl's `--cookies FILE` brings."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from archiver import exitcodes, urls
from archiver.account.cookies_txt import CookiesFileError, read_cookies_txt
from archiver.account.login import LoginError, log_in, reader_of
from archiver.account.session_file import (
    LoginSession,
    forget_session,
    session_path,
    write_session,
)
from archiver.archive.layout import DEFAULT_OUTPUT
from archiver.clock import now_iso

USER_VARIABLE = "ARCHIVER_LJ_USER"
PASSWORD_VARIABLE = "ARCHIVER_LJ_PASSWORD"


@click.command()
@click.option(
    "--output", default=DEFAULT_OUTPUT, show_default=True, type=click.Path(path_type=Path)
)
@click.option(
    "--proxy", default="", help="Log in through this HTTP proxy (its certificate is not checked)."
)
def login(output: Path, proxy: str) -> None:
    """Log in to LiveJournal and keep the session in OUTPUT/.session (mode 0600).

    The username and password are asked for on the terminal, or read from ARCHIVER_LJ_USER
    and ARCHIVER_LJ_PASSWORD (for cron). The password is kept nowhere; later crawls of OUTPUT
    archive what the account may read: friends-only, private and custom-group posts too."""
    user = os.environ.get(USER_VARIABLE) or _ask("LiveJournal username", hide=False)
    password = os.environ.get(PASSWORD_VARIABLE) or _ask("Password", hide=True)
    name = urls.journal_name(user)
    if name is None:
        raise click.BadParameter(f"{user!r} is not a LiveJournal username", param_hint="username")
    try:
        session = log_in(name, password, proxy)
    except LoginError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(exitcodes.FAILED)
    path = write_session(output, session)
    click.echo(f"logged in as {session.user}; the session is in {path} (mode 0600)")


def _ask(prompt: str, hide: bool) -> str:
    if not sys.stdin.isatty():
        variable = PASSWORD_VARIABLE if hide else USER_VARIABLE
        raise click.UsageError(f"no terminal to ask on: set {variable}")
    answer: str = click.prompt(prompt, hide_input=hide)
    return answer


@click.command()
@click.option(
    "--output", default=DEFAULT_OUTPUT, show_default=True, type=click.Path(path_type=Path)
)
def logout(output: Path) -> None:
    """Forget the session kept in OUTPUT/.session (LiveJournal may still hold it: end it in
    LiveJournal's settings, under sessions)."""
    if forget_session(output):
        click.echo(f"removed {session_path(output)}")
    else:
        click.echo(f"no session in {output}")


def import_cookies(cookies_file: Path, output: Path, journal: str, proxy: str) -> LoginSession:
    """The LiveJournal session in a browser's cookies.txt, checked on `journal`'s front page
    (whom LiveJournal takes it for) and kept in OUTPUT/.session for later runs."""
    try:
        cookies = read_cookies_txt(cookies_file, time.time())
    except CookiesFileError as error:
        raise click.BadParameter(str(error), param_hint="--cookies") from None
    unchecked = LoginSession("", cookies, "cookies.txt", now_iso())
    try:
        reader = reader_of(unchecked, urls.journal_root(journal), proxy)
    except LoginError as error:
        click.echo(f"error: cannot check the cookies in {cookies_file}: {error}", err=True)
        sys.exit(exitcodes.FAILED)
    if reader is None:
        click.echo(
            f"error: LiveJournal does not take the cookies in {cookies_file} for a login (its "
            "pages come back logged out): export them again while logged in",
            err=True,
        )
        sys.exit(exitcodes.SESSION_EXPIRED)
    session = LoginSession(reader, cookies, "cookies.txt", now_iso())
    write_session(output, session)
    return session
