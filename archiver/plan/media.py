"""Which of the things pages load a run fetches, and what a fetched one gives (no Scrapy).

Each URL is fetched at most once a run, and not again on later runs while the archive holds a
good answer for it younger than ARCHIVER_MEDIA_MAX_AGE_DAYS (a userpic or a stylesheet hardly
ever changes; `--full` fetches them again). Trackers, counters, analytics and ad hosts are never
fetched. A stylesheet's own references (its images, fonts and `@import`s) are fetched too; a
requisite never leads to a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from archiver.items import FetchedPage, MediaItem, MediaRef, PageItems
from archiver.parse.markup import decode_body
from archiver.parse.requisites import FONT, IMAGE, STYLE, USERPIC, stylesheet_references

MODES = ("all", "images", "none")  # ARCHIVER_MEDIA
PRIORITY = -1000  # after every journal page: a run cut short keeps its pages first
# A requisite's answer is recorded whatever its status; 5xx and 429 are retried first.
ANSWERED_STATUSES = tuple(s for s in range(300, 500) if s != 429)
IMAGE_ROLES = frozenset({IMAGE, USERPIC})
# Hosts that count, track or advertise; a host matches itself and its subdomains.
DEFAULT_DENIED_HOSTS = (
    "scorecardresearch.com",
    "yandex.ru",
    "yandex.net",
    "rambler.ru",
    "tns-counter.ru",
    "mail.ru",
    "yadro.ru",
    "googletagmanager.com",
    "google-analytics.com",
    "googlesyndication.com",
    "doubleclick.net",
    "adfox.ru",
    "adriver.ru",
    "criteo.com",
    "facebook.net",
    "connect.facebook.net",
    "platform.twitter.com",
    "xc3.services.livejournal.com",  # LiveJournal's own page-view counter
)


@dataclass(frozen=True)
class MediaOptions:
    mode: str = "all"  # ARCHIVER_MEDIA
    denied_hosts: tuple[str, ...] = DEFAULT_DENIED_HOSTS  # ARCHIVER_MEDIA_DENY_HOSTS
    max_bytes: int = 8 * 1024 * 1024  # ARCHIVER_MEDIA_MAX_BYTES
    max_age_days: int = 30  # ARCHIVER_MEDIA_MAX_AGE_DAYS


@dataclass(frozen=True)
class FetchMedia:
    url: str
    role: str
    journal: str


@dataclass
class MediaPlan:
    options: MediaOptions = field(default_factory=MediaOptions)
    archived: frozenset[str] = frozenset()  # URLs with a good answer younger than the max age
    requested: set[str] = field(default_factory=set)

    def is_denied(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").casefold()
        return any(host == d or host.endswith("." + d) for d in self.options.denied_hosts)

    def wanted(self, url: str, role: str) -> bool:
        mode = self.options.mode
        if mode == "none" or (mode == "images" and role not in IMAGE_ROLES):
            return False
        return not (url in self.requested or url in self.archived or self.is_denied(url))

    def on_refs(self, refs: list[MediaRef]) -> list[FetchMedia]:
        """The fetches a page's refs call for."""
        return [fetch for ref in refs if (fetch := self._fetch(ref.url, ref.role, ref.journal))]

    def on_unanswered(self, links: list[tuple[str, str]], journal: str) -> list[FetchMedia]:
        """Requisites (URL, role) the journal's pages linked in an earlier run that never got
        to fetch them (killed first)."""
        return [fetch for url, role in links if (fetch := self._fetch(url, role, journal))]

    def _fetch(self, url: str, role: str, journal: str) -> FetchMedia | None:
        """A fetch of a URL the run wants and has not asked for yet (it is asked for now)."""
        if not self.wanted(url, role):
            return None
        self.requested.add(url)
        return FetchMedia(url, role, journal)

    def on_answer(self, fetch: FetchMedia, answer: FetchedPage) -> list[PageItems | FetchMedia]:
        """A requisite's answer: its media row, and for a stylesheet what it loads in turn."""
        status, content_type = answer.status, answer.content_type
        note = None if 200 <= status < 300 else f"HTTP {status}"
        item = MediaItem(fetch.url, fetch.role, status, content_type, len(answer.body), note)
        steps: list[PageItems | FetchMedia] = [PageItems((item,), answer.capture, fetch.url)]
        if fetch.role == STYLE and note is None and _is_css(content_type, fetch.url):
            css = decode_body(answer.body, content_type)
            for url, role in stylesheet_references(css, fetch.url):
                found = self._fetch(url, role, fetch.journal)
                if found is not None:
                    steps.append(found)
        return steps

    def on_failure(self, fetch: FetchMedia, reason: str) -> list[PageItems | FetchMedia]:
        """No answer (a timeout, a dropped connection, a resource over the cap): recorded in its
        media row, never an error of the run: a picture that cannot be had is not a lost post."""
        item = MediaItem(fetch.url, fetch.role, None, note=reason[:300])
        return [PageItems((item,), None, fetch.url)]


def _is_css(content_type: str | None, url: str) -> bool:
    return "css" in (content_type or "").casefold() or urlsplit(url).path.endswith(".css")


__all__ = ["FONT", "FetchMedia", "MediaOptions", "MediaPlan"]
