"""Secrets out of the WARC files: the values of LiveJournal's session cookies, replaced.

A request record keeps every header, in order, and every cookie's name; only the values of the
session's cookies become REDACTED. The same goes for a response's `Set-Cookie` of one of them
(LiveJournal renews a session by setting it again). Bodies are never changed. Each WARC file's
warcinfo record says what was redacted (`redacted`), so a reader knows the bytes differ there
from what crossed the wire.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

REDACTED = "REDACTED"
# LiveJournal's session cookies (LJ::Session): the master session, the logged-in marker, the
# older single-cookie session, and the per-journal domain sessions `ljdomsess.<journal>`.
SESSION_COOKIE_NAMES = frozenset({"ljloggedin", "ljmastersession", "ljsession"})
SESSION_COOKIE_PREFIXES = ("ljdomsess.",)
# A value this long found anywhere in a session's cookies is redacted whatever its cookie's
# name: a renamed session cookie. Short values ("1", "en") are left, or every flag would go.
MIN_SECRET_LENGTH = 16
_HEAD_END = b"\r\n\r\n"


@dataclass(frozen=True)
class Redactor:
    secret_values: frozenset[str] = frozenset()

    @classmethod
    def for_values(cls, values: Iterable[str]) -> Redactor:
        return cls(frozenset(v for v in values if len(v) >= MIN_SECRET_LENGTH))

    def is_secret(self, name: str, value: str) -> bool:
        if not value or value == REDACTED:
            return False
        lowered = name.strip().lower()
        return (
            lowered in SESSION_COOKIE_NAMES
            or lowered.startswith(SESSION_COOKIE_PREFIXES)
            or value.strip() in self.secret_values
        )

    def head(self, message: bytes) -> bytes:
        """The HTTP message with its `Cookie` and `Set-Cookie` secrets redacted, and any value
        of the session found elsewhere in its head (a URL, a header of another name) replaced
        too; else the message as it is (the same object: nothing was copied)."""
        end = message.find(_HEAD_END)
        head, rest = (message, b"") if end < 0 else (message[:end], message[end:])
        lines = head.split(b"\r\n")
        changed = False
        for secret in self.secret_values:
            if secret.encode("latin-1", "replace") in head:
                head = head.replace(secret.encode("latin-1", "replace"), REDACTED.encode())
                lines = head.split(b"\r\n")
                changed = True
        for i, line in enumerate(lines[1:], start=1):
            name, colon, value = line.partition(b":")
            header = name.strip().lower()
            if not colon or header not in (b"cookie", b"set-cookie"):
                continue
            text = value.decode("latin-1")
            redacted = self._cookie(text) if header == b"cookie" else self._set_cookie(text)
            if redacted != text:
                lines[i] = name + b":" + redacted.encode("latin-1")
                changed = True
        return b"\r\n".join(lines) + rest if changed else message

    def _cookie(self, value: str) -> str:
        """`Cookie: a=1; ljmastersession=v1:...` with the session's values replaced."""
        pairs = value.split(";")
        return ";".join(self._pair(pair) for pair in pairs)

    def _set_cookie(self, value: str) -> str:
        """`Set-Cookie: ljmastersession=v1:...; domain=...`: its first pair only."""
        first, semicolon, attributes = value.partition(";")
        return self._pair(first) + semicolon + attributes

    def _pair(self, pair: str) -> str:
        name, equals, value = pair.partition("=")
        if not equals or not self.is_secret(name, value):
            return pair
        return f"{name}={REDACTED}"


def warcinfo_note() -> str:
    """What warcinfo's `redacted` field says."""
    names = ", ".join(sorted(SESSION_COOKIE_NAMES)) + ", ljdomsess.*"
    return (
        f"request Cookie and response Set-Cookie headers: the values of the session cookies "
        f"{names} (and of any cookie carrying a session value) are replaced by {REDACTED}; "
        "every header and cookie name is kept, and no body is changed"
    )
