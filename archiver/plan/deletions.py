"""Which posts a run may call deleted: only what its listings prove, and only when believable.

The evidence is what the calendar showed: in UPDATE mode the days whose count changed (each
such day page read whole, or the day gone from its year page); after a full listing every post
of the years whose calendar page was read.
"""

from __future__ import annotations

from dataclasses import dataclass

from archiver import urls
from archiver.items import PageLinks
from archiver.plan.follow import LISTING_PAGE_KINDS, day_key
from archiver.plan.journal import JournalState, Mode

MIN_DELETIONS_CHECKED = 5  # fewer than this many deletions are always believed


@dataclass(frozen=True)
class DayDeletions:
    """UPDATE mode: on each day, the archived posts the calendar no longer shows are gone."""

    journal: str
    days: dict[str, set[int]]  # YYYY-MM-DD -> the ditemids the calendar shows that day


@dataclass(frozen=True)
class ListingDeletions:
    """A full listing: the archived posts of `years` that no listing page showed are gone,
    if that is believable; the journal then counts as listed whole."""

    journal: str
    listed: frozenset[int]
    years: frozenset[int]


Deletions = DayDeletions | ListingDeletions


def note_listing(state: JournalState, links: PageLinks) -> None:
    """What a listing page says of the journal's posts and old days."""
    if links.kind in LISTING_PAGE_KINDS:
        for url in links.post_urls:
            ditemid = urls.classify(url).ditemid
            if ditemid is not None:
                state.listed_posts.add(ditemid)
    ref = urls.classify(links.source_url)
    if links.kind == "year" and ref.year is not None:
        state.years_read.add(ref.year)
    if state.mode is not Mode.UPDATE:
        return
    if links.kind == "day":
        ditemids = {urls.classify(u).ditemid for u in links.post_urls}
        state.listed_days[day_key(ref)] = {d for d in ditemids if d is not None}
    elif links.kind == "year" and ref.year is not None:
        days = [u for u in links.listing_urls if urls.classify(u).kind == "day"]
        # Only a calendar whose every day shows its count can say a day is gone.
        if days and set(days) == set(links.day_counts):
            _year_listed(state, ref.year, days)


def _year_listed(state: JournalState, year: int, shown_days: list[str]) -> None:
    """An archived day the year page no longer shows lost its posts."""
    shown = {day_key(urls.classify(url)) for url in shown_days}
    for day in state.known.day_counts:
        if day.startswith(f"{year:04d}-") and day not in shown:
            state.listed_days.setdefault(day, set())


def deletions(state: JournalState) -> Deletions | None:
    """What a run that ran to its end may mark deleted in this journal, if anything."""
    if state.status != "active" or state.listing_failed:
        return None
    if state.mode is Mode.UPDATE:
        return DayDeletions(state.name, dict(state.listed_days))
    if not state.years_read:
        return None
    return ListingDeletions(state.name, frozenset(state.listed_posts), frozenset(state.years_read))


def implausible_listing(journal: str, missing: int, live: int, max_share: float) -> str | None:
    """Why a listing that lacks `missing` of the journal's `live` archived posts is not
    believed (most of a journal gone is likelier a broken page), or None."""
    if missing <= max(MIN_DELETIONS_CHECKED, max_share * live):
        return None
    return (
        f"the listing of {journal} lacks {missing} of its {live} archived posts: not marked "
        "deleted (a broken listing is likelier); check the journal and run --full"
    )
