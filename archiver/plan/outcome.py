"""How a crawl went, in one word for crawl_runs, one line for people and one exit code for cron."""

from __future__ import annotations

from dataclasses import dataclass

from archiver import exitcodes
from archiver.plan.journal import UNAVAILABLE

WARC_WRITE_FAILED = "warc_write_failed"  # the close reason when the WARC files cannot be written
SAVE_FAILED = "save_failed"  # the close reason when the database cannot be written
SESSION_EXPIRED = "session_expired"  # the close reason when a page comes back logged out
BUDGET_LOST = "budget_lost"  # the close reason when the workers' shared budget (Redis) is lost

STATUS_SENTENCES = {
    "deleted": "has been deleted",
    "purged": "has been deleted and purged",
    "suspended": "has been suspended by LiveJournal",
    "blocked": "is blocked in the crawler's region (Error 451)",
    "unreachable": "could not be reached",
    "missing": "does not exist (its front page is 404 Not Found): is the name right?",
}


@dataclass(frozen=True)
class CrawlOutcome:
    name: str  # success, partial, stopped, unavailable, rate-limited
    exit_code: int
    summary: str

    @classmethod
    def decide(
        cls,
        journals: list[str],
        statuses: dict[str, str],
        errors: int,
        gave_up_rate_limited: bool,
        stopped_early: str | None = None,
        offline: str | None = None,  # why no request got an answer, when none did
    ) -> CrawlOutcome:
        if stopped_early == WARC_WRITE_FAILED:
            return cls(
                "failed",
                exitcodes.FAILED,
                "the WARC files could not be written: the crawl stopped; what was saved is kept",
            )
        if stopped_early == SAVE_FAILED:
            return cls(
                "failed",
                exitcodes.FAILED,
                "the database could not be written (a full disk?): the crawl stopped; what was "
                "saved is kept, and the pages archived but not saved are read back next run",
            )
        if stopped_early == SESSION_EXPIRED:
            return cls(
                "session-expired",
                exitcodes.SESSION_EXPIRED,
                "the LiveJournal session has ended (a page came back logged out): log in again "
                "with `archiver login`; the pages fetched logged out were not saved, nothing "
                "archived was changed and nothing was marked deleted",
            )
        if stopped_early == BUDGET_LOST:
            return cls(
                "stopped",
                exitcodes.BROKER_UNREACHABLE,
                "Redis, which holds the workers' shared site budget, could not be reached: the "
                "crawl stopped; what it saved is kept, nothing was marked deleted, the next run "
                "goes on",
            )
        if offline:
            return cls(
                "offline",
                exitcodes.OFFLINE,
                f"nothing could be reached, not one answer: {offline}. Is this machine online? "
                "No journal's status was changed and nothing was marked deleted",
            )
        gone = {name: statuses[name] for name in journals if statuses.get(name) in UNAVAILABLE}
        if gone:
            lines = "; ".join(f"journal {n} {STATUS_SENTENCES[s]}" for n, s in gone.items())
            return cls("unavailable", exitcodes.JOURNAL_UNAVAILABLE, lines)
        if stopped_early:
            return cls(
                "stopped",
                exitcodes.PARTIAL,
                f"the crawl stopped before its end ({stopped_early}): what it saved is kept, "
                "nothing was marked deleted, the next run goes on",
            )
        if gave_up_rate_limited:
            return cls(
                "rate-limited",
                exitcodes.RATE_LIMITED,
                f"LiveJournal kept answering 429/503; {errors} pages given up (recorded in errors)",
            )
        if errors:
            return cls(
                "partial", exitcodes.PARTIAL, f"{errors} pages failed (see the errors table)"
            )
        return cls("success", exitcodes.OK, "crawl finished")


@dataclass(frozen=True)
class CrawlResult:
    """What a finished crawl tells its caller: the exit code and the lines to print."""

    exit_code: int
    summary: str
