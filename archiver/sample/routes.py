"""Which answer the sample LiveJournal gives to a request: status, headers and body, no I/O."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, urlsplit

from archiver import urls
from archiver.sample import accounts, media, render, sessions
from archiver.sample.content import Journal, Site
from archiver.sample.render.errors import safe_return
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
    body: bytes = b""

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

    def form(self) -> dict[str, str]:
        """The fields of a form posted as application/x-www-form-urlencoded (first of each)."""
        fields = parse_qs(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return {name: values[0] for name, values in fields.items()}


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


def respond(site: Site, request: Request, reader: str | None = None) -> Response:
    """The answer to `request` read by the account `reader` (None: logged out). A login with
    the right password opens a session, which is the server's (`login_attempt`, `logged_in`)."""
    parts = urlsplit(request.url)
    host = (parts.hostname or "").lower()
    found = media.answer(request.url)
    if found is not None:
        return _media(site, found)
    if host == urls.WWW_HOST:
        return _www(site, request, reader)
    username = urls.username_from_host(host)
    if username is None:
        return _page(site, 404, render.not_found_page(site, request.url))
    journal = site.journal(username)
    if journal is None:
        return _page(site, 404, render.not_found_page(site, request.url))
    return _journal(site, journal.read_by(reader), request)


def _www(site: Site, request: Request, reader: str | None) -> Response:
    parts = urlsplit(request.url)
    if parts.path == "/misc/adult_explicit.bml":
        ret = parse_qs(parts.query).get("ret", [urls.journal_root("adult_notes")])[0]
        return _page(site, 200, render.adult_notice_page(ret))
    if parts.path == LOGIN_PATH:
        return _login_page(site, request, reader)
    return _page(site, 404, render.not_found_page(site, request.url))


# ---------------------------------------------------------------- login (MARKUP "Logged in")

LOGIN_PATH = "/login.bml"
LUID_COOKIE = "luid"


def is_login(request: Request) -> bool:
    parts = urlsplit(request.url)
    return (parts.hostname or "").lower() == urls.WWW_HOST and parts.path == LOGIN_PATH


def login_attempt(request: Request) -> accounts.Account | None:
    """The account a POST to login.bml logs in to, when it gives the right password."""
    if request.method != "POST" or not is_login(request):
        return None
    form = request.form()
    return accounts.authenticate(form.get("user", ""), form.get("password", ""))


def _return_to(request: Request) -> str:
    """Where a login goes back to: the form's (or the URL's) `ret`, when it is on LiveJournal."""
    query = parse_qs(urlsplit(request.url).query)
    ret = request.form().get("ret") or query.get("ret", [""])[0]
    return ret if ret and safe_return(ret) == ret else ""


def logged_in(site: Site, request: Request, session: sessions.Session) -> Response:
    """The answer to a login with the right password: 302 to `ret` (else the user's journal),
    with the session's three cookies."""
    location = _return_to(request) or urls.journal_root(session.account.username)
    redirect = _redirect(site, 302, location)
    cookies = sessions.set_cookie_headers(session)
    return dataclasses.replace(redirect, headers=redirect.headers + cookies)


def _login_page(site: Site, request: Request, reader: str | None) -> Response:
    """The form; after a POST (a failed login: a right one is the server's), with the error."""
    error = ""
    user = ""
    if request.method == "POST":
        user = request.form().get("user", "")
        error = render.BAD_PASSWORD if accounts.account(user) else render.UNKNOWN_USER
    page = render.login_page(site, reader=reader, user=user, ret=_return_to(request), error=error)
    response = _page(site, 200, page)
    stamp = int(site.now.timestamp())
    luid = f"{LUID_COOKIE}=sample{stamp}; domain=.{urls.LJ_DOMAIN}; path=/"
    return dataclasses.replace(response, headers=(*response.headers, ("Set-Cookie", luid)))


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
        if ref.tag not in journal.shelf.tag_counts:
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
    if not post.readable_by(journal.reader):
        return _page(site, 403, render.locked_post_page(site, journal, ditemid))
    if ditemid in journal.verbatim:
        return _page(site, 200, _verbatim(journal.verbatim[ditemid], journal.reader))
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


def _verbatim(name: str, reader: str | None) -> str:
    """A real page as it was recorded (logged out); served to a logged-in reader, it names
    them, as every page LiveJournal serves a logged-in reader does."""
    page = data_bytes(name).decode("utf-8")
    if reader is None:
        return page
    return page.replace('"remoteUser":null', f'"remoteUser":"{reader}"', 1)


def _positive_int(value: str | None, default: int) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        return default
    return number if number > 0 else default
