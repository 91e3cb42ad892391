"""LiveJournal's login as a browser performs it, outside the crawl: nothing of it is archived.

`GET https://www.livejournal.com/login.bml` gives the form (and LiveJournal's first cookies),
`POST` of `user`, `password` and the form's hidden `lj_form_auth` gives the session cookies
(`ljloggedin`, `ljmastersession`, `ljsession`) with a redirect; a refused login gives the form
again with its error and no session cookie. This is how the tools that log in to LiveJournal's
web pages do it (ljdump's successors, livejournal-export); see archiver/sample/MARKUP.md.

The password is sent once, in the POST body over TLS, and kept nowhere. Through a proxy (the
sample server, or a debugging proxy that you run) the proxy's certificate is not checked, as
it cannot be LiveJournal's; without one it is checked as usual.
"""

from __future__ import annotations

import re
import ssl
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from urllib.parse import urlencode, urlsplit

from archiver import __version__, urls
from archiver.account.session_file import Cookie, LoginSession
from archiver.clock import now_iso
from archiver.parse.site_json import extract_from_html

LOGIN_URL = f"https://{urls.WWW_HOST}/login.bml"
SESSION_COOKIES = ("ljloggedin", "ljmastersession", "ljsession")
TIMEOUT = 60
_FORM_AUTH = re.compile(r'name="lj_form_auth"[^>]*\bvalue="([^"]*)"')
_ERROR = re.compile(r'class="[^"]*\bb-loginform-error\b[^"]*"[^>]*>(.*?)</', re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


class LoginError(Exception):
    """LiveJournal refused the login, or could not be reached; the text says which."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the login's redirect carries the cookies; where it points is not needed


def _opener(jar: CookieJar, proxy: str) -> urllib.request.OpenerDirector:
    context = ssl.create_default_context()
    if proxy:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    handlers: list[urllib.request.BaseHandler] = [
        urllib.request.HTTPCookieProcessor(jar),
        urllib.request.HTTPSHandler(context=context),
        urllib.request.ProxyHandler({"http": proxy, "https": proxy} if proxy else {}),
        _NoRedirects(),
    ]
    opener = urllib.request.build_opener(*handlers)
    opener.addheaders = [("User-Agent", f"archiver/{__version__} (login)")]
    return opener


def _read(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> str:
    try:
        with opener.open(request, timeout=TIMEOUT) as answer:
            body: bytes = answer.read()
    except urllib.error.HTTPError as error:  # a redirect (not followed) or an error page
        if error.code not in (301, 302, 303):
            raise LoginError(f"LiveJournal answered {error.code} {error.reason}") from None
        body = error.read()
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise LoginError(f"could not reach {urls.WWW_HOST}: {reason}") from None
    return body.decode("utf-8", "replace")


def log_in(user: str, password: str, proxy: str = "") -> LoginSession:
    """Log in as `user`; the session's cookies, or LoginError with LiveJournal's reason."""
    jar = CookieJar()
    opener = _opener(jar, proxy)
    form = _read(opener, urllib.request.Request(LOGIN_URL))
    fields = {"user": user, "password": password, "remember_me": "1"}
    token = _FORM_AUTH.search(form)
    if token:
        fields["lj_form_auth"] = token.group(1)
    post = urllib.request.Request(LOGIN_URL, data=urlencode(fields).encode(), method="POST")
    answer = _read(opener, post)
    cookies = _lj_cookies(jar)
    if not any(c.name in SESSION_COOKIES for c in cookies):
        raise LoginError(f"LiveJournal refused the login of {user}: {_refusal(answer)}")
    return LoginSession(user.lower(), cookies, "login", now_iso())


def _refusal(page: str) -> str:
    found = _ERROR.search(page)
    text = " ".join(_TAGS.sub(" ", found.group(1)).split()) if found else ""
    return text or "no session cookie came back (wrong username or password?)"


def _lj_cookies(jar: CookieJar) -> tuple[Cookie, ...]:
    found = []
    for c in jar:
        domain = c.domain
        if not (domain.lstrip(".") == urls.LJ_DOMAIN or domain.endswith("." + urls.LJ_DOMAIN)):
            continue
        found.append(
            Cookie(c.name, c.value or "", domain, c.path or "/", bool(c.secure), c.expires)
        )
    return tuple(found)


def reader_of(session: LoginSession, url: str, proxy: str = "") -> str | None:
    """Whom LiveJournal takes the session's cookies for, read off the page at `url` (a journal
    page): its `Site.remote`; None when the page comes back logged out."""
    host = urlsplit(url).hostname or ""
    pairs = "; ".join(f"{c.name}={c.value}" for c in session.cookies_for(host))
    request = urllib.request.Request(url, headers={"Cookie": pairs} if pairs else {})
    return extract_from_html(_read(_opener(CookieJar(), proxy), request)).reader
