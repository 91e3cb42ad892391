"""How a crawl went, in one word for crawl_runs, one line for people and one exit code for cron."""

from __future__ import annotations

from dataclasses import dataclass

from archiver import exitcodes
from archiver.crawlplan import UNAVAILABLE

STATUS_SENTENCES = {
    "deleted": "has been deleted",
    "purged": "has been deleted and purged",
    "suspended": "has been suspended by LiveJournal",
    "blocked": "is blocked in the crawler's region (Error 451)",
    "unreachable": "could not be reached",
}


@dataclass(frozen=True)
class CrawlOutcome:
    name: str  # success, partial, unavailable, rate-limited
    exit_code: int
    summary: str

    @classmethod
    def decide(
        cls,
        journals: list[str],
        statuses: dict[str, str],
        errors: int,
        gave_up_rate_limited: bool,
    ) -> CrawlOutcome:
        gone = {name: statuses[name] for name in journals if statuses.get(name) in UNAVAILABLE}
        if gone:
            lines = "; ".join(f"journal {n} {STATUS_SENTENCES[s]}" for n, s in gone.items())
            return cls("unavailable", exitcodes.JOURNAL_UNAVAILABLE, lines)
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
