"""Pages rendered by the sample server (archiver/sample/render) parse back to the content they were
rendered from: every skin, comment view, listing, feed and error page, checked against the
sample's content model rather than against the parser's own output.

The requests go through `archiver.sample.routes.respond` (pure, no sockets), so the status codes,
headers and skins are the server's.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from archiver import urls
from archiver.items import (
    CommentItem,
    CommentPolicyItem,
    Item,
    JournalItem,
    LockedPostItem,
    PageLinks,
    PostItem,
    RecentPostItem,
)
from archiver.parse import ParseError, parse_page
from archiver.sample import content
from archiver.sample.content import Journal, Post, Site, build_site
from archiver.sample.render.comment_view import CommentView, comment_view
from archiver.sample.render.widget import widget_posts
from archiver.sample.routes import Request, Response, respond

SITE: Site = build_site()
ACTIVE = [j for j in SITE.journals.values() if j.status == "active"]
ADULT_COOKIE = (("Cookie", "adult_explicit=1"),)


def fetch(url: str, *, adult_cookie: bool = True) -> tuple[Response, list[Item]]:
    response = respond(SITE, Request("GET", url, ADULT_COOKIE if adult_cookie else ()))
    body = response.raw.split(b"\r\n\r\n", 1)[1] if response.raw else response.body
    status = int(response.raw.split(b" ", 2)[1]) if response.raw else response.status
    items = parse_page(
        url,
        body,
        status=status,
        captured_at=SITE.now,
        content_type=response.header("Content-Type"),
    )
    return response, items


def of_type(items: list[Item], kind: type[Any]) -> list[Any]:
    return [i for i in items if isinstance(i, kind)]


def generated_posts() -> Iterator[tuple[Journal, Post]]:
    for journal in ACTIVE:
        for post in journal.public_posts:
            if post.ditemid not in journal.verbatim:
                yield journal, post


POSTS = list(generated_posts())
# Every skin on a spread of posts: all of the small journals, every 5th post of the bulk one.
SAMPLED = [
    (j, p)
    for j, p in POSTS
    if j.username != content.BULK_JOURNAL or j.public_posts.index(p) % 5 == 0
]


def expected_published(journal: Journal, post: Post, skin: str) -> str:
    local = post.published.isoformat()
    if skin == "schemius":
        return local  # the site scheme shows journal-local time without a zone (A1)
    minutes = journal.utc_offset_minutes
    sign = "+" if minutes >= 0 else "-"
    return f"{local}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def post_skins(journal: Journal) -> list[tuple[str, str]]:
    """(query, skin) for the views of a post page the server offers."""
    return [
        ("", journal.style),
        ("?format=light", "schemius"),
        ("?format=light&nojs=1", "schemius"),
    ]


def br(fragment: str) -> str:
    """lxml writes void elements HTML-style: `<br />` comes back as `<br>`."""
    return re.sub(r"\s*/>", ">", fragment).strip()


# ---------------------------------------------------------------- post pages


@pytest.mark.parametrize(
    ("journal", "post"), SAMPLED, ids=[f"{j.username}-{p.ditemid}" for j, p in SAMPLED]
)
def test_post_pages_in_every_skin(journal: Journal, post: Post) -> None:
    for query, skin in post_skins(journal):
        url = post.url + query
        _response, items = fetch(url)
        (item,) = of_type(items, PostItem)
        assert (item.journal, item.ditemid, item.url) == (journal.username, post.ditemid, post.url)
        assert item.title == post.title, url
        assert item.poster == post.poster, url
        assert item.published == expected_published(journal, post, skin), url
        assert item.tags == post.tags, url
        assert item.comment_count == content.comment_count(post), url
        assert (item.security, item.skin) == ("public", skin), url
        assert (item.mood, item.music, item.location) == (post.mood, post.music, post.location)
        if post.body_html == content.seed_data.HOSTILE_BODY_HTML:
            assert "Harmless first paragraph." in item.body_text
        else:
            assert item.body_html == br(post.body_html), url
        for junk in ("Tags:", "Мітки:", "Метки:", "threeposts", "b-linkbar"):
            assert junk not in item.body_html, url
        (journal_item,) = of_type(items, JournalItem)
        assert journal_item == JournalItem(
            username=journal.username,
            url=journal.url,
            status="active",
            journal_id=journal.userid,
            title=journal.title,
            journal_type=journal.journal_type,
        )


def test_body_text_keeps_paragraphs() -> None:
    journal = SITE.journals["zloy_odessit"]
    seed = journal.by_ditemid[1281 * 256 + 154]
    _r, items = fetch(seed.url + "?format=light")
    (post,) = of_type(items, PostItem)
    # The seed text word for word, its paragraphs separated by blank lines.
    seed_text = content.seed_data.data_bytes("zloy_odessit-seed-body.txt").decode("utf-8")
    paragraphs = [p.strip() for p in seed_text.split("\n\n") if p.strip()]
    assert post.body_text == "\n\n".join(paragraphs)
    assert post.body_text.startswith("The Minister for Foreign Affairs of Russia")
    assert post.tags == ("english",)


# ---------------------------------------------------------------- comments


def expected_comments(
    journal: Journal, post: Post, view: CommentView, skin: str
) -> list[CommentItem]:
    result = []
    for shown in view.shown:
        c = shown.comment
        hidden = shown.hidden
        collapsed = shown.collapsed and not hidden
        # The 2017+ page folds a collapsed comment's subject away with its body.
        subject_shown = not hidden and not (collapsed and skin == "aentry")
        result.append(
            CommentItem(
                journal=journal.username,
                ditemid=post.ditemid,
                talkid=c.talkid,
                parent_talkid=c.parent,
                depth=c.depth,
                poster=None if hidden else c.poster,
                subject=(c.subject or None) if subject_shown else None,
                body_html=None if hidden or collapsed else c.body_html,
                posted_text=None,  # compared separately: each skin writes its own text
                posted=None if hidden else c.posted.isoformat(),
                state=c.state,
                collapsed=collapsed,
            )
        )
    return result


def comparable(items: list[CommentItem]) -> list[CommentItem]:
    return [
        replace(
            i,
            posted_text=None,
            subject=html.unescape(i.subject) if i.subject else i.subject,
        )
        for i in items
    ]


WITH_COMMENTS = [(j, p) for j, p in SAMPLED if content.comments_of(p)]


@pytest.mark.parametrize(
    ("journal", "post"),
    WITH_COMMENTS,
    ids=[f"{j.username}-{p.ditemid}" for j, p in WITH_COMMENTS],
)
def test_comments_in_every_skin(journal: Journal, post: Post) -> None:
    view = comment_view(post)
    for query, skin in post_skins(journal):
        _r, items = fetch(post.url + query)
        got = of_type(items, CommentItem)
        assert comparable(got) == expected_comments(journal, post, view, skin), post.url + query
        for item in got:
            if item.state in ("screened", "deleted", "spammed", "suspended"):
                assert item.posted_text is None
            else:
                assert item.posted_text, item


def test_every_comment_state_is_seen() -> None:
    states: set[str] = set()
    collapsed = 0
    for _journal, post in WITH_COMMENTS:
        _r, items = fetch(post.url + "?format=light")
        for item in of_type(items, CommentItem):
            states.add(item.state)
            collapsed += item.collapsed
    assert states == {"active", "screened", "deleted", "frozen", "spammed", "suspended"}
    assert collapsed > 0


def test_collapsed_threads_and_comment_pages_are_links() -> None:
    seen_pages = seen_threads = 0
    for journal, post in WITH_COMMENTS:
        view = comment_view(post)
        for query, _skin in post_skins(journal):
            _r, items = fetch(post.url + query)
            links = of_type(items, PageLinks)
            follow = links[0].comment_page_urls if links else ()
            kept = "?format=light&" if query.startswith("?format=light") else "?"
            if query.endswith("nojs=1"):
                kept = "?format=light&nojs=1&"
            for shown in view.shown:
                if shown.collapsed and not shown.hidden:
                    assert f"{post.url}{kept}thread={shown.comment.talkid}" in follow
                    seen_threads += 1
            for number in range(2, view.pages + 1):
                assert f"{post.url}{kept}page={number}" in follow, (post.url + query, follow)
                seen_pages += 1
    assert seen_pages and seen_threads


def test_thread_and_page_views() -> None:
    """A folded thread's own page shows it in full; page 2 shows the next ten threads."""
    for journal, post in WITH_COMMENTS:
        view = comment_view(post)
        folded = [s.comment.talkid for s in view.shown if s.collapsed and not s.hidden]
        if folded:
            thread_view = comment_view(post, thread=folded[0])
            for query, skin in post_skins(journal):
                sep = "&" if query else "?"
                _r, items = fetch(f"{post.url}{query}{sep}thread={folded[0]}")
                expected = expected_comments(journal, post, thread_view, skin)
                if skin == "aentry":
                    # C2 markup names no parent: the subtree's root comes back with none
                    # (the store keeps the parent seen on the post page; None never overwrites).
                    expected[0] = replace(expected[0], parent_talkid=None)
                assert comparable(of_type(items, CommentItem)) == expected
        if view.pages > 1:
            page_view = comment_view(post, page=2)
            for query, skin in post_skins(journal):
                sep = "&" if query else "?"
                _r, items = fetch(f"{post.url}{query}{sep}page=2")
                assert comparable(of_type(items, CommentItem)) == expected_comments(
                    journal, post, page_view, skin
                )


