"""What the spider agrees to fetch: only the journal's own pages, never action endpoints."""

from __future__ import annotations

import pytest

from archiver.crawlplan import CrawlPlan, FollowDecision, Mode
from archiver.items import JournalKnowledge
from archiver.outcome import CrawlOutcome

ROOT = "https://zloy-odessit.livejournal.com"


@pytest.mark.parametrize(
    ("url", "decision"),
    [
        (f"{ROOT}/123.html", FollowDecision.FETCH),
        (f"{ROOT}/123.html?page=2", FollowDecision.FETCH),
        (f"{ROOT}/123.html?thread=777", FollowDecision.FETCH),
        (f"{ROOT}/?skip=20", FollowDecision.FETCH),
        (f"{ROOT}/tag/english", FollowDecision.FETCH),
        (f"{ROOT}/2021/", FollowDecision.FETCH),
        (f"{ROOT}/2021/09/30/", FollowDecision.FETCH),
        (f"{ROOT}/data/rss", FollowDecision.FETCH),
        (f"{ROOT}/123.html?mode=reply", FollowDecision.OUTSIDE),
        (f"{ROOT}/123.html?replyto=55", FollowDecision.OUTSIDE),
        (f"{ROOT}/123.html?format=light&mode=reply", FollowDecision.OUTSIDE),
        (f"{ROOT}/profile", FollowDecision.OUTSIDE),
        (f"{ROOT}/2021/09/", FollowDecision.OUTSIDE),
        ("https://kelijah.livejournal.com/266579.html", FollowDecision.OUTSIDE),
        (
            "https://www.livejournal.com/go.bml?journal=zloy_odessit&itemid=1&dir=prev",
            FollowDecision.OUTSIDE,
        ),
        ("https://www.livejournal.com/update.bml", FollowDecision.OUTSIDE),
        ("https://www.livejournal.com/login.bml", FollowDecision.OUTSIDE),
        ("https://www.livejournal.com/tools/content_flag.bml?user=x", FollowDecision.OUTSIDE),
        ("https://twitter.com/share?url=x", FollowDecision.OUTSIDE),
        ("http://zloy-odessit.livejournal.com/123.html", FollowDecision.NOT_NEEDED),
    ],
)
def test_follow_decisions(url: str, decision: FollowDecision) -> None:
    assert CrawlPlan(["zloy_odessit"]).decide(url, "zloy_odessit") is decision


def test_post_pages_come_before_listings() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    assert plan.priority(f"{ROOT}/1.html") > plan.priority(f"{ROOT}/2021/01/01/")
    assert plan.priority(f"{ROOT}/2021/01/01/") > plan.priority(f"{ROOT}/?skip=10")


def test_first_verdict_on_a_journal_stands() -> None:
    plan = CrawlPlan(["gone_away"])
    plan.journal_seen("gone_away", "deleted")
    plan.journal_seen("gone_away", "active")
    assert plan.unavailable() == {"gone_away": "deleted"}


def test_outcomes() -> None:
    ok = CrawlOutcome.decide(["a"], {"a": "active"}, errors=0, gave_up_rate_limited=False)
    assert (ok.name, ok.exit_code) == ("success", 0)
    partial = CrawlOutcome.decide(["a"], {"a": "active"}, errors=2, gave_up_rate_limited=False)
    assert (partial.name, partial.exit_code) == ("partial", 3)
    gone = CrawlOutcome.decide(["a", "b"], {"b": "suspended"}, errors=0, gave_up_rate_limited=False)
    assert (gone.name, gone.exit_code) == ("unavailable", 4)
    assert gone.summary == "journal b has been suspended by LiveJournal"
    limited = CrawlOutcome.decide(["a"], {"a": "active"}, errors=3, gave_up_rate_limited=True)
    assert (limited.name, limited.exit_code) == ("rate-limited", 5)


def plan_knowing(listed: bool, full: bool = False) -> CrawlPlan:
    plan = CrawlPlan(["zloy_odessit"], full=full)
    plan.know(
        "zloy_odessit",
        JournalKnowledge(
            listed=listed,
            comment_counts={f"{ROOT}/100.html": 3, f"{ROOT}/200.html": 0},
            newest=frozenset({f"{ROOT}/200.html"}),
            day_counts={"2021-09-30": 2},
        ),
    )
    return plan


@pytest.mark.parametrize(
    ("listed", "full", "url", "shown", "decision"),
    [
        # Listed whole before: the newest listings, the year pages, the days whose count
        # changed, and only posts that may have changed.
        (True, False, f"{ROOT}/?skip=20", None, FollowDecision.FETCH),
        (True, False, f"{ROOT}/data/atom", None, FollowDecision.FETCH),
        (True, False, f"{ROOT}/2021/", None, FollowDecision.FETCH),
        (True, False, f"{ROOT}/2021/09/30/", 2, FollowDecision.UNCHANGED),
        (True, False, f"{ROOT}/2021/09/30/", 1, FollowDecision.FETCH),  # a post deleted
        (True, False, f"{ROOT}/2021/09/29/", 1, FollowDecision.FETCH),  # a post added
        (True, False, f"{ROOT}/2021/09/30/", None, FollowDecision.UNCHANGED),
        (True, False, f"{ROOT}/tag/english", None, FollowDecision.NOT_NEEDED),
        (True, False, f"{ROOT}/300.html", None, FollowDecision.FETCH),  # new
        (True, False, f"{ROOT}/100.html", 3, FollowDecision.UNCHANGED),
        (True, False, f"{ROOT}/100.html", None, FollowDecision.UNCHANGED),
        (True, False, f"{ROOT}/100.html", 4, FollowDecision.FETCH),  # new comments
        (True, False, f"{ROOT}/200.html", 0, FollowDecision.FETCH),  # refresh window
        # Never listed whole (a first run, or one killed half-way): list all, fetch what is new.
        (False, False, f"{ROOT}/2021/", None, FollowDecision.FETCH),
        (False, False, f"{ROOT}/2021/09/30/", 2, FollowDecision.FETCH),
        (False, False, f"{ROOT}/100.html", 3, FollowDecision.UNCHANGED),
        (False, False, f"{ROOT}/300.html", None, FollowDecision.FETCH),
        # --full: everything.
        (True, True, f"{ROOT}/2021/", None, FollowDecision.FETCH),
        (True, True, f"{ROOT}/100.html", 3, FollowDecision.FETCH),
    ],
)
def test_what_a_run_fetches_depends_on_what_is_archived(
    listed: bool, full: bool, url: str, shown: int | None, decision: FollowDecision
) -> None:
    plan = plan_knowing(listed, full)
    assert plan.decide(url, "zloy_odessit", shown) is decision
    assert plan.mode("zloy_odessit") is (
        Mode.FULL if full else Mode.UPDATE if listed else Mode.DISCOVER
    )


def test_the_gravest_status_of_a_journal_stands() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    plan.journal_seen("zloy_odessit", "active")  # the feed answered first
    plan.journal_seen("zloy_odessit", "deleted")  # then the front page
    plan.journal_seen("zloy_odessit", "active")
    assert plan.statuses["zloy_odessit"] == "deleted"
