"""Every fixture folder parses to the expected.json beside it: the real pages and the sample's.

fixtures/real holds recorded LiveJournal pages (see test_parse_real.py for their facts);
fixtures/sample holds one page of each kind and skin the sample server serves (the cases of
sample_fixtures.py, which also regenerates them). For the sample folders this file also checks

- that the saved bytes are still what the server sends (so the fixtures cannot drift from the
  server silently: after a deliberate markup change, regenerate them), and
- that each expected.json agrees with the sample's content model (titles, dates, tags, comment
  counts and states, widget items, policy flags, listing and feed entries), so that a
  regenerated expected.json that took on a parser regression does not pass review unnoticed.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from lj_client import fetch
from parse_support import (
    FIXTURES,
    as_json,
    body_file,
    expected_of,
    fact_mismatches,
    parse_folder,
    without_media,
)
from sample_fixtures import CASES, KNOWN_BUGS, SAMPLE, Case, capture_json, serve, site

from archiver import urls
from archiver.sample import content
from archiver.sample.content import Journal, Post, Site
from archiver.sample.render.comment_view import CommentView, comment_view
from archiver.sample.render.markup import excerpt, text_of
from archiver.sample.render.widget import EXCERPT_CHARS, widget_posts
from archiver.sample.server import RunningServer

SITE: Site = site()
REAL = sorted(p for p in (FIXTURES / "real").iterdir() if (p / "capture.json").exists())
SAMPLED = sorted(p for p in SAMPLE.iterdir() if (p / "capture.json").exists())
BY_NAME = {case.name: case for case in CASES}
Record = dict[str, Any]


def folder_param(folder: Path) -> Any:
    bug = KNOWN_BUGS.get(folder.name) if folder.parent == SAMPLE else None
    marks = [pytest.mark.xfail(reason=bug, strict=True)] if bug else []
    return pytest.param(folder, id=f"{folder.parent.name}/{folder.name}", marks=marks)


@pytest.mark.parametrize("folder", [folder_param(p) for p in REAL + SAMPLED])
def test_page_parses_to_expected(folder: Path) -> None:
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    if isinstance(expected, dict):  # hand-read facts, field by field
        assert fact_mismatches(as_json(parse_folder(folder)), expected) == []
    else:  # the whole parsed result, but for what the page loads (test_page_media.py)
        assert without_media(as_json(parse_folder(folder))) == expected


# ---------------------------------------------------------------- the sample folders


def test_every_case_has_a_complete_folder() -> None:
    assert [p.name for p in SAMPLED] == sorted(BY_NAME), (
        "fixtures/sample and sample_fixtures.CASES differ: run .venv/bin/python "
        "tests/sample_fixtures.py (and remove the folders of cases that are gone)"
    )
    for case in CASES:
        folder = SAMPLE / case.name
        assert body_file(folder).name == case.body_name
        assert (folder / "expected.json").exists()
    kinds = {urls.classify(c.url).kind for c in CASES}
    assert kinds >= {"post", "index", "tag", "year", "month", "day", "rss", "atom", "other"}
    skins = {post_of(expected_of(SAMPLE / c.name))["skin"] for c in POST_CASES}
    assert skins == {"schemius", "s2", "aentry"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_saved_page_is_what_the_server_sends(case: Case, sample_server: RunningServer) -> None:
    folder = SAMPLE / case.name
    response = fetch(sample_server.port, case.url)
    assert response.status == json.loads((folder / "capture.json").read_text("utf-8"))["status"]
    assert response.body == body_file(folder).read_bytes(), (
        f"{case.name}: the sample server's page changed. If that is intended, refresh the "
        "fixtures with `.venv/bin/python tests/sample_fixtures.py` and rerun the tests."
    )
    meta = json.loads((folder / "capture.json").read_text("utf-8"))
    assert meta == capture_json(case, serve(case, SITE), SITE)
    assert meta["content_type"] == response.header("Content-Type")


def test_comment_cache_knows_the_post_date() -> None:
    default = content.build_site().journals["bulk_journal"].by_ditemid[9917]
    other = content.build_site(0, 40).journals["bulk_journal"].by_ditemid[9917]
    assert other.published != default.published
    clean = content.comments_of(default)
    content._COMMENT_CACHE.clear()
    content.comments_of(other)  # another site rendered the same post first
    assert content.comments_of(default) == clean


@pytest.mark.parametrize(
    ("url", "folder"),
    [
        (urls.post_url("kelijah", 266579), "kelijah-266579"),
        (urls.post_url("kelijah", 266132), "kelijah-266132"),
        (urls.journal_root("alstrangers"), "alstrangers-error451-1"),
    ],
)
def test_the_server_sends_the_real_pages(
    url: str, folder: str, sample_server: RunningServer
) -> None:
    """The real pages the sample server serves verbatim are the fixtures/real ones."""
    response = fetch(sample_server.port, url)
    saved = FIXTURES / "real" / folder
    if (saved / "response.http").exists():
        assert response.wire == (saved / "response.http").read_bytes()
    else:
        assert response.body == (saved / "page.html").read_bytes()


# ---------------------------------------------------------------- expected.json vs content


def of_type(items: list[Record], kind: str) -> list[Record]:
    return [i for i in items if i["type"] == kind]


def is_served_page(case: Case, kinds: tuple[str, ...]) -> bool:
    """The case is a page of these kinds that an active journal serves (not its error page)."""
    ref = urls.classify(case.url)
    journal = SITE.journal(ref.journal or "")
    if journal is None or journal.status != "active" or ref.kind not in kinds:
        return False
    post = journal.by_ditemid.get(ref.ditemid) if ref.ditemid is not None else None
    return ref.ditemid is None or (post is not None and post.is_public)


def post_of(items: list[Record]) -> Record:
    (post,) = of_type(items, "post")
    return post


def journal_of(case: Case) -> Journal:
    name = urls.classify(case.url).journal
    assert name is not None
    journal = SITE.journal(name)
    assert journal is not None
    return journal


def br(fragment: str) -> str:
    """lxml writes void elements HTML-style: `<br />` comes back as `<br>`."""
    return re.sub(r"\s*/>", ">", fragment).strip()


def offset(journal: Journal) -> str:
    minutes = journal.utc_offset_minutes
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def check_journal(items: list[Record], journal: Journal) -> None:
    (item,) = of_type(items, "journal")
    assert item == {
        "type": "journal",
        "username": journal.username,
        "url": journal.url,
        "status": journal.status,
        "journal_id": journal.userid,
        "title": journal.title or None,
        "journal_type": journal.journal_type,
        "renamed_to": None,
        "status_text": item["status_text"] if journal.status != "active" else None,
    }


def check_post(item: Record, journal: Journal, post: Post, skin: str) -> None:
    assert (item["journal"], item["ditemid"], item["url"]) == (
        journal.username,
        post.ditemid,
        post.url,
    )
    assert (item["title"], item["poster"], item["tags"]) == (post.title, post.poster, [*post.tags])
    # schemius shows journal-local time without a zone; S2 and aentry give the offset.
    local = post.published.isoformat()
    assert item["published"] == (local if skin == "schemius" else local + offset(journal))
    if skin == "schemius":
        assert item["published_text"] == post.published.strftime("%Y-%m-%d %H:%M:%S")
    else:
        assert str(post.published.day) in item["published_text"]
    assert item["comment_count"] == content.comment_count(post)
    assert (item["security"], item["skin"]) == ("public", skin)
    assert (item["mood"], item["music"], item["location"]) == (post.mood, post.music, post.location)
    assert item["body_html"] == br(post.body_html)
    if post.body_html == content.seed_data.HOSTILE_BODY_HTML:
        # Kept as LiveJournal sent it (the archive is not a sanitiser); the text has no script.
        assert "<script>" in item["body_html"] and "__pwned" not in item["body_text"]
        text = "Harmless first paragraph.\n\nHover me\n\nA javascript: link\nstyled"
        assert item["body_text"] == text
        return
    # body_text: the paragraphs (split at <br><br>) as text, joined by blank lines.
    paragraphs = (
        html.unescape(re.sub(r"<[^>]+>", "", p)).strip()
        for p in re.split(r"<br\s*/?>\s*<br\s*/?>", post.body_html)
    )
    assert item["body_text"] == "\n\n".join(p for p in paragraphs if p)


def check_comments(items: list[Record], journal: Journal, post: Post, view: CommentView) -> None:
    comments = of_type(items, "comment")
    assert [c["talkid"] for c in comments] == [s.comment.talkid for s in view.shown]
    skin = post_of(items)["skin"]
    for item, shown in zip(comments, view.shown, strict=True):
        c = shown.comment
        hidden = shown.hidden
        collapsed = shown.collapsed and not hidden
        thread_root_on_aentry = skin == "aentry" and view.thread == c.talkid
        assert item["journal"] == journal.username and item["ditemid"] == post.ditemid
        assert item["parent_talkid"] == (None if thread_root_on_aentry else c.parent)
        assert (item["depth"], item["state"], item["collapsed"]) == (c.depth, c.state, collapsed)
        assert item["poster"] == (None if hidden else c.poster)
        assert item["posted"] == (None if hidden else c.posted.isoformat())
        assert (item["posted_text"] is None) == hidden
        assert item["body_html"] == (None if hidden or collapsed else c.body_html)
        subject_shown = not hidden and not (collapsed and skin == "aentry")
        want = (c.subject or None) if subject_shown else None
        assert (html.unescape(item["subject"]) if item["subject"] else None) == want
    hidden_states = {s.comment.state for s in view.shown if s.hidden}
    assert {c["state"] for c in comments if c["body_html"] is None} >= hidden_states


def check_widget_and_policy(items: list[Record], journal: Journal, source_url: str) -> None:
    widget = of_type(items, "recent_post")
    expected = widget_posts(journal)
    assert len(widget) == len(expected)
    for position, (item, (post, promoted)) in enumerate(zip(widget, expected, strict=True), 1):
        assert item == {
            "type": "recent_post",
            "journal": journal.username,
            "source_url": source_url,
            "position": position,
            "title": post.title,
            "url": post.url,
            "author": post.poster,
            "date_text": item["date_text"],
            "date": post.published.isoformat(),
            "comment_count": content.comment_count(post),
            "promoted": promoted,
            "price_tokens": journal.promo_price_tokens if promoted else None,
            "excerpt": excerpt(text_of(post.body_html), EXCERPT_CHARS),
        }
    (policy,) = of_type(items, "comment_policy")
    rules = journal.policy
    assert policy == {
        "type": "comment_policy",
        "journal": journal.username,
        "source_url": source_url,
        "anonymous_allowed": rules.anonymous_allowed,
        "screened": rules.screening != "none",
        "screened_scope": None if rules.screening == "none" else rules.screening,
        "ip_recorded": rules.ip_recorded,
        "comments_disabled": rules.comments_disabled,
    }


def check_post_links(items: list[Record], journal: Journal, case: Case, view: CommentView) -> None:
    links = of_type(items, "links")
    follow = links[0]["comment_page_urls"] if links else []
    ref = urls.classify(case.url)
    query = {k: v for k, v in (ref.query or {}).items() if k in ("format", "nojs")}
    kept = "".join(f"{k}={v}&" for k, v in query.items())
    base = f"{journal_post(case).url}?{kept}"
    folded = [
        f"{base}thread={s.comment.talkid}" for s in view.shown if s.collapsed and not s.hidden
    ]
    pages = [f"{base}page={n}" for n in range(1, view.pages + 1) if n != view.page]
    if view.thread is not None:
        pages = []
    assert sorted(follow) == sorted(folded + pages)
    years = links[0]["listing_urls"] if links else []
    if post_of(items)["skin"] == "s2":  # the S2 sidebar links every year with posts
        assert years == [
            urls.year_url(journal.username, y) for y in reversed(journal.public_calendar)
        ]
    else:
        assert years == []


def journal_post(case: Case) -> Post:
    ref = urls.classify(case.url)
    assert ref.ditemid is not None
    return journal_of(case).by_ditemid[ref.ditemid]


POST_CASES = [c for c in CASES if is_served_page(c, ("post",))]


@pytest.mark.parametrize("case", POST_CASES, ids=[c.name for c in POST_CASES])
def test_post_page_expected_matches_the_content(case: Case) -> None:
    items = expected_of(SAMPLE / case.name)
    journal, post = journal_of(case), journal_post(case)
    query = urls.classify(case.url).query or {}
    skin = "schemius" if query.get("format") == "light" else journal.style
    check_journal(items, journal)
    check_post(post_of(items), journal, post, skin)
    view = comment_view(
        post, int(query.get("page", 1)), int(query["thread"]) if "thread" in query else None
    )
    check_comments(items, journal, post, view)
    check_post_links(items, journal, case, view)
    if skin == "s2":  # the journal's S2 style has no reply form and no widget
        assert of_type(items, "recent_post") == of_type(items, "comment_policy") == []
    else:
        check_widget_and_policy(items, journal, case.url)
    kinds = [i["type"] for i in items]
    assert kinds == sorted(
        kinds, key=["journal", "post", "recent_post", "comment_policy", "comment", "links"].index
    )


def test_seed_page_facts() -> None:
    """The seed page (seed/journal-post.txt): text, tag, promoted widget item, three notes."""
    items = expected_of(SAMPLE / "zloy_odessit-seed-schemius")
    post = post_of(items)
    seed_text = content.seed_data.data_bytes("zloy_odessit-seed-body.txt").decode("utf-8")
    assert post["body_text"] == "\n\n".join(p.strip() for p in seed_text.split("\n\n") if p.strip())
    assert (post["title"], post["tags"], post["comment_count"]) == (
        "Afghan Trap 2.0",
        ["english"],
        0,
    )
    promo = of_type(items, "recent_post")[0]
    assert (promo["author"], promo["date_text"], promo["comment_count"]) == (
        "zloy_odessit",
        "Вересень 30, 19:05",
        18,
    )
    assert (promo["promoted"], promo["price_tokens"]) == (True, 50)
    (policy,) = of_type(items, "comment_policy")
    assert (policy["anonymous_allowed"], policy["screened"], policy["ip_recorded"]) == (
        False,
        True,
        True,
    )


def test_comment_fixtures_cover_every_state_and_view() -> None:
    states: set[str] = set()
    collapsed = folded_views = paged_views = 0
    for case in POST_CASES:
        items = expected_of(SAMPLE / case.name)
        states |= {c["state"] for c in of_type(items, "comment")}
        collapsed += sum(c["collapsed"] for c in of_type(items, "comment"))
        query = urls.classify(case.url).query or {}
        folded_views += "thread" in query
        paged_views += query.get("page", "1") != "1"
    assert states == {"active", "screened", "deleted", "frozen", "spammed", "suspended"}
    assert collapsed and folded_views and paged_views


def test_widget_dates_are_the_posts_dates() -> None:
    wrong = []
    for case in POST_CASES:
        journal = journal_of(case)
        for item in of_type(expected_of(SAMPLE / case.name), "recent_post"):
            post = journal.by_ditemid[urls.classify(item["url"]).ditemid or 0]
            if item["date"] != post.published.isoformat():
                wrong.append((case.name, item["url"], item["date"], post.published.isoformat()))
    assert wrong == []


LISTING_KINDS = ("index", "tag", "year", "month", "day")
LISTING_CASES = [c for c in CASES if is_served_page(c, LISTING_KINDS)]


def listed_posts(journal: Journal, ref: urls.PageRef) -> list[Post] | None:
    """The posts a listing page shows, in page order (None for a year page: days only)."""
    if ref.kind == "index":
        return list(journal.public_posts[ref.skip : ref.skip + 10])
    if ref.kind == "tag":
        assert ref.tag is not None
        return list(journal.public_by_tag[ref.tag][:10])
    assert ref.year is not None
    months = journal.public_calendar[ref.year]
    if ref.kind == "month":
        assert ref.month is not None
        return [p for day in months[ref.month].values() for p in day]
    if ref.kind == "day":
        assert ref.month is not None and ref.day is not None
        return list(months[ref.month][ref.day])
    return None


@pytest.mark.parametrize("case", LISTING_CASES, ids=[c.name for c in LISTING_CASES])
def test_listing_expected_matches_the_content(case: Case) -> None:
    items = expected_of(SAMPLE / case.name)
    journal = journal_of(case)
    ref = urls.classify(case.url)
    check_journal(items, journal)
    (links,) = of_type(items, "links")
    assert (links["source_url"], links["kind"], links["comment_page_urls"]) == (
        case.url,
        ref.kind,
        [],
    )
    user = journal.username
    listing = set(links["listing_urls"])
    assert {urls.year_url(user, y) for y in journal.public_calendar} - {case.url} <= listing
    shown = listed_posts(journal, ref)
    if shown is None:
        assert ref.year is not None
        assert links["post_urls"] == [] and links["comment_counts"] == {}
        days = {
            urls.day_url(user, ref.year, m, d)
            for m, by_day in journal.public_calendar[ref.year].items()
            for d in by_day
        }
        months = {urls.month_url(user, ref.year, m) for m in journal.public_calendar[ref.year]}
        assert days | months <= listing
        return
    assert links["post_urls"] == [p.url for p in shown]
    if ref.kind != "month":  # the month page lists titles only, no comment counts
        assert links["comment_counts"] == {p.url: content.comment_count(p) for p in shown}
    if ref.kind == "index" and ref.skip + 10 < len(journal.public_posts):
        assert urls.index_url(user, ref.skip + 10) in listing


FEED_CASES = [c for c in CASES if is_served_page(c, ("rss", "atom"))]


@pytest.mark.parametrize("case", FEED_CASES, ids=[c.name for c in FEED_CASES])
def test_feed_expected_matches_the_content(case: Case) -> None:
    items = expected_of(SAMPLE / case.name)
    journal = journal_of(case)
    check_journal(items, journal)
    (links,) = of_type(items, "links")
    newest = journal.public_posts[:25]
    assert links["kind"] == urls.classify(case.url).kind
    assert links["post_urls"] == [p.url for p in newest]
    assert links["comment_counts"] == {p.url: content.comment_count(p) for p in newest}
    assert links["listing_urls"] == links["comment_page_urls"] == []


ERROR_CASES = {
    "gone_away-deleted": "This journal has been deleted.",
    "purged_user-purged": "This journal has been deleted and purged.",
    "banned_user-suspended": "suspended by LiveJournal for policy violation.",
}


@pytest.mark.parametrize("name", sorted(ERROR_CASES))
def test_journal_status_expected_matches_the_content(name: str) -> None:
    case = BY_NAME[name]
    items = expected_of(SAMPLE / name)
    journal = journal_of(case)
    assert (
        serve(case, SITE).status
        == {"deleted": 410, "purged": 410, "suspended": 403}[journal.status]
    )
    check_journal(items, journal)
    assert ERROR_CASES[name] in items[0]["status_text"]


@pytest.mark.parametrize("name", ["zloy_odessit-locked", "kelijah-locked-s2"])
def test_locked_post_expected_matches_the_content(name: str) -> None:
    case = BY_NAME[name]
    journal, post = journal_of(case), journal_post(case)
    assert not post.is_public
    items = expected_of(SAMPLE / name)
    check_journal(items, journal)
    (locked,) = of_type(items, "locked_post")
    assert (locked["journal"], locked["ditemid"], locked["url"]) == (
        journal.username,
        post.ditemid,
        post.url,
    )
    assert locked["message"] == "You must be logged in to view this protected entry."
    assert [i["type"] for i in items] == ["journal", "locked_post"]


def test_not_found_and_adult_notice_expected() -> None:
    assert expected_of(SAMPLE / "zloy_odessit-not-found") == []
    adult = SITE.journals["adult_notes"]
    guarded = adult.by_ditemid[481]
    assert adult.adult and guarded.is_public
    (links,) = expected_of(SAMPLE / "adult_notes-notice")
    assert (links["kind"], links["post_urls"], links["listing_urls"]) == (
        "adult",
        [guarded.url],
        [],
    )
