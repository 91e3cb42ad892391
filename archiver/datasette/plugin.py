"""Datasette plugin: archived HTML shown safely, posts linked to their captures, one page per
post (its body, tags, threaded comments, versions and captures), a monthly chart.

Registered through the `datasette` entry point in pyproject.toml, so any Datasette in this
environment loads it; `archiver serve` is the usual way in.
"""

from __future__ import annotations

import html
import os
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup

from archiver.archive.layout import WARC_DIRECTORY
from archiver.archive.warc import read_payload
from archiver.datasette.chart import monthly_svg
from archiver.datasette.post_page import replay_link, threaded
from archiver.datasette.sanitize import sanitize_html
from archiver.datasette.serve import WARC_DIRECTORY_ENV
from archiver.store import datasette_queries as queries

REPLAY_ENV = "ARCHIVER_REPLAY_URL"  # e.g. http://127.0.0.1:8080/lj/ for a pywb collection
MEDIA_ROUTE = "/-/archiver/media"
POST_ROUTE = "/-/archiver/post"
# What stands in for an image the archive does not hold (a 404, a tracker, over the size cap).
NOT_ARCHIVED_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40" viewBox="0 0 160 40">'
    '<rect width="160" height="40" fill="#eee" stroke="#bbb"/>'
    '<text x="80" y="25" font-size="12" text-anchor="middle" fill="#666">image not archived'
    "</text></svg>"
)
HTML_COLUMNS = frozenset({"body_html"})
POST_TABLES = frozenset({"posts", "post_index"})
POST_PAGE_TABLES = ("posts", "tags", "comments", "post_versions", "captures")
BODY_STYLE = "min-width:28em;max-width:46em;white-space:normal"


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(
    row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
) -> Any:
    if column in HTML_COLUMNS and isinstance(value, str):
        shown = sanitize_html(value, rewrite_image=archived_image_url)
        return Markup(f'<div class="archived-html" style="{BODY_STYLE}">{shown}</div>')
    if column == "title" and table in POST_TABLES and {"journal", "ditemid"} <= set(row.keys()):
        # Every post row, in the table, the index view and search results, leads to its page.
        # (A sqlite3.Row's `in` looks at its values, not its column names.)
        page = html.escape(datasette.urls.path(post_path(_plain(row["journal"]), row["ditemid"])))
        return Markup(f'<a href="{page}">{html.escape(str(value or "(untitled)"))}</a>')
    if table == "posts" and column == "capture_id" and value is not None:
        return _capture_links(row, _plain(value), datasette)
    return None


def _plain(value: Any) -> Any:
    """In a table view a foreign key arrives as {"value": ..., "label": ...}."""
    return value.get("value") if isinstance(value, dict) else value


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
        target = replay_link(os.environ.get(REPLAY_ENV, ""), capture["fetched_at"], capture["url"])
        if target:
            parts.append(f'<a href="{html.escape(target)}">replay</a>')
        return Markup("<br>".join(parts))

    return inner


def archived_image_url(src: str) -> str:
    """Where this Datasette shows an image from: the archive's copy, or a placeholder."""
    return f"{MEDIA_ROUTE}?url={quote(src, safe='')}"


def post_path(journal: str, ditemid: Any) -> str:
    return f"{POST_ROUTE}/{quote(str(journal))}/{quote(str(ditemid))}"


@hookimpl  # type: ignore[untyped-decorator]
def prepare_jinja2_environment(env: Environment, datasette: Any) -> None:
    """The plugin's pages extend Datasette's own templates (its navigation, its styles)."""
    ours = PackageLoader("archiver.datasette", "templates")
    env.loader = ChoiceLoader([env.loader, ours] if env.loader else [ours])


@hookimpl  # type: ignore[untyped-decorator]
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/archiver/chart$", chart),
        (rf"^{MEDIA_ROUTE}$", media),
        (rf"^{POST_ROUTE}/(?P<journal>[A-Za-z0-9_]+)/(?P<ditemid>[0-9]+)$", post),
    ]


async def post(request: Any, datasette: Any) -> Response:
    """One post as it was: its body with its archived images, tags, comments in threads with
    their states, versions and the captures of its pages (with replay links)."""
    # One check per table it shows: an allow on one table must not open the others.
    for shown in POST_PAGE_TABLES:
        await datasette.ensure_permissions(
            request.actor,
            [("view-table", ("archive", shown)), ("view-database", "archive"), "view-instance"],
        )
    db = datasette.get_database("archive")
    ditemid = request.url_vars["ditemid"]
    key = [request.url_vars["journal"], int(ditemid) if len(ditemid) <= 18 else -1]
    row = (await db.execute(queries.POST, key)).first()
    if row is None:
        raise NotFound(f"no post {key[1]} of {key[0]} in this archive")
    comments = [
        replace(c, body=_archived_html(c.row["body_html"]) if c.row["body_html"] else None)
        for c in threaded([dict(r) for r in await db.execute(queries.POST_COMMENTS, key)])
    ]
    replay = os.environ.get(REPLAY_ENV, "")
    captures = [
        {**dict(c), "replay": replay_link(replay, c["fetched_at"], c["url"])}
        for c in await db.execute(queries.POST_CAPTURES, {"url": row["url"]})
    ]
    context = {
        "post": dict(row),
        "body": _archived_html(row["body_html"]),
        "tags": [dict(t) for t in await db.execute(queries.POST_TAGS, key)],
        "comments": comments,
        "versions": [dict(v) for v in await db.execute(queries.POST_VERSIONS, key)],
        "captures": captures,
    }
    page = await datasette.render_template("archiver_post.html", context, request=request)
    return Response.html(page)


def _archived_html(body: str) -> Markup:
    return Markup(sanitize_html(body, rewrite_image=archived_image_url))


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
    journals = [(row["journal"], row["n"]) for row in await db.execute(queries.JOURNALS_BY_POSTS)]
    journal = request.args.get("journal") or default_chart_journal(
        [name for name, _ in journals], datasette.plugin_config("archiver") or {}
    )
    posts = {r["month"]: r["n"] for r in await db.execute(queries.POSTS_PER_MONTH, [journal])}
    comments = {r["month"]: r["n"] for r in await db.execute(queries.COMMENTS_PER_MONTH, [journal])}
    context = {
        "journal": journal,
        "journals": journals,
        "svg": Markup(monthly_svg(posts, comments)),
        "total_posts": sum(posts.values()),
        "total_comments": sum(comments.values()),
    }
    page = await datasette.render_template("archiver_chart.html", context, request=request)
    return Response.html(page)


def default_chart_journal(by_posts: list[str], config: dict[str, Any]) -> str:
    """The journal `plugins: archiver: chart_journal:` in the metadata names, if the archive
    holds it; else the one with the most posts."""
    chosen = config.get("chart_journal")
    if chosen in by_posts:
        return str(chosen)
    return by_posts[0] if by_posts else ""
