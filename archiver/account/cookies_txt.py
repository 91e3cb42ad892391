"""Netscape `cookies.txt`, as browsers' export extensions, curl and wget write it.

Each line: domain, include-subdomains flag, path, secure flag, expiry (Unix time, 0 for a
browser-session cookie), name, value; tab-separated. Lines starting with `#` are comments, except
`#HttpOnly_` before a domain, which marks an HttpOnly cookie (curl, and most export extensions).
Only LiveJournal's cookies are kept: an export of a whole browser holds everyone's.
"""

from __future__ import annotations

from pathlib import Path

from archiver.account.session_file import Cookie
from archiver.urls import LJ_DOMAIN

HTTPONLY_PREFIX = "#HttpOnly_"
HEADER = "# Netscape HTTP Cookie File"


class CookiesFileError(Exception):
    """The file is not a cookies.txt, or holds no LiveJournal cookie."""


def read_cookies_txt(path: Path, now: float) -> tuple[Cookie, ...]:
    """LiveJournal's unexpired cookies in `path`; CookiesFileError says what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise CookiesFileError(f"cannot read {path}: {error}") from None
    cookies = []
    for number, line in enumerate(text.splitlines(), start=1):
        cookie = _cookie_line(line, path, number)
        if cookie is None or not _under_lj(cookie.domain):
            continue
        if cookie.expires is not None and cookie.expires <= now:
            continue
        cookies.append(cookie)
    if not cookies:
        raise CookiesFileError(
            f"{path} holds no unexpired livejournal.com cookie: export the cookies while "
            "logged in to LiveJournal"
        )
    return tuple(cookies)


def _under_lj(domain: str) -> bool:
    bare = domain.lower().lstrip(".")
    return bare == LJ_DOMAIN or bare.endswith("." + LJ_DOMAIN)


def _cookie_line(line: str, path: Path, number: int) -> Cookie | None:
    if line.startswith(HTTPONLY_PREFIX):
        line = line[len(HTTPONLY_PREFIX) :]
    elif line.startswith("#") or not line.strip():
        return None
    fields = line.rstrip("\r\n").split("\t")
    if len(fields) != 7:
        raise CookiesFileError(
            f"{path}, line {number}: not a cookies.txt line (7 tab-separated fields expected, "
            f"{len(fields)} found)"
        )
    domain, subdomains, cookie_path, secure, expires, name, value = fields
    try:
        expiry = int(expires)
    except ValueError:
        raise CookiesFileError(
            f"{path}, line {number}: expiry {expires!r} is not a number"
        ) from None
    if subdomains.upper() == "TRUE" and not domain.startswith("."):
        domain = "." + domain
    return Cookie(
        name=name,
        value=value,
        domain=domain,
        path=cookie_path or "/",
        secure=secure.upper() == "TRUE",
        expires=expiry or None,
    )


def cookies_txt(cookies: tuple[Cookie, ...] | list[Cookie]) -> str:
    """The cookies as a cookies.txt file's text."""
    lines = [HEADER, "# Written by archiver. It holds a LiveJournal login: keep it private.", ""]
    for c in cookies:
        flag = "TRUE" if c.domain.startswith(".") else "FALSE"
        secure = "TRUE" if c.secure else "FALSE"
        fields = (c.domain, flag, c.path, secure, str(c.expires or 0), c.name, c.value)
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"