# ---------------------------------------------------------------- widget and policy


def test_seed_page_widget_and_policy() -> None:
    journal = SITE.journals["zloy_odessit"]
    seed = journal.by_ditemid[1281 * 256 + 154]
    _r, items = fetch(seed.url + "?format=light")
    widget = of_type(items, RecentPostItem)
    promo = widget[0]
    assert (promo.position, promo.promoted, promo.price_tokens, promo.comment_count) == (
        1,
        True,
        50,
        18,
    )
    assert (promo.author, promo.date_text, promo.date) == (
        "zloy_odessit",
        "Вересень 30, 19:05",
        "2021-09-30T19:05:00",
    )
    assert promo.excerpt is not None and promo.excerpt.startswith("Это первое видео из цикла")
    (policy,) = of_type(items, CommentPolicyItem)
    assert (policy.anonymous_allowed, policy.screened, policy.ip_recorded) == (False, True, True)


@pytest.mark.parametrize("journal", ACTIVE, ids=[j.username for j in ACTIVE])
def test_widget_and_policy_of_every_journal(journal: Journal) -> None:
    post = next(p for p in journal.public_posts if p.ditemid not in journal.verbatim)
    views = ["?format=light"] + ([""] if journal.style == "aentry" else [])
    for query in views:
        _r, items = fetch(post.url + query)
        widget = of_type(items, RecentPostItem)
        expected = widget_posts(journal)
        assert [(w.url, w.title, w.promoted, w.comment_count) for w in widget] == [
            (p.url, p.title, promoted, content.comment_count(p)) for p, promoted in expected
        ]
        # This year's items show no year, older ones do: each reads as its post's own date.
        assert [w.date for w in widget] == [p.published.isoformat() for p, _ in expected]
        assert [w.position for w in widget] == list(range(1, len(expected) + 1))
        (policy,) = of_type(items, CommentPolicyItem)
        rules = journal.policy
        assert policy.anonymous_allowed == rules.anonymous_allowed
        assert policy.screened == (rules.screening != "none")
        assert policy.screened_scope == (None if rules.screening == "none" else rules.screening)
        assert policy.ip_recorded == rules.ip_recorded
        assert policy.comments_disabled == rules.comments_disabled
    # The S2 style has no reply form: no policy there.
    if journal.style == "s2":
        _r, items = fetch(post.url)
        assert of_type(items, CommentPolicyItem) == []
        assert of_type(items, RecentPostItem) == []


