"""Datasette plugin: archived HTML shown safely, posts linked to their captures, a monthly chart.

Registered through the `datasette` entry point in pyproject.toml, so any Datasette in this
environment loads it; `archiver serve` is the usual way in.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup

from archiver.archive.layout import WARC_DIRECTORY
from archiver.archive.warc import read_payload
from archiver.datasette.chart import monthly_chart_page
from archiver.datasette.sanitize import sanitize_html
from archiver.datasette.serve import WARC_DIRECTORY_ENV
from archiver.store import datasette_queries as queries

REPLAY_ENV = "ARCHIVER_REPLAY_URL"  # e.g. http://127.0.0.1:8080/lj/ for a pywb collection
MEDIA_ROUTE = "/-/archiver/media"
# What stands in for an image the archive does not hold (a 404, a tracker, over the size cap).
NOT_ARCHIVED_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40">'
    '<rect width="160" height="40" fill="#eee" stroke="#bbb"/>'
    '<text x="80" y="25" font-size="12" text-anchor="middle" fill="#666">image not archived'
    "</text></svg>"
)
HTML_COLUMNS = frozenset({"body_html"})
BODY_STYLE = "min-width:28em;max-width:46em;white-space:normal"


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    if column in HTML_COLUMNS and isinstance(value, str):
        shown = sanitize_html(value, rewrite_image=archived_image_url)
        return Markup(f'<div class="archived-html" style="{BODY_STYLE}">{shown}</div>')
    if table == "posts" and column == "capture_id" and value is not None:
        # In a table view a foreign key arrives as {"value": ..., "label": ...}.
        capture_id = value.get("value") if isinstance(value, dict) else value
        return _capture_links(row, capture_id, datasette)
    return None


def _capture_links(row: Any, capture_id: Any, datasette: Any) -> Any:
    async def inner() -> Markup:
        db = datasette.get_database("archive")
        result = await db.execute(queries.CAPTURE_BY_ID, [capture_id])
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


def archived_image_url(src: str) -> str:
    """Where this Datasette shows an image from: the archive's copy, or a placeholder."""
    return f"{MEDIA_ROUTE}?url={quote(src, safe='')}"


@hookimpl  # type: ignore[untyped-decorator]
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/-/archiver/chart$", chart), (rf"^{MEDIA_ROUTE}$", media)]


async def media(request: Any, datasette: Any) -> Response:
    """An archived image's body as it was served, read from the WARC; a placeholder for one
    that was not archived. Never anything from outside the archive, never a script."""
    await datasette.ensure_permissions(
        request.actor, [("view-table", ("archive", "media")), "view-instance"]
    )
    db = datasette.get_database("archive")
    found = (await db.execute(queries.MEDIA_BODY, [request.args.get("url", "")])).first()
    content_type = str(found["content_type"] or "") if found else ""
    if found is None or not content_type.casefold().startswith("image/"):
        return _image_response(NOT_ARCHIVED_SVG.encode(), "image/svg+xml", "not archived")
    warcs = Path(os.environ.get(WARC_DIRECTORY_ENV) or Path(db.path).parent / WARC_DIRECTORY)
    body = read_payload(warcs / found["warc_file"], found["warc_offset"])
    return _image_response(body, content_type, "archived")


def _image_response(body: bytes, content_type: str, state: str) -> Response:
    headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        "X-Content-Type-Options": "nosniff",
        "X-Archiver-Media": state,
        "Cache-Control": "max-age=86400",
    }
    return Response(body, content_type=content_type, headers=headers)


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
    journals = [row["journal"] for row in await db.execute(queries.JOURNALS_BY_POSTS)]
    journal = request.args.get("journal") or (journals[0] if journals else "")
    posts = await db.execute(queries.POSTS_PER_MONTH, [journal])
    comments = await db.execute(queries.COMMENTS_PER_MONTH, [journal])
    page = monthly_chart_page(
        journal,
        journals,
        {row["month"]: row["n"] for row in posts},
        {row["month"]: row["n"] for row in comments},
    )
    return Response.html(page)
