"""Options that more than one command takes."""

from __future__ import annotations

import click

CONTACT_OPTION = click.option(
    "--contact",
    envvar="ARCHIVER_CONTACT_URL",
    metavar="URL",
    help="Where LiveJournal can reach you (https://you.example/ or mailto:you@example.org), "
    "sent in the User-Agent; required for a crawl of livejournal.com [$ARCHIVER_CONTACT_URL].",
)