# ---------------------------------------------------------------- listings and feeds


def listing_links(url: str) -> PageLinks:
    response, items = fetch(url)
    assert response.status == 200, url
    (links,) = of_type(items, PageLinks)
    return links


@pytest.mark.parametrize("journal", ACTIVE, ids=[j.username for j in ACTIVE])
def test_index_pages(journal: Journal) -> None:
    posts = journal.public_posts
    for skip in range(0, min(len(posts), 101), 10):
        links = listing_links(urls.index_url(journal.username, skip))
        shown = posts[skip : skip + 10]
        assert list(links.post_urls) == [p.url for p in shown]
        assert links.comment_counts == {p.url: content.comment_count(p) for p in shown}
        assert links.kind == "index"
        if skip + 10 < len(posts) and skip + 10 <= 100:
            assert urls.index_url(journal.username, skip + 10) in links.listing_urls
        years = {p.published.year for p in posts}
        for year in years:
            assert urls.year_url(journal.username, year) in links.listing_urls


@pytest.mark.parametrize("journal", ACTIVE, ids=[j.username for j in ACTIVE])
def test_tag_and_calendar_pages(journal: Journal) -> None:
    user = journal.username
    for tag in journal.tag_counts:
        tagged = [p for p in journal.public_posts if tag in p.tags]
        links = listing_links(urls.tag_url(user, tag))
        assert list(links.post_urls) == [p.url for p in tagged[:10]]
        assert links.kind == "tag"
    days: dict[tuple[int, int, int], list[Post]] = {}
    for post in journal.public_posts:
        when = post.published
        days.setdefault((when.year, when.month, when.day), []).append(post)
    for year in sorted({y for y, _m, _d in days}):
        links = listing_links(urls.year_url(user, year))
        expected_days = {urls.day_url(user, *key) for key in days if key[0] == year}
        assert expected_days <= set(links.listing_urls)
        for month in sorted({m for y, m, _d in days if y == year}):
            links = listing_links(urls.month_url(user, year, month))
            expected = {
                p.url for (y, m, _d), ps in days.items() if (y, m) == (year, month) for p in ps
            }
            assert set(links.post_urls) == expected
    for (year, month, day), posts in list(days.items())[:5]:
        links = listing_links(urls.day_url(user, year, month, day))
        assert set(links.post_urls) == {p.url for p in posts}
        assert links.kind == "day"


