"""The crawl plan as plain functions: what to fetch (only the journal's own pages, never action
endpoints, only what the run's mode needs), redirects and renames, failures and deletions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from archiver import exitcodes
from archiver.items import (
    CaptureRef,
    CommentPolicyItem,
    ErrorItem,
    FetchedPage,
    Item,
    JournalItem,
    JournalKnowledge,
    PageItems,
    PageLinks,
    PostItem,
)
from archiver.plan.crawl_plan import CrawlPlan, Fetch, SessionLost, StartJournal, Step
from archiver.plan.deletions import DayDeletions, ListingDeletions
from archiver.plan.follow import FollowDecision
from archiver.plan.journal import Mode, PlanOptions
from archiver.plan.media import FetchMedia
from archiver.plan.outcome import CrawlOutcome

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


KNOWN = JournalKnowledge(
    listed=True,
    comment_counts={f"{ROOT}/200.html": 0, f"{ROOT}/100.html": 3},
    newest_first=(f"{ROOT}/200.html", f"{ROOT}/100.html"),
    day_counts={"2021-09-30": 2},
)


def plan_knowing(listed: bool, full: bool = False, window: int = 1) -> CrawlPlan:
    plan = CrawlPlan(["zloy_odessit"], PlanOptions(full=full, refresh_window=window))
    plan.start("zloy_odessit", replace(KNOWN, listed=listed))
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
        # A resumed listing makes progress first: no refresh window until it is listed whole.
        (False, False, f"{ROOT}/200.html", 0, FollowDecision.UNCHANGED),
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


def test_the_refresh_window_is_applied_by_the_plan() -> None:
    # Window 1: the newest archived post is fetched again; window 0: neither is; window 2: both.
    for window, fetched in ((0, set()), (1, {"200"}), (2, {"100", "200"})):
        plan = plan_knowing(listed=True, window=window)
        decisions = {
            d: plan.decide(f"{ROOT}/{d}.html", "zloy_odessit", shown=None) for d in ("100", "200")
        }
        assert {d for d, v in decisions.items() if v is FollowDecision.FETCH} == fetched


def test_a_journal_starts_with_its_front_page_and_feeds() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    steps = plan.start("zloy_odessit", JournalKnowledge())
    assert [s.url for s in steps if isinstance(s, Fetch)] == [
        f"{ROOT}/",
        f"{ROOT}/data/rss",
        f"{ROOT}/data/atom",
    ]
    assert plan.mode("zloy_odessit") is Mode.DISCOVER


# --- redirects ---------------------------------------------------------------------------------


def redirect(plan: CrawlPlan, url: str, location: str) -> list[object]:
    return list(plan.on_redirect(url, 301, location, "zloy_odessit", None))


def only_errors(steps: list[object]) -> list[ErrorItem]:
    assert len(steps) == 1 and isinstance(steps[0], PageItems)
    errors = [i for i in steps[0].items if isinstance(i, ErrorItem)]
    assert len(errors) == len(steps[0].items)
    return errors


def test_redirect_inside_the_journal_is_followed() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    out = redirect(plan, f"{ROOT}/2021/", "/2021/09/30/")
    assert out == [
        Fetch(f"{ROOT}/2021/09/30/", "zloy_odessit", plan.priority(f"{ROOT}/2021/09/30/"))
    ]


def test_redirect_to_another_service_is_recorded_not_followed() -> None:
    location = "https://www.livejournal.com/login.bml?returnto=x"
    (error,) = only_errors(redirect(CrawlPlan(["zloy_odessit"]), f"{ROOT}/1.html", location))
    assert error.kind == "redirect" and location in error.message and "outside" in error.message


def test_a_logged_in_run_sent_to_the_login_form_has_lost_its_session() -> None:
    location = "https://www.livejournal.com/login.bml?returnto=x"
    plan = CrawlPlan(["zloy_odessit"], PlanOptions(reader="zloy_odessit"))
    (lost,) = redirect(plan, f"{ROOT}/1.html", location)
    assert lost == SessionLost(f"{ROOT}/1.html", None, None)
    assert plan.session_lost == lost
    # Every page after it is lost too, whatever it shows.
    page = FetchedPage(f"{ROOT}/", "zloy_odessit", b"<html></html>", 200, NOW, "text/html", None)
    assert plan.on_body(page) == [SessionLost(f"{ROOT}/", None, None)]


def test_a_logged_in_run_saves_only_pages_served_to_its_reader() -> None:
    plan = CrawlPlan(["zloy_odessit"], PlanOptions(reader="zloy_odessit"))
    feed = FetchedPage(f"{ROOT}/data/rss", "zloy_odessit", b"<rss/>", 200, NOW, "text/xml", None)
    assert not any(isinstance(s, SessionLost) for s in plan.on_body(feed))
    served = '<script>var p = {"remoteUser": "%s"}; for (i in p) Site[i] = p[i];</script>'
    mine = FetchedPage(
        f"{ROOT}/", "zloy_odessit", (served % "zloy_odessit").encode(), 200, NOW, "text/html", None
    )
    assert not any(isinstance(s, SessionLost) for s in plan.on_body(mine))
    assert plan.session_lost is None
    other = replace(mine, url=f"{ROOT}/2.html", body=(served % "bystander").encode())
    assert plan.on_body(other) == [SessionLost(f"{ROOT}/2.html", "bystander", None)]


def test_a_page_read_back_is_held_to_the_session_its_own_request_carried() -> None:
    served = '<script>var p = {"remoteUser": null}; for (i in p) Site[i] = p[i];</script>'
    out = FetchedPage(
        f"{ROOT}/3.html", "zloy_odessit", served.encode(), 200, NOW, "text/html", None
    )
    plan = CrawlPlan(["zloy_odessit"])  # a logged-out run reading back a logged-in one's page
    lost = plan.on_body(replace(out, logged_in_as="zloy_odessit"), recovered=True)
    assert lost == [SessionLost(out.url, None, None)]
    assert plan.session_lost is None  # it does not stop this run
    # A page fetched logged out, read back by a logged-in run, is what it was: not a loss.
    logged_in = CrawlPlan(["zloy_odessit"], PlanOptions(reader="zloy_odessit"))
    steps = logged_in.on_body(out, recovered=True)
    assert not any(isinstance(s, SessionLost) for s in steps)


def test_redirect_to_another_journal_is_a_rename_seen_once() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    first = redirect(plan, f"{ROOT}/", "https://new-one.livejournal.com/")
    assert first == [
        PageItems(
            (
                JournalItem(
                    username="zloy_odessit",
                    url=f"{ROOT}/",
                    status="renamed",
                    renamed_to="new_one",
                    status_text="zloy_odessit was renamed to new_one",
                ),
            ),
            None,
            f"{ROOT}/",
        ),
        StartJournal("new_one"),
    ]
    assert plan.journals == ["zloy_odessit", "new_one"]
    assert redirect(plan, f"{ROOT}/data/rss", "https://new-one.livejournal.com/data/rss") == []
    assert plan.statuses == {"zloy_odessit": "renamed"}


def test_a_post_redirected_to_another_journal_is_not_a_rename() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    (error,) = only_errors(
        redirect(plan, f"{ROOT}/1.html", "https://someone-else.livejournal.com/5.html")
    )
    assert error.kind == "redirect" and "another journal" in error.message
    assert plan.journals == ["zloy_odessit"]


# --- failures ----------------------------------------------------------------------------------


def test_a_front_page_that_cannot_be_fetched_makes_the_journal_unreachable() -> None:
    plan = CrawlPlan(["zloy_odessit"], PlanOptions(proxy="http://127.0.0.1:9"))
    reason = "DownloadConnectionRefusedError: Connection was refused by other side: 111"
    (step,) = plan.on_failure(f"{ROOT}/", "zloy_odessit", reason, None)
    assert isinstance(step, PageItems)
    (error,) = step.items
    cause = "the proxy 127.0.0.1:9 refused the connection (for zloy-odessit.livejournal.com)"
    assert error == ErrorItem(url=f"{ROOT}/", kind="network", message=f"{cause}: {reason}")
    assert plan.unavailable() == {"zloy_odessit": "unreachable"}
    # Its status is saved at the end, and only if something else answered.
    (journal,) = plan.closing_items(anything_answered=True)
    assert isinstance(journal, JournalItem) and journal.status == "unreachable"
    assert journal.status_text == f"{cause}: {reason}"
    assert plan.outcome(1, None).exit_code == exitcodes.JOURNAL_UNAVAILABLE


def test_a_run_where_nothing_answered_is_offline_and_changes_no_status() -> None:
    plan = CrawlPlan(["zloy_odessit", "tea_club"])
    for journal in ("zloy_odessit", "tea_club"):
        root = f"https://{journal.replace('_', '-')}.livejournal.com/"
        reason = f"CannotResolveHostError: DNS lookup failed: no results for {root[8:-1]}"
        plan.on_failure(root, journal, reason, None)
    assert plan.closing_items(anything_answered=False) == ()
    outcome = plan.outcome(2, None, anything_answered=False)
    assert (outcome.name, outcome.exit_code) == ("offline", exitcodes.OFFLINE)
    assert outcome.summary.startswith(
        "nothing could be reached, not one answer: could not resolve "
        "zloy-odessit.livejournal.com (no network, or a DNS failure?): CannotResolveHostError"
    )
    assert "No journal's status was changed" in outcome.summary


def test_a_post_that_fails_is_an_http_error_and_nothing_more() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    (step,) = plan.on_failure(f"{ROOT}/1.html", "zloy_odessit", "500", 500)
    assert only_errors([step]) == [
        ErrorItem(url=f"{ROOT}/1.html", kind="http", message="HTTP 500 after retries")
    ]
    assert plan.statuses == {} and not plan.gave_up_rate_limited


def test_rate_limiting_never_makes_a_journal_unreachable_but_spoils_its_listing() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    plan.start("zloy_odessit", JournalKnowledge())
    (step,) = plan.on_failure(f"{ROOT}/", "zloy_odessit", "429", 429)
    assert [e.kind for e in only_errors([step])] == ["rate-limited"]
    assert plan.unavailable() == {} and plan.gave_up_rate_limited
    plan.journal_seen("zloy_odessit", "active")
    plan.on_page(f"{ROOT}/2021/", "zloy_odessit", [PageLinks(f"{ROOT}/2021/", "year")], None)
    assert plan.deletions() == []  # a listing page failed: nothing may be called deleted
    outcome = plan.outcome(errors=1, stopped_early=None)
    assert (outcome.name, outcome.exit_code) == ("rate-limited", 5)


def test_a_page_that_does_not_parse_is_an_error_stamped_with_its_capture() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    capture = CaptureRef(7, "2021-09-30T16:05:00+00:00")
    page = FetchedPage(f"{ROOT}/1.html", "zloy_odessit", b"", 200, NOW, None, capture)
    (step,) = plan.on_body(page)
    assert isinstance(step, PageItems) and step.capture == capture
    (error,) = only_errors([step])
    assert error.kind == "parse" and f"{ROOT}/1.html" in error.message


# --- pages -------------------------------------------------------------------------------------

NOW = datetime(2021, 9, 30, 16, 5, tzinfo=UTC)


def post(ditemid: int) -> PostItem:
    return PostItem(
        journal="zloy_odessit",
        ditemid=ditemid,
        url=f"{ROOT}/{ditemid}.html",
        title="t",
        poster="zloy_odessit",
        published_text="x",
        published=None,
        body_html="",
        body_text="",
        tags=(),
        comment_count=0,
        security="public",
        skin="s2",
    )


def light_fetches(steps: list[Step]) -> list[str]:
    return [s.url for s in steps if isinstance(s, Fetch) and s.url.endswith("?format=light")]


def front_page(*ditemids: int) -> list[Item]:
    posts = tuple(f"{ROOT}/{d}.html" for d in ditemids)
    return [PageLinks(f"{ROOT}/", "index", post_urls=posts)]


def test_the_policy_is_read_from_the_front_pages_first_post_once() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    plan.start("zloy_odessit", JournalKnowledge())
    assert light_fetches(plan.on_page(f"{ROOT}/", "zloy_odessit", front_page(5, 3), None)) == []
    # Whichever post page answers first, the light form read is the front page's first post's.
    first = plan.on_page(f"{ROOT}/3.html", "zloy_odessit", [post(3)], None)
    assert first[0] == PageItems((post(3),), None, f"{ROOT}/3.html")
    assert light_fetches(first) == [f"{ROOT}/5.html?format=light"]
    assert light_fetches(plan.on_page(f"{ROOT}/5.html", "zloy_odessit", [post(5)], None)) == []
    # The light page gives its policy and widget only; the post came from its own page.
    light = plan.on_page(f"{ROOT}/5.html?format=light", "zloy_odessit", [post(5)], None)
    assert light == [PageItems((), None, f"{ROOT}/5.html?format=light")]


def test_a_post_page_before_the_front_page_waits_for_it() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    plan.start("zloy_odessit", JournalKnowledge())
    assert light_fetches(plan.on_page(f"{ROOT}/3.html", "zloy_odessit", [post(3)], None)) == []
    front = plan.on_page(f"{ROOT}/", "zloy_odessit", front_page(5, 3), None)
    assert light_fetches(front) == [f"{ROOT}/5.html?format=light"]


@pytest.mark.parametrize("front_shows_posts", [False, True])
def test_without_the_front_pages_posts_the_first_post_page_that_needed_it_is_read(
    front_shows_posts: bool,
) -> None:
    plan = CrawlPlan(["zloy_odessit"])
    plan.start("zloy_odessit", JournalKnowledge())
    assert light_fetches(plan.on_page(f"{ROOT}/3.html", "zloy_odessit", [post(3)], None)) == []
    if front_shows_posts:  # an empty front page
        steps = plan.on_page(f"{ROOT}/", "zloy_odessit", front_page(), None)
    else:
        steps = plan.on_failure(f"{ROOT}/", "zloy_odessit", "HTTP 500", 500)
    assert light_fetches(steps) == [f"{ROOT}/3.html?format=light"]


def test_a_post_page_with_its_policy_needs_no_light_form() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    plan.start("zloy_odessit", JournalKnowledge())
    plan.on_page(f"{ROOT}/", "zloy_odessit", front_page(5), None)
    policy = CommentPolicyItem("zloy_odessit", f"{ROOT}/3.html", True, False, None, False, False)
    assert (
        light_fetches(plan.on_page(f"{ROOT}/3.html", "zloy_odessit", [post(3), policy], None)) == []
    )
    assert light_fetches(plan.on_page(f"{ROOT}/4.html", "zloy_odessit", [post(4)], None)) == []


def test_a_recovered_post_is_not_fetched_again() -> None:
    plan = plan_knowing(listed=False)
    assert plan.decide(f"{ROOT}/300.html", "zloy_odessit") is FollowDecision.FETCH
    plan.on_page(f"{ROOT}/300.html", "zloy_odessit", [post(300)], None, recovered=True)
    assert plan.decide(f"{ROOT}/300.html", "zloy_odessit") is FollowDecision.UNCHANGED


def test_a_link_already_asked_for_is_asked_for_once() -> None:
    """Every page of a journal links the same posts and days: the plan asks for each once a
    run, where a listing shows it first, whatever page shows it again (issue 14)."""
    plan = plan_knowing(listed=False)
    year = PageLinks(f"{ROOT}/2021/", "year", listing_urls=(f"{ROOT}/2021/09/30/",))
    days = [
        PageLinks(
            f"{ROOT}/2021/09/{d}/", "day", post_urls=(f"{ROOT}/900.html", f"{ROOT}/901.html#c")
        )
        for d in (29, 30)
    ]
    asked = [
        step.url
        for links in (year, *days, year)
        for step in plan.on_page(links.source_url, "zloy_odessit", [links], None)
        if isinstance(step, Fetch)
    ]
    assert asked == [f"{ROOT}/2021/09/30/", f"{ROOT}/900.html", f"{ROOT}/901.html"]
    assert redirect(plan, f"{ROOT}/2021/", "/2021/09/30/") == []  # asked for already
    # The listings still count every link they showed, for what their runs may mark gone.
    plan.journal_seen("zloy_odessit", "active")
    (deletions,) = plan.deletions()
    assert isinstance(deletions, ListingDeletions) and deletions.listed == frozenset({900, 901})


def test_what_a_killed_run_linked_and_never_fetched_is_asked_for_at_the_start() -> None:
    """A run killed after a post page was saved and before its pictures were fetched: the next
    run does not read the unchanged post again, so the plan asks for them from the start."""
    image, tracker = "https://ic.pics.livejournal.com/z/1/2/2_600.jpg", "https://top-fwz1.mail.ru/c"
    plan = CrawlPlan(["zloy_odessit"], PlanOptions())
    known = replace(KNOWN, unfetched_media=((image, "image"), (tracker, "image")))
    steps = plan.start("zloy_odessit", known)
    assert [s for s in steps if isinstance(s, FetchMedia)] == [
        FetchMedia(image, "image", "zloy_odessit")
    ]
    assert len([s for s in steps if isinstance(s, Fetch)]) == 3


# --- deletions ---------------------------------------------------------------------------------


def test_a_full_listing_names_what_it_saw_in_the_years_it_read() -> None:
    plan = plan_knowing(listed=False)
    plan.journal_seen("zloy_odessit", "active")
    year = PageLinks(f"{ROOT}/2021/", "year", listing_urls=(f"{ROOT}/2021/09/30/",))
    day = PageLinks(f"{ROOT}/2021/09/30/", "day", post_urls=(f"{ROOT}/100.html",))
    for links in (year, day):
        plan.on_page(links.source_url, "zloy_odessit", [links], None)
    assert plan.deletions() == [
        ListingDeletions("zloy_odessit", frozenset({100}), frozenset({2021}))
    ]


def test_an_update_names_the_days_it_read_and_the_days_gone() -> None:
    plan = plan_knowing(listed=True)
    plan.journal_seen("zloy_odessit", "active")
    # The year page shows another day with its count, and no longer 2021-09-30.
    year = PageLinks(
        f"{ROOT}/2021/",
        "year",
        listing_urls=(f"{ROOT}/2021/10/01/",),
        day_counts={f"{ROOT}/2021/10/01/": 1},
    )
    plan.on_page(year.source_url, "zloy_odessit", [year], None)
    assert plan.deletions() == [DayDeletions("zloy_odessit", {"2021-09-30": set()})]


def test_a_run_that_saw_no_journal_marks_nothing() -> None:
    plan = plan_knowing(listed=False)
    assert plan.deletions() == []  # no page said the journal is active


@pytest.mark.parametrize(
    ("missing", "live", "believed"),
    [(5, 6, True), (6, 6, False), (50, 100, True), (51, 100, False), (0, 0, True)],
)
def test_a_listing_that_would_empty_the_journal_is_not_believed(
    missing: int, live: int, believed: bool
) -> None:
    problem = CrawlPlan(["a"]).implausible_listing("a", missing, live)
    assert (problem is None) is believed
    if problem:
        assert f"lacks {missing} of its {live} archived posts" in problem


def test_a_run_that_could_not_write_fails_whatever_else_it_saw() -> None:
    for reason in ("save_failed", "warc_write_failed"):
        outcome = CrawlOutcome.decide(
            ["a"], {"a": "missing"}, errors=0, gave_up_rate_limited=False, stopped_early=reason
        )
        assert (outcome.name, outcome.exit_code) == ("failed", 1)


def test_the_post_tally_knows_a_day_pages_posts_before_it_is_read() -> None:
    plan = CrawlPlan(["zloy_odessit"], PlanOptions(full=True))
    plan.start("zloy_odessit", JournalKnowledge())
    days = {f"{ROOT}/2023/05/{d:02d}/": n for d, n in ((1, 2), (2, 3))}
    year = PageLinks(f"{ROOT}/2023/", "year", listing_urls=tuple(days), day_counts=days)
    plan.on_page(f"{ROOT}/2023/", "zloy_odessit", [year], None)
    assert (plan.posts.done, plan.posts.known) == (0, 5)
    posts = (f"{ROOT}/1.html", f"{ROOT}/2.html")
    day = PageLinks(f"{ROOT}/2023/05/01/", "day", post_urls=posts)
    plan.on_page(f"{ROOT}/2023/05/01/", "zloy_odessit", [day], None)
    assert (plan.posts.asked, plan.posts.known) == (2, 5)  # two asked, three still to be listed
    plan.on_page(f"{ROOT}/1.html", "zloy_odessit", [], None)
    plan.on_failure(f"{ROOT}/2.html", "zloy_odessit", "HTTP 500", 500)
    assert (plan.posts.done, plan.posts.known) == (2, 5)


def test_a_journal_whose_other_pages_answer_is_not_unreachable() -> None:
    plan = CrawlPlan(["zloy_odessit"])
    plan.start("zloy_odessit", JournalKnowledge())
    plan.on_failure(f"{ROOT}/", "zloy_odessit", "DownloadTimeoutError: took longer", None)
    plan.on_page(f"{ROOT}/data/rss", "zloy_odessit", [], None)
    assert plan.closing_items(anything_answered=True) == ()
