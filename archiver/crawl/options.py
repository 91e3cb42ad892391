"""The crawl's own settings, read and checked once, before anything is fetched or written."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.settings import BaseSettings

from archiver.account.session_file import LoginSession, read_session
from archiver.plan.journal import PlanOptions
from archiver.plan.media import MODES, MediaOptions

# Each ARCHIVER_* number and what it must be, for a message that says which one is wrong.
_NUMBERS = {
    "ARCHIVER_REFRESH_WINDOW": (int, "a whole number of posts, 0 or more"),
    "ARCHIVER_MAX_DELETED_SHARE": (float, "a share between 0 and 1"),
    "ARCHIVER_BACKOFF_SECONDS": (float, "a number of seconds"),
    "ARCHIVER_MAX_WAIT": (float, "a number of seconds"),
    "ARCHIVER_RATE_LIMIT_RETRIES": (int, "a whole number of retries"),
    "ARCHIVER_WARC_MAX_BYTES": (int, "a whole number of bytes"),
    "ARCHIVER_MEDIA_MAX_BYTES": (int, "a whole number of bytes"),
    "ARCHIVER_MEDIA_MAX_AGE_DAYS": (int, "a whole number of days"),
}


def check_settings(settings: BaseSettings) -> None:
    """ValueError naming the first ARCHIVER_* setting whose value is not what it must be."""
    for name, (kind, meaning) in _NUMBERS.items():
        value = settings.get(name)
        try:
            number = kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"-s {name}={value}: it must be {meaning}") from None
        if number < 0 or (name == "ARCHIVER_MAX_DELETED_SHARE" and number > 1):
            raise ValueError(f"-s {name}={value}: it must be {meaning}")
    mode = settings.get("ARCHIVER_MEDIA")
    if mode not in MODES:
        raise ValueError(f"-s ARCHIVER_MEDIA={mode}: it must be one of {', '.join(MODES)}")
    problem = contact_problem(settings.get("ARCHIVER_CONTACT_URL"), settings.get("ARCHIVER_PROXY"))
    if problem:
        raise ValueError(problem)


def contact_problem(contact: str | None, proxy: str | None) -> str | None:
    """Why a crawl may not start without saying who runs it: LiveJournal's operators read the
    User-Agent to reach the person behind a crawl, not the authors of the tool. A proxy on this
    machine (the sample server) is no LiveJournal; any other proxy may lead to it."""
    if (contact or "").strip() or (proxy and is_loopback(proxy)):
        return None
    return (
        "say who runs this crawl, so that LiveJournal's operators can reach you: --contact URL "
        "(or -s ARCHIVER_CONTACT_URL=URL, or ARCHIVER_CONTACT_URL in the environment), "
        "for instance https://you.example/ or mailto:you@example.org"
    )


def plan_options(settings: BaseSettings, reader: str | None = None) -> PlanOptions:
    check_settings(settings)
    return PlanOptions(
        reader=reader,
        full=settings.getbool("ARCHIVER_FULL"),
        refresh_window=settings.getint("ARCHIVER_REFRESH_WINDOW"),
        max_deleted_share=settings.getfloat("ARCHIVER_MAX_DELETED_SHARE"),
        proxy=settings.get("ARCHIVER_PROXY") or "",
    )


def media_options(settings: BaseSettings) -> MediaOptions:
    check_settings(settings)
    return MediaOptions(
        mode=settings.get("ARCHIVER_MEDIA"),
        denied_hosts=tuple(
            h.strip().casefold() for h in settings.getlist("ARCHIVER_MEDIA_DENY_HOSTS")
        ),
        max_bytes=settings.getint("ARCHIVER_MEDIA_MAX_BYTES"),
        max_age_days=settings.getint("ARCHIVER_MEDIA_MAX_AGE_DAYS"),
    )


def login_session(settings: BaseSettings) -> LoginSession | None:
    """OUTPUT/.session, unless ARCHIVER_USE_SESSION is off (`archiver crawl --logged-out`).
    The spider, the session middleware and the archive extension each read it when they are
    made (Scrapy makes them in an order of its own); `run_crawl` has checked it can be read."""
    if not settings.getbool("ARCHIVER_USE_SESSION"):
        return None
    return read_session(Path(settings.get("ARCHIVER_OUTPUT")))


def is_loopback(proxy: str) -> bool:
    host = urlsplit(proxy if "://" in proxy else f"http://{proxy}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
