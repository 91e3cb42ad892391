"""Datasette plugin: archived HTML shown safely, posts linked to their captures, a monthly chart.

Registered through the `datasette` entry point in pyproject.toml, so any Datasette in this
environment loads it; `archiver serve` is the usual way in.
"""

from __future__ import annotations

import html
import os
from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from archiver.datasette.chart import monthly_chart_page
from archiver.sanitize import sanitize_html

REPLAY_ENV = "ARCHIVER_REPLAY_URL"  # e.g. http://127.0.0.1:8080/lj/ for a pywb collection
HTML_COLUMNS = frozenset({"body_html"})
BODY_STYLE = "min-width:28em;max-width:46em;white-space:normal"


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    if column in HTML_COLUMNS and isinstance(value, str):
        return Markup(
            f'<div class="archived-html" style="{BODY_STYLE}">{sanitize_html(value)}</div>'
        )
    if table == "posts" and column == "capture_id" and value is not None:
        # In a table view a foreign key arrives as {"value": ..., "label": ...}.
        capture_id = value.get("value") if isinstance(value, dict) else value
        return _capture_links(row, capture_id, datasette)
    return None


def _capture_links(row: Any, capture_id: Any, datasette: Any) -> Any:
    async def inner() -> Markup:
        db = datasette.get_database("archive")
        result = await db.execute(
            "SELECT url, warc_file, warc_offset, record_id, fetched_at FROM captures WHERE id = ?",
            [capture_id],
        )
        capture = result.first()
        if capture is None:
            return Markup(html.escape(str(capture_id)))
        link = datasette.urls.row("archive", "captures", str(capture_id))
        parts = [
            f'<a href="{html.escape(link)}">capture {html.escape(str(capture_id))}</a>',
            f"{html.escape(capture['warc_file'])} @{capture['warc_offset']}",
        ]
        replay = os.environ.get(REPLAY_ENV, "").strip()
        if replay:
            stamp = "".join(ch for ch in capture["fetched_at"] if ch.isdigit())[:14]
            target = f"{replay.rstrip('/')}/{stamp}/{quote(capture['url'], safe=':/?=&%')}"
            parts.append(f'<a href="{html.escape(target)}">replay</a>')
        return Markup("<br>".join(parts))

    return inner


@hookimpl  # type: ignore[untyped-decorator]
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/archiver/chart$", chart)]


async def chart(request: Any, datasette: Any) -> Response:
    # The same permissions as reading the tables it counts: a restricted instance stays closed.
    await datasette.ensure_permissions(
        request.actor,
        [
            ("view-table", ("archive", "posts")),
            ("view-table", ("archive", "comments")),
            ("view-database", "archive"),
            "view-instance",
        ],
    )
    db = datasette.get_database("archive")
    journals = [
        row["journal"]
        for row in await db.execute(
            "SELECT journal, COUNT(*) AS n FROM posts GROUP BY journal ORDER BY n DESC, journal"
        )
    ]
    journal = request.args.get("journal") or (journals[0] if journals else "")
    posts = await db.execute(
        "SELECT substr(published, 1, 7) AS month, COUNT(*) AS n FROM posts "
        "WHERE journal = ? AND published IS NOT NULL GROUP BY month",
        [journal],
    )
    comments = await db.execute(
        "SELECT substr(posted, 1, 7) AS month, COUNT(*) AS n FROM comments "
        "WHERE journal = ? AND posted IS NOT NULL GROUP BY month",
        [journal],
    )
    page = monthly_chart_page(
        journal,
        journals,
        {row["month"]: row["n"] for row in posts},
        {row["month"]: row["n"] for row in comments},
    )
    return Response.html(page)
