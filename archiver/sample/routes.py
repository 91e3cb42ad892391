"""Which answer the sample LiveJournal gives to a request: status, headers and body, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, urlsplit

from archiver import urls
from archiver.sample import media, render
from archiver.sample.content import Journal, Site
from archiver.sample.seed_data import data_bytes

HTML = "text/html; charset=utf-8"
ADULT_COOKIE = "adult_explicit"
BLOCKED_PAGE = "alstrangers-error451-1.http"


@dataclass(frozen=True)
class Response:
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    raw: bytes | None = None  # a byte-exact recorded response, sent as it is

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


@dataclass(frozen=True)
class Request:
    method: str
    url: str  # absolute, with scheme and host
    headers: tuple[tuple[str, str], ...] = field(default=())

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def cookies(self) -> dict[str, str]:
        jar: SimpleCookie = SimpleCookie()
        for key, value in self.headers:
            if key.lower() == "cookie":
                jar.load(value)
        return {k: m.value for k, m in jar.items()}


REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    403: "Forbidden",
    404: "Not Found",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
STATUS_OF_JOURNAL = {"deleted": 410, "purged": 410, "suspended": 403}


def _page(site: Site, status: int, body: str, content_type: str = HTML) -> Response:
    return Response(
        status,
        REASONS[status],
        (
            ("Date", format_datetime(site.now, usegmt=True)),
            ("Content-Type", content_type),
            *_session_cookies(site),
        ),
        body.encode("utf-8"),
    )


def _session_cookies(site: Site) -> tuple[tuple[str, str], ...]:
    """LiveJournal sets several cookies on every page: repeated Set-Cookie headers."""
    expires = format_datetime(site.now.replace(year=site.now.year + 1), usegmt=True)
    scope = f"domain=.livejournal.com; path=/; expires={expires}"
    stamp = int(site.now.timestamp())
    return (
        ("Set-Cookie", f"ljuniq=sample{stamp}:0; {scope}"),
        ("Set-Cookie", f"langpref=en/{stamp}; {scope}"),
    )


def _redirect(site: Site, status: int, location: str) -> Response:
    headers = (
        ("Date", format_datetime(site.now, usegmt=True)),
        ("Location", location),
        ("Content-Type", HTML),
    )
    body = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>'
    return Response(status, REASONS[status], headers, body.encode())


def _media(site: Site, found: media.Answer) -> Response:
    """A picture, stylesheet, script or font: no cookies; kept a month (a tracker: not at all)."""
    headers: tuple[tuple[str, str], ...] = (
        ("Date", format_datetime(site.now, usegmt=True)),
        ("Content-Type", found.content_type),
        ("Last-Modified", format_datetime(MEDIA_MODIFIED, usegmt=True)),
        ("Cache-Control", "max-age=2592000" if found.status == 200 else "no-cache"),
    )
    if found.cors:
        headers += (("Access-Control-Allow-Origin", "*"),)
    return Response(found.status, REASONS[found.status], headers, found.body)


MEDIA_MODIFIED = datetime(2021, 10, 3, 12, 0, tzinfo=UTC)


def respond(site: Site, request: Request) -> Response:
    parts = urlsplit(request.url)
    host = (parts.hostname or "").lower()
    found = media.answer(request.url)
    if found is not None:
        return _media(site, found)
    if host == urls.WWW_HOST:
        return _www(site, request)
    username = urls.username_from_host(host)
    if username is None:
        return _page(site, 404, render.not_found_page(site, request.url))
    journal = site.journal(username)
    if journal is None:
        return _page(site, 404, render.not_found_page(site, request.url))
    return _journal(site, journal, request)


def _www(site: Site, request: Request) -> Response:
    parts = urlsplit(request.url)
    if parts.path == "/misc/adult_explicit.bml":
        ret = parse_qs(parts.query).get("ret", [urls.journal_root("adult_notes")])[0]
        return _page(site, 200, render.adult_notice_page(ret))
    return _page(site, 404, render.not_found_page(site, request.url))


def _journal(site: Site, journal: Journal, request: Request) -> Response:
    parts = urlsplit(request.url)
    ref = urls.classify(request.url)
    if journal.status == "renamed" and journal.renamed_to:
        target = urls.journal_root(journal.renamed_to).rstrip("/") + parts.path
        return _redirect(site, 301, target + (f"?{parts.query}" if parts.query else ""))
    if journal.status == "blocked":
        return Response(404, "xxx", raw=data_bytes(BLOCKED_PAGE))
    if ref.kind == "robots":
        return _page(site, 200, render.robots_txt(journal), "text/plain; charset=utf-8")
    if journal.status in STATUS_OF_JOURNAL:
        return _page(
            site, STATUS_OF_JOURNAL[journal.status], render.journal_status_page(site, journal)
        )
    if journal.adult and request.cookies().get(ADULT_COOKIE) != "1":
        target = (
            f"https://{urls.WWW_HOST}/misc/adult_explicit.bml?ret={quote(request.url, safe='')}"
        )
        return _redirect(site, 302, target)
    return _journal_page(site, journal, request, ref)


def _journal_page(site: Site, journal: Journal, request: Request, ref: urls.PageRef) -> Response:
    query = ref.query or {}
    if ref.kind == "post" and ref.ditemid is not None:
        return _post(site, journal, request, ref.ditemid, query)
    if ref.kind == "index":
        return _page(site, 200, render.index_page(site, journal, min(ref.skip, render.MAX_SKIP)))
    if ref.kind == "tag" and ref.tag is not None:
        if ref.tag not in journal.tag_counts:
            return _page(site, 404, render.not_found_page(site, request.url))
        skip = min(ref.skip, render.MAX_SKIP)
        return _page(site, 200, render.tag_page(site, journal, ref.tag, skip))
    if ref.kind == "year" and ref.year is not None:
        return _page(site, 200, render.year_page(site, journal, ref.year))
    if ref.kind == "month" and ref.year is not None and ref.month is not None:
        if not 1 <= ref.month <= 12:
            return _page(site, 404, render.not_found_page(site, request.url))
        return _page(site, 200, render.month_page(site, journal, ref.year, ref.month))
    if ref.kind == "day" and ref.year and ref.month and ref.day:
        if not (1 <= ref.month <= 12 and 1 <= ref.day <= 31):
            return _page(site, 404, render.not_found_page(site, request.url))
        return _page(site, 200, render.day_page(site, journal, ref.year, ref.month, ref.day))
    if ref.kind == "rss":
        return _page(site, 200, render.rss(site, journal), "text/xml; charset=utf-8")
    if ref.kind == "atom":
        return _page(site, 200, render.atom(site, journal), "application/atom+xml; charset=utf-8")
    return _page(site, 404, render.not_found_page(site, request.url))


def _post(
    site: Site, journal: Journal, request: Request, ditemid: int, query: dict[str, str]
) -> Response:
    post = journal.by_ditemid.get(ditemid)
    if post is None:
        return _page(site, 404, render.not_found_page(site, request.url))
    if not post.is_public:
        return _page(site, 403, render.locked_post_page(site, journal, ditemid))
    if ditemid in journal.verbatim:
        return _page(site, 200, data_bytes(journal.verbatim[ditemid]).decode("utf-8"))
    skin = "schemius" if query.get("format") == "light" else journal.style
    page = _positive_int(query.get("page"), 1)
    thread = _positive_int(query.get("thread"), 0) or None
    body = render.post_page(
        site,
        journal,
        post,
        skin=skin,
        comment_page=page,
        thread=thread,
        nojs=query.get("nojs") == "1",
    )
    return _page(site, 200, body)


def _positive_int(value: str | None, default: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return number if number > 0 else default
