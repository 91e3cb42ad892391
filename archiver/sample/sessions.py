"""Login sessions of the sample LiveJournal: LiveJournal's session cookies and whose a request is.

A login makes one session; three cookies are handles to it, in LiveJournal's formats
(LJ::Session): `ljloggedin` = `u<userid>:s<sessid>`, `ljmastersession` =
`v1:u<userid>:s<sessid>:a<auth>//<gen>`, and `ljsession`, the value LiveJournal's protocol
hands to old clients, which it reads like `ljmastersession`.

Which cookie authenticates, as LJ::Session::session_from_master_cookie decides: a request that
carries `ljmastersession` is the session's reader when that cookie names a live session and its
`ljloggedin` is the same session's; a request without `ljmastersession` is read by `ljsession`
alone. Anything else reads as logged out.

A session a server opens at login has a random id and auth string, and lives in that server's
memory. Every account also has one "printed" session, derived from its name and password
(`printed_session`), that every sample server accepts: `archiver sample-server --print-cookies`
writes it, so a server started later, in another process, takes it.

Expiry: with `expire_after` N, after N requests carrying a valid session (any URL), every session
the server would accept is revoked: those it opened and the printed ones, which stay revoked for
the server's life. A login afterwards opens a fresh session, counted anew.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from archiver import urls
from archiver.sample.accounts import ACCOUNTS, Account

COOKIE_GEN = "1"  # LiveJournal's cookie generation ($LJ::COOKIE_GEN), after the "//"
COOKIE_DOMAIN = f".{urls.LJ_DOMAIN}"
LONG_SESSION = timedelta(days=60)  # LJ::Session->session_length("long"): "remember me"
# The expiry written into a cookies.txt: 2038-01-19, the last second of 32-bit time.
COOKIES_TXT_EXPIRY = 2**31 - 1
SESSION_COOKIES = ("ljloggedin", "ljmastersession", "ljsession")

_MASTER = re.compile(r"v1:u(\d+):s(\d+):a([\w-]+)//.*", re.ASCII)


@dataclass(frozen=True)
class Session:
    account: Account
    sessid: int
    auth: str
    long: bool = False  # "remember me": the cookies carry an expiry

    @property
    def loggedin_cookie(self) -> str:
        return f"u{self.account.userid}:s{self.sessid}"

    @property
    def master_cookie(self) -> str:
        return f"v1:u{self.account.userid}:s{self.sessid}:a{self.auth}//{COOKIE_GEN}"

    def cookies(self) -> dict[str, str]:
        """The three cookies, name -> value."""
        master = self.master_cookie
        return {"ljloggedin": self.loggedin_cookie, "ljmastersession": master, "ljsession": master}


def new_session(account: Account, *, long: bool = False) -> Session:
    """A session as a login opens it: an unpredictable id and auth string."""
    return Session(account, 1 + secrets.randbelow(2**31 - 1), secrets.token_urlsafe(12), long)


def printed_session(account: Account) -> Session:
    """The account's one session that every sample server accepts (unless it revoked it)."""
    seed = f"printed\x1f{account.username}\x1f{account.password}"
    digest = hashlib.sha256(seed.encode()).digest()
    sessid = 1 + int.from_bytes(digest[:4], "big") % (2**31 - 1)
    auth = base64.urlsafe_b64encode(digest[4:16]).decode().rstrip("=")
    return Session(account, sessid, auth, long=True)


def set_cookie_headers(session: Session) -> tuple[tuple[str, str], ...]:
    """The login answer's `Set-Cookie` headers, for `.livejournal.com`, path `/`, HttpOnly.
    A long session's cookies last 60 days by `max-age`, where LiveJournal writes an `expires`
    date: the sample's clock is years behind its clients', which would drop a date long past."""
    lasting = f"; max-age={int(LONG_SESSION.total_seconds())}" if session.long else ""
    return tuple(
        ("Set-Cookie", f"{name}={value}; domain={COOKIE_DOMAIN}; path=/{lasting}; HttpOnly")
        for name, value in session.cookies().items()
    )


def cookies_txt(session: Session) -> str:
    """The session as a Netscape cookies.txt, as browsers' export extensions write it."""
    rows = [
        "\t".join((COOKIE_DOMAIN, "TRUE", "/", "FALSE", str(COOKIES_TXT_EXPIRY), name, value))
        for name, value in session.cookies().items()
    ]
    return "# Netscape HTTP Cookie File\n\n" + "\n".join(rows) + "\n"


_BY_USERID = {account.userid: account for account in ACCOUNTS.values()}


class Sessions:
    """The sessions one server accepts, and how many requests have used them."""

    def __init__(self, expire_after: int = 0) -> None:
        self.expire_after = expire_after  # 0: never
        self.used = 0  # requests with a valid session since the last revocation
        self._opened: dict[tuple[int, int], Session] = {}
        self._printed_revoked = False

    def open(self, account: Account, *, long: bool = False) -> Session:
        session = new_session(account, long=long)
        self._opened[(account.userid, session.sessid)] = session
        return session

    def revoke_all(self) -> None:
        self._opened.clear()
        self._printed_revoked = True
        self.used = 0

    def reader(self, cookies: Mapping[str, str]) -> Account | None:
        """Whose request this is (None: logged out). Counts the request towards expiry."""
        session = self.session_of(cookies)
        if session is None:
            return None
        self.used += 1
        if self.expire_after and self.used >= self.expire_after:
            self.revoke_all()
        return session.account

    def session_of(self, cookies: Mapping[str, str]) -> Session | None:
        """The live session the cookies name, by the rule in the module's docstring."""
        if "ljmastersession" in cookies:
            session = self._live(cookies["ljmastersession"])
            if session is None or cookies.get("ljloggedin") != session.loggedin_cookie:
                return None
            return session
        if "ljsession" in cookies:
            return self._live(cookies["ljsession"])
        return None

    def _live(self, value: str) -> Session | None:
        match = _MASTER.fullmatch(value)
        if match is None:
            return None
        userid, sessid, auth = int(match.group(1)), int(match.group(2)), match.group(3)
        session = self._opened.get((userid, sessid))
        account = _BY_USERID.get(userid)
        if session is None and account is not None and not self._printed_revoked:
            printed = printed_session(account)
            session = printed if printed.sessid == sessid else None
        if session is None or not secrets.compare_digest(session.auth, auth):
            return None
        return session
