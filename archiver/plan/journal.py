"""What one crawl knows and has learnt of one journal: its mode, its status, its listings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from archiver import urls
from archiver.items import JournalKnowledge

UNAVAILABLE = frozenset({"deleted", "purged", "suspended", "blocked", "unreachable", "missing"})


class Mode(enum.Enum):
    FULL = "full"  # --full: list everything, fetch every post page
    DISCOVER = "discover"  # never listed whole: list everything, fetch what is not archived
    UPDATE = "update"  # listed before: index pages and feeds, new and changed posts only


@dataclass(frozen=True)
class PlanOptions:
    """The settings that shape a crawl's decisions, read once when the crawl starts."""

    full: bool = False  # ARCHIVER_FULL, `archiver crawl --full`
    refresh_window: int = 10  # ARCHIVER_REFRESH_WINDOW: the newest posts fetched every run
    max_deleted_share: float = 0.5  # ARCHIVER_MAX_DELETED_SHARE
    # The account whose LiveJournal session the crawl uses (OUTPUT/.session); None: logged out.
    reader: str | None = None
    proxy: str = ""  # ARCHIVER_PROXY, named in the errors of requests that got no answer


def journal_names(journal: str = "", journals: str = "") -> list[str]:
    """The usernames of `-a journal=NAME` and `-a journals=A,B`; ValueError names what is wrong."""
    given = [n.strip() for n in (journal + "," + journals).split(",") if n.strip()]
    return normalised_names(given)


def normalised_names(given: list[str]) -> list[str]:
    """The usernames `given` names (hyphens, capitals and journal URLs accepted), each once;
    ValueError says which of them names no journal."""
    if not given:
        raise ValueError("name a journal: scrapy crawl journal -a journal=NAME")
    names = {text: urls.journal_name(text) for text in given}
    bad = [repr(text[:40]) for text, name in names.items() if name is None]
    if bad:
        raise ValueError(f"not a LiveJournal username: {', '.join(bad)}")
    return list(dict.fromkeys(name for name in names.values() if name))


def mode_for(known: JournalKnowledge, options: PlanOptions) -> Mode:
    if options.full:
        return Mode.FULL
    return Mode.UPDATE if known.listed else Mode.DISCOVER


@dataclass
class JournalState:
    name: str
    known: JournalKnowledge = field(default_factory=JournalKnowledge)
    mode: Mode = Mode.DISCOVER
    refresh: frozenset[str] = frozenset()  # archived posts fetched again whatever they show
    status: str | None = None
    policy_requested: bool = False
    # The comment policy is read from one post's `?format=light` twin: the front page's first
    # post, so that every crawl of the same journal reads the same one (and fetches what it
    # loads); the first post page that needed it, when the front page gave none.
    policy_wanted_by: str | None = None
    front_answered: bool = False
    front_post: str | None = None
    listing_failed: bool = False  # a listing page failed: the run cannot say what is gone
    listed_posts: set[int] = field(default_factory=set)  # ditemids seen on listing pages
    years_read: set[int] = field(default_factory=set)  # years whose calendar page was read
    # UPDATE mode: the days listed whole this run, YYYY-MM-DD -> the ditemids shown.
    listed_days: dict[str, set[int]] = field(default_factory=dict)

    def know(self, known: JournalKnowledge, options: PlanOptions) -> None:
        self.known = known
        self.mode = mode_for(known, options)
        self.refresh = frozenset(known.newest_first[: max(0, options.refresh_window)])

    def seen(self, status: str) -> None:
        # The gravest verdict stands: a feed answering "active" before the front page says
        # "deleted" (or redirects to a new name) must not let the run treat the journal as live.
        if self.status is None or (self.status == "active" and status != "active"):
            self.status = status
