"""OUTPUT/.session: the cookies of the user's LiveJournal login, readable by the user alone.

The file is JSON, written to a temporary file created with mode 0600 and renamed over the old
one, so it is never readable by others, not even for a moment, and never half-written. It lives
beside `warc/`, never inside it, and no packaging command reads it.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from archiver.archive.layout import SESSION_FILE

FILE_MODE = 0o600


@dataclass(frozen=True)
class Cookie:
    name: str
    value: str
    domain: str  # ".livejournal.com": this host and every one under it
    path: str = "/"
    secure: bool = False
    expires: int | None = None  # Unix time; None: a browser-session cookie

    def matches(self, host: str, path: str = "/") -> bool:
        domain = self.domain.lower().lstrip(".")
        host = host.lower()
        in_domain = host == domain or host.endswith("." + domain)
        return in_domain and path.startswith(self.path or "/")


@dataclass(frozen=True)
class LoginSession:
    """Whose session it is (the name LiveJournal's pages give the reader), its cookies, where
    it came from (`login` or `cookies.txt`) and when it was saved (ISO 8601)."""

    user: str
    cookies: tuple[Cookie, ...]
    source: str
    saved_at: str

    def cookies_for(self, host: str, path: str = "/") -> list[Cookie]:
        return [c for c in self.cookies if c.matches(host, path)]

    @property
    def secret_values(self) -> frozenset[str]:
        """Every cookie value of the session: what must never be written in clear."""
        return frozenset(c.value for c in self.cookies if c.value)


class SessionFileError(Exception):
    """OUTPUT/.session cannot be read, or is readable by others."""


def session_path(output: Path) -> Path:
    return output / SESSION_FILE


def write_session(output: Path, session: LoginSession) -> Path:
    """Save `session` as OUTPUT/.session (mode 0600), replacing any earlier one."""
    output.mkdir(parents=True, exist_ok=True)
    path = session_path(output)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        data = {**asdict(session), "cookies": [asdict(c) for c in session.cookies]}
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    os.chmod(partial, FILE_MODE)  # a umask cannot have widened it, but say so plainly
    partial.replace(path)
    return path


def read_session(output: Path) -> LoginSession | None:
    """OUTPUT/.session, or None if there is none. SessionFileError if it is unreadable, not
    JSON of the right shape, or readable by group or others (then it is not used)."""
    path = session_path(output)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SessionFileError(
            f"{path} is readable by others (mode {stat.filemode(mode)}): it holds your "
            f"LiveJournal login; run `chmod 600 {path}` or log in again"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cookies = tuple(Cookie(**c) for c in data["cookies"])
        return LoginSession(data["user"], cookies, data["source"], data["saved_at"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise SessionFileError(
            f"{path} cannot be read ({type(error).__name__}: {error}); log in again"
        ) from None


def forget_session(output: Path) -> bool:
    """Delete OUTPUT/.session; whether there was one."""
    try:
        session_path(output).unlink()
    except FileNotFoundError:
        return False
    return True