@pytest.mark.parametrize("journal", ACTIVE, ids=[j.username for j in ACTIVE])
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds(journal: Journal, kind: str) -> None:
    url = urls.rss_url(journal.username) if kind == "rss" else urls.atom_url(journal.username)
    _r, items = fetch(url)
    (feed_journal,) = of_type(items, JournalItem)
    assert (feed_journal.username, feed_journal.journal_id, feed_journal.title) == (
        journal.username,
        journal.userid,
        journal.title,
    )
    (links,) = of_type(items, PageLinks)
    newest = journal.public_posts[:25]
    assert links.kind == kind
    assert list(links.post_urls) == [p.url for p in newest]
    assert links.comment_counts == {p.url: content.comment_count(p) for p in newest}


# ---------------------------------------------------------------- error and access pages


@pytest.mark.parametrize(
    ("username", "status", "http"),
    [
        ("gone_away", "deleted", 410),
        ("purged_user", "purged", 410),
        ("banned_user", "suspended", 403),
        ("alstrangers", "blocked", 404),
    ],
)
def test_journal_status_pages(username: str, status: str, http: int) -> None:
    for url in (urls.journal_root(username), urls.post_url(username, 1234), urls.rss_url(username)):
        response, items = fetch(url)
        assert (response.raw is not None) or response.status == http
        (journal,) = of_type(items, JournalItem)
        assert (journal.username, journal.status) == (username, status)
        assert journal.status_text


def test_renamed_journal_is_a_redirect_not_a_page() -> None:
    with pytest.raises(ParseError, match="redirect"):
        fetch(urls.journal_root("old_name"))


def test_locked_and_missing_posts() -> None:
    locked = [
        (j, p) for j in ACTIVE for p in j.posts if not p.is_public and p.ditemid not in j.verbatim
    ]
    assert locked
    journal, post = locked[0]
    for query in ("", "?format=light"):
        response, items = fetch(post.url + query)
        assert response.status == 403
        (item,) = of_type(items, LockedPostItem)
        assert (item.journal, item.ditemid, item.url) == (journal.username, post.ditemid, post.url)
        assert "protected entry" in item.message
        assert of_type(items, PostItem) == []
    response, items = fetch(urls.post_url(journal.username, 99))
    assert (response.status, items) == (404, [])


def test_adult_notice_points_at_the_guarded_page() -> None:
    journal = SITE.journals["adult_notes"]
    post = journal.public_posts[0]
    response = respond(SITE, Request("GET", post.url))
    assert response.status == 302
    notice_url = response.header("Location")
    assert notice_url is not None
    _r, items = fetch(notice_url, adult_cookie=False)
    assert items == [PageLinks(source_url=notice_url, kind="adult", post_urls=(post.url,))]
