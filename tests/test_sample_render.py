"""The sample server's templates: every page kind, read back with the selectors of ANATOMY.md and
MARKUP.md, the way the parsers will read them."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import pytest
from lxml import etree
from parsel import Selector
from protego import Protego

from archiver.sample import render
from archiver.sample.content import (
    Comment,
    Journal,
    Post,
    Site,
    build_site,
    comment_count,
    comments_of,
)
from archiver.sample.render.comment_view import comment_view
from archiver.sample.render.markup import local_iso

SEED_TITLE = "Afghan Trap 2.0"
PROMO_EXCERPT = (
    "Это первое видео из цикла, посвященного моей поездке в Азербайджан. Каждый день я посещал "
    "то или иное место, и сразу же, пока были живы первые впечатления и эмоции, записывал их. "
    "Потому, что самое сильное впечатление то, которое ты буквально только что пережил. Лишь "
    "после возвращения в…"
)
POLICY_NOTES = [
    "Anonymous comments are disabled in this journal",
    "Your reply will be screened",
    "Your IP address will be recorded",
]
PLACEHOLDERS = {
    "screened": "Screened comment",
    "deleted": "Deleted comment",
    "spammed": "Spammed comment",
    "suspended": "Suspended comment",
}


def words(text: str) -> list[str]:
    return text.split()


# Written out here, not imported, so that the test checks the language layer against ANATOMY.
UK_GENITIVE = words(
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"
)
UK_NOMINATIVE = words(
    "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад грудень"
)
RU_GENITIVE = words(
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
)
RU_NOMINATIVE = words(
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь"
)
EN_MONTHS = words(
    "January February March April May June July August September October November December"
)

_SITE_LINE = re.compile(r"^\s*(Site\.[\w.]+) = (.*);$", re.M)
_P_BLOCK = re.compile(r"^\s*var p = (.*), i;$", re.M)


# ---------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site(0, 60)


@pytest.fixture(scope="module")
def later_site() -> Site:
    """Three rounds of activity later: more comments, in more states."""
    return build_site(3, 60)


def site_json(html: str) -> dict[str, Any]:
    """Every one-line `Site.x = {...};` literal, and the `var p` block as "p"."""
    found: dict[str, Any] = {
        name: json.loads(value)
        for name, value in _SITE_LINE.findall(html)
        if name != "Site.version"
    }
    block = _P_BLOCK.search(html)
    assert block is not None
    found["p"] = json.loads(block.group(1))
    return found


def visible_text(html: str) -> str:
    sel = Selector(html)
    parts = sel.xpath("//body//text()[not(ancestor::script)]").getall()
    return " ".join("".join(parts).split())


def text(sel: Selector) -> str:
    return " ".join(" ".join(sel.xpath(".//text()").getall()).split())


def classes(sel: Selector) -> set[str]:
    return set((sel.attrib.get("class") or "").split())


def seed_post(site: Site) -> tuple[Journal, Post]:
    journal = site.journals["zloy_odessit"]
    return journal, next(p for p in journal.posts if p.title == SEED_TITLE)


def public_with_comments(site: Site) -> list[tuple[Journal, Post]]:
    return [
        (journal, post)
        for journal in site.journals.values()
        if journal.status == "active"
        for post in journal.public_posts
        if comments_of(post) and post.ditemid not in journal.verbatim
    ]


def threads(post: Post) -> list[list[Comment]]:
    """Top-level threads in display order, each with its replies."""
    grouped: list[list[Comment]] = []
    for comment in comments_of(post):
        if comment.parent is None:
            grouped.append([])
        grouped[-1].append(comment)
    return grouped


def local_hhmm(when: datetime) -> str:
    return f"{when.hour:02d}:{when.minute:02d}"


# ---------------------------------------------------------------- the seed page


def test_seed_post_page_carries_every_seed_fact(site: Site) -> None:
    journal, post = seed_post(site)
    html = render.post_page(site, journal, post, skin="schemius")
    sel = Selector(html)

    opening = 'lj-embed-resizer="">'
    body = html.split(opening, 1)[1].split("</article>", 1)[0]
    assert body == post.body_html
    assert sel.css("h1.b-singlepost-title::text").get("").strip() == SEED_TITLE
    assert text(sel.css("div.b-singlepost-tags")[0]) == "Tags: english"
    assert sel.css('meta[property="article:tag"]::attr(content)').getall() == ["english"]
    assert sel.css("div.b-singlepost-tags a::attr(href)").getall() == [
        "https://zloy-odessit.livejournal.com/tag/english"
    ]
    assert sel.css("time.b-singlepost-author-date").xpath("string()").get() == (
        "2021-07-12 10:24:00"
    )

    widget = sel.css("div.threeposts")
    assert widget.css("h3.threeposts__heading::text").get() == "Recent Posts from This Journal"
    items = widget.css("div.threeposts__item")
    assert "threeposts__item--promo" in classes(items[0])
    assert not any("threeposts__item--promo" in classes(item) for item in items[1:])
    promo = items[0]
    assert promo.css("span.threeposts__promo-label::text").get() == "promo"
    assert promo.css("span.ljuser::attr(data-ljuser)").get() == "zloy_odessit"
    assert promo.css("time.threeposts__date::text").get() == "Вересень 30, 19:05"
    assert promo.css("span.threeposts__comments::text").get() == "18"
    assert promo.css("span.threeposts__buy::text").get() == "Buy for 50 tokens"
    assert promo.css("p.threeposts__text::text").get() == PROMO_EXCERPT
    promoted = journal.by_ditemid[journal.promoted_ditemid or 0]
    assert promo.css("a.threeposts__link::attr(href)").get() == promoted.url
    assert promo.css("span.threeposts__title-inner::text").get() == promoted.title
    assert widget.attrib["class"].split()[-1] == f"threeposts--count-{len(items)}"

    assert sel.css("p.b-msgsystem-error::text").getall() == POLICY_NOTES
    watering = classes(sel.css("div.b-watering")[0])
    assert {"b-watering-user-regonly", "b-watering-user-screened"} <= watering
    assert "b-watering-user-ipalert" in watering
    assert "b-watering-user-screened-anon" not in watering  # the journal screens everyone
    assert sel.css("a.b-addcomment").xpath("string()").get() == "Post a new comment"
    assert sel.css("a.b-addcomment::attr(href)").get() == (
        f"{post.url}?format=light&mode=reply#add_comment"
    )

    data = site_json(html)
    assert data["Site.entry"]["ditemid"] == post.ditemid
    assert data["Site.entry"]["poster"] == "zloy_odessit"
    assert data["Site.entry"]["title"] == SEED_TITLE
    assert data["Site.entry"]["is_public"] is True
    assert data["Site.page"]["replycount"] == 0
    assert data["Site.page"]["scheme"] == "schemius"
    assert data["Site.journal"]["username"] == "zloy_odessit"
    assert data["Site.journal"]["is_community"] is False
    assert data["Site.current_journal"]["journaltype"] == "P"
    assert data["p"]["currentJournal"] == "zloy_odessit"
    assert data["p"]["currentEntry"] == post.url


def test_seed_facts_read_in_the_seed_pages_order(site: Site) -> None:
    """The seed text (../shared/seed/journal-post.txt) is the page read top to bottom."""
    journal, post = seed_post(site)
    page = visible_text(render.post_page(site, journal, post, skin="schemius"))
    expected = [
        "zloy_odessit (zloy_odessit) wrote,",
        "The Minister for Foreign Affairs of Russia",
        'to whom does Afghan Trap 2.0 actually means "check and checkmate"?',
        "Tags: english",
        "Recent Posts from This Journal",
        "promo zloy_odessit Вересень 30, 19:05 18",
        "Buy for 50 tokens",
        PROMO_EXCERPT,
        "Post a new comment",
        "Anonymous comments are disabled in this journal",
        "default userpic",
        "Your reply will be screened",
        "Your IP address will be recorded",
    ]
    positions = [page.find(fact) for fact in expected]
    assert -1 not in positions, [f for f, at in zip(expected, positions, strict=True) if at < 0]
    assert positions == sorted(positions)


def test_promoted_post_counts_its_visible_comments(site: Site) -> None:
    journal = site.journals["zloy_odessit"]
    promoted = journal.by_ditemid[journal.promoted_ditemid or 0]
    html = render.post_page(site, journal, promoted, skin="schemius")
    data = site_json(html)
    assert data["Site.page"]["replycount"] == comment_count(promoted) == 18
    assert Selector(html).css("span.js-amount::text").get("").strip() == "18 comments"


# ---------------------------------------------------------------- every post, every skin

POST_JOURNALS = ["zloy_odessit", "kelijah", "tea_club", "moskvich", "bulk_journal"]
CURRENTS = {
    # The real 2014 schemius page (rebecca2525-3562-2014-schemius-light).
    "schemius": "ul.b-singlepost-meta > li.b-singlepost-meta-item.b-singlepost-meta-item-{key} "
    "> span.b-singlepost-meta-data",
    "aentry": "ul.aentry-post__currents > li.aentry-post__current--{key} "
    "> span.aentry-post__current-value",
}


@pytest.mark.parametrize("name", POST_JOURNALS)
def test_every_post_page_carries_its_post(site: Site, name: str) -> None:
    journal = site.journals[name]
    posts = [p for p in journal.public_posts if p.ditemid not in journal.verbatim]
    public = {p.url for p in journal.public_posts}
    assert posts
    for post in posts:
        for skin in render.SKINS:
            html = render.post_page(site, journal, post, skin=skin)
            sel = Selector(html)
            data = site_json(html)
            entry = data["Site.entry"]
            assert (entry["ditemid"], entry["poster"], entry["title"]) == (
                post.ditemid,
                post.poster,
                post.title,
            )
            assert entry["journal"] == name
            assert data["Site.page"]["replycount"] == comment_count(post)
            assert data["Site.journal"]["id"] == journal.userid
            assert data["p"]["currentEntry"] == post.url
            assert sel.css("link[rel=canonical]::attr(href)").get() == post.url
            assert sel.css('meta[property="og:url"]::attr(content)').get() == post.url
            assert sel.css('meta[property="article:tag"]::attr(content)').getall() == list(
                post.tags
            )
            if skin == "schemius":
                tags = sel.css("div.b-singlepost-tags a::text").getall()
                body = f'lj-embed-resizer="">{post.body_html}</article>'
                assert sel.css("time.b-singlepost-author-date").xpath("string()").get() == (
                    f"{post.published:%Y-%m-%d %H:%M:%S}"
                )
            elif skin == "s2":
                tags = sel.css("dl.entry div.entry-content div.ljtags a[rel=tag]::text").getall()
                ljtags = '<div class="ljtags">' if post.tags else "</div>"
                body = f'<div class="entry-content">{post.body_html}{ljtags}'
                assert sel.css(f"dl.entry.hentry#post-{name}-{post.ditemid}")
            else:
                tags = sel.css("div.aentry-tags > a.aentry-tags__link::text").getall()
                body = f'aentry-post__text--view entry-content">{post.body_html}</div>'
                assert sel.css("article.aentry.aentry--post2017 span.aentry-post__title-text")
            assert tags == list(post.tags)
            assert body in html
            for key in ("mood", "music", "location"):
                value = getattr(post, key)
                if skin in CURRENTS:
                    found = sel.css(CURRENTS[skin].format(key=key))
                    shown = " ".join(found.xpath("string()").get("").split()) or None
                else:
                    shown = sel.css(f"div.metadata > div.metadata-{key}").xpath("string()").get()
                    if value is not None:
                        assert shown is not None and shown.endswith(f": {value}")
                        shown = value
                assert shown == value
            if skin != "s2":
                widget = sel.css("div.threeposts__item a.threeposts__link::attr(href)").getall()
                assert widget and set(widget) <= public


# ---------------------------------------------------------------- S2 against the real page A2


def test_s2_page_matches_a2(site: Site) -> None:
    journal = site.journals["kelijah"]
    post = journal.by_ditemid[266132]
    html = render.post_page(site, journal, post, skin="s2")
    sel = Selector(html)

    assert sel.css("html::attr(class)").get() == "html-s2-no-adaptive"
    entry = sel.css("dl.entry.hentry#post-kelijah-266132")
    assert entry.css("abbr.updated::attr(title)").get() == "2020-01-03T09:36:00+03:00"
    assert entry.css("abbr.updated::text").get() == "January 3rd, 9:36"
    assert entry.css("dd.username span.ljuser::attr(data-ljuser)").get() == "kelijah"
    assert entry.css("div.ljtags a[rel=tag]::text").getall() == list(post.tags)
    assert entry.css("div.ljtags").xpath("string()").get("").startswith("Tags: ")
    assert sel.css('meta[property="article:tag"]::attr(content)').getall() == list(post.tags)
    # The sidebar's tag cloud lists the journal's tags, apart from the post's.
    cloud = sel.css("ul.ljtaglist a[rel=tag]::text").getall()
    assert cloud == list(journal.tag_counts)
    assert not entry.css("ul.ljtaglist")

    assert sel.css("span.comments-count::text").getall() == ["3 comments", "3 comments"]
    wraps = sel.css("div.comment-wrap")
    assert [w.attrib["id"] for w in wraps] == ["ljcmt71316", "ljcmt71572", "ljcmt71828"]
    assert [w.attrib["style"] for w in wraps] == [
        "margin-left:0px;",
        "margin-left:25px;",
        "margin-left:50px;",
    ]
    assert [w.css("a::attr(name)").get() for w in wraps] == ["t71316", "t71572", "t71828"]
    assert "cwoup" in classes(wraps[1].css("div.comment-head")[0])  # the journal's own comment
    assert "cwoup" not in classes(wraps[0].css("div.comment-head")[0])
    first = wraps[0].css("a.comment-permalink")
    assert first.attrib["href"] == f"{post.url}?thread=71316#t71316"
    assert first.css("span::text").get() == "2020-01-03 12:15 pm (UTC)"
    assert first.css("span::attr(title)").get() == (
        "5 hours after journal entry, 03:15 pm (p2004r's time)"
    )
    assert wraps[1].css("li.comment-menu__item a::text").getall() == ["Reply", "Parent", "Thread"]
    assert wraps[1].css("li.comment-menu__item a::attr(href)").getall()[1] == (
        f"{post.url}?thread=71316#t71316"
    )

    data = site_json(html)
    info = data["Site.page"]["LJ_cmtinfo"]
    assert info["71316"] == {
        "parent": None,
        "u": "p2004r",
        "rc": ["71572"],
        "has_link": 0,
        "depth": 1,
        "full": 1,
        "username": "p2004r",
    }
    assert (info["71572"]["parent"], info["71572"]["depth"]) == (71316, 2)
    assert (info["71828"]["parent"], info["71828"]["rc"]) == (71572, [])
    assert info["journal"] == "kelijah"
    assert data["Site.page"]["replycount"] == 3
    assert data["Site.page"]["styleSystem"] == "s2"
    assert data["Site.entry"]["title"] == post.title


def test_s2_prev_next_link_the_neighbouring_public_posts(site: Site) -> None:
    journal = site.journals["bulk_journal"]
    posts = journal.public_posts
    middle = posts[5]
    sel = Selector(render.post_page(site, journal, middle, skin="s2"))
    links = sel.css("dt.entry-linkbar a")
    hrefs = {a.css("img::attr(alt)").get(): a.attrib["href"] for a in links}
    assert hrefs["Previous Entry"] == posts[6].url
    assert hrefs["Next Entry"] == posts[4].url
    newest = Selector(render.post_page(site, journal, posts[0], skin="s2"))
    assert not newest.css('dt.entry-linkbar img[alt="Next Entry"]')


# ---------------------------------------------------------------- languages


def test_s2_dates_and_labels_follow_the_journal_language(site: Site) -> None:
    journal = site.journals["zloy_odessit"]
    promoted = journal.by_ditemid[journal.promoted_ditemid or 0]
    sel = Selector(render.post_page(site, journal, promoted, skin="s2"))
    assert sel.css("abbr.updated::text").get() == "30 вересня 2021, 19:05"
    assert sel.css("abbr.updated::attr(title)").get() == "2021-09-30T19:05:00+03:00"
    assert sel.css("div.ljtags").xpath("string()").get("").startswith("Мітки: ")
    assert sel.css("span.comments-count::text").get() == "18 коментарів"
    assert sel.css("html")[0].attrib["xml:lang"] == "uk"

    for name, mood in (
        ("zloy_odessit", "Настрій"),
        ("moskvich", "Настроение"),
        ("kelijah", "Mood"),
    ):
        journal = site.journals[name]
        post = dataclasses.replace(journal.public_posts[0], mood="tired")
        page = Selector(render.post_page(site, journal, post, skin="s2"))
        assert page.css("div.metadata-mood > strong::text").get() == mood

    for name, months in (("zloy_odessit", UK_GENITIVE), ("moskvich", RU_GENITIVE)):
        journal = site.journals[name]
        for post in journal.public_posts[:5]:
            when = post.published
            page = Selector(render.post_page(site, journal, post, skin="s2"))
            assert page.css("abbr.updated::text").get() == (
                f"{when.day:02d} {months[when.month - 1]} {when.year}, {local_hhmm(when)}"
            )


def test_site_dates_use_the_nominative_month(site: Site) -> None:
    moskvich = site.journals["moskvich"]
    post = moskvich.public_posts[0]
    when = post.published
    sel = Selector(render.post_page(site, moskvich, post, skin="aentry"))
    time = sel.css("p.aentry-head__date > time")
    assert time.attrib["datetime"] == f"{when:%Y-%m-%dT%H:%M:%S}+03:00"
    month = RU_NOMINATIVE[when.month - 1].capitalize()
    assert time.css("::text").get() == f"{month} {when.day} {when.year}, {local_hhmm(when)}"
    # The widget leaves the year out only for this year's posts (moskvich's newest is older).
    assert when.year < site.now.year
    first = sel.css("div.threeposts__item")[0]
    assert first.css("time.threeposts__date::text").get() == (
        f"{month} {when.day} {when.year}, {local_hhmm(when)}"
    )

    bulk = site.journals["bulk_journal"]
    newest = bulk.public_posts[0].published
    assert newest.year == site.now.year
    widget = Selector(render.post_page(site, bulk, bulk.public_posts[3], skin="schemius"))
    assert widget.css("time.threeposts__date::text").get() == (
        f"{EN_MONTHS[newest.month - 1]} {newest.day}, {local_hhmm(newest)}"
    )


def test_calendar_captions_use_the_nominative_month(site: Site) -> None:
    journal = site.journals["zloy_odessit"]
    sel = Selector(render.year_page(site, journal, 2021))
    captions = sel.css("table.calendar-month caption a::text").getall()
    months = sorted(journal.public_calendar[2021])
    assert captions == [f"{UK_NOMINATIVE[m - 1].capitalize()} 2021" for m in months]
    assert "Вересень 2021" in captions


# ---------------------------------------------------------------- communities


def test_community_pages_name_the_poster_and_the_community(site: Site) -> None:
    journal = site.journals["tea_club"]
    post = next(p for p in journal.public_posts if p.title == "Hostile markup")
    assert post.poster != "tea_club"
    for skin in render.SKINS:
        html = render.post_page(site, journal, post, skin=skin)
        sel = Selector(html)
        data = site_json(html)
        assert data["Site.journal"]["is_community"] is True
        assert data["Site.journal"]["is_personal"] is False
        assert data["Site.current_journal"]["journaltype"] == "C"
        assert data["Site.current_journal"]["is_comm"] == "1"
        assert data["Site.entry"]["poster"] == post.poster
        assert data["Site.entry"]["journal"] == "tea_club"
        assert sel.css('span.ljuser.i-ljuser-type-C[data-ljuser="tea_club"]')
        assert sel.css(f'span.ljuser.i-ljuser-type-P[data-ljuser="{post.poster}"]')
    schemius = Selector(render.post_page(site, journal, post, skin="schemius"))
    byline = text(schemius.css("span.b-singlepost-author-user-screen")[0])
    assert byline == f"{post.poster} ( {post.poster} ) wrote in tea_club ,"
    watering = classes(schemius.css("div.b-watering")[0])
    assert {"b-watering-user-screened", "b-watering-user-screened-anon"} <= watering
    assert "b-watering-user-regonly" not in watering
    assert schemius.css("p.b-msgsystem-error::text").getall() == POLICY_NOTES[1:]


def test_policy_notes_follow_the_journal_policy(site: Site) -> None:
    journal = site.journals["moskvich"]  # anonymous allowed, non-friends screened, no IP log
    post = journal.public_posts[0]
    for skin in ("schemius", "aentry"):
        sel = Selector(render.post_page(site, journal, post, skin=skin))
        watering = classes(sel.css("div.b-watering")[0])
        assert {"b-watering-user-screened", "b-watering-user-screened-notafriend"} <= watering
        assert not watering & {"b-watering-user-regonly", "b-watering-user-ipalert"}
        assert sel.css("p.b-msgsystem-error::text").getall() == ["Your reply will be screened"]

    closed = dataclasses.replace(
        journal, policy=dataclasses.replace(journal.policy, comments_disabled=True)
    )
    for skin in ("schemius", "aentry"):
        html = render.post_page(site, closed, post, skin=skin)
        sel = Selector(html)
        assert sel.css("p.b-bubble-alert.b-comments-disabled::text").get() == (
            "Comments for this post were disabled by the author"
        )
        assert not sel.css("div.b-watering") and not sel.css("a.b-addcomment")
        assert site_json(html)["Site.page"]["allow_commenting"] == 0
    assert not Selector(render.post_page(site, closed, post, skin="s2")).css("span.replylink")


def test_hostile_body_is_served_verbatim(site: Site) -> None:
    journal = site.journals["tea_club"]
    post = next(p for p in journal.public_posts if p.title == "Hostile markup")
    html = render.post_page(site, journal, post, skin="s2")
    assert f'<div class="entry-content">{post.body_html}<div class="ljtags">' in html


# ---------------------------------------------------------------- comments


def _comment_states_agree(site: Site, journal: Journal, post: Post, page: int) -> None:
    folded = {c.talkid for m in comment_view(post, page).more for c in m.folded}
    expected = [
        c
        for thread in threads(post)[(page - 1) * 10 : page * 10]
        for c in thread
        if c.talkid not in folded
    ]
    ids = [c.talkid for c in expected]

    html = render.post_page(site, journal, post, skin="schemius", comment_page=page)
    data = site_json(html)["Site.page"]
    assert data["replycount"] == comment_count(post)
    assert data["comments_page"] == page
    records = [item for item in data["comments"] if "more" not in item]
    assert [item["thread"] for item in records] == ids
    for item, c in zip(records, expected, strict=True):
        # The keys and values of the real records (evo_lutio-1180335, -1179162-page1).
        assert item["dtalkid"] == item["thread"]
        assert (item["parent"], item["level"]) == (c.parent or 0, c.depth)
        assert item["margin"] == 30 * (c.depth - 1)
        assert item["thread_url"] == f"{post.url}?thread={c.talkid}#t{c.talkid}"
        assert item["poster"] == post.poster
        assert item["deleted"] == (1 if c.state == "deleted" else 0)
        if c.state in PLACEHOLDERS:
            assert (item["leafclass"], item["shown"], item["loaded"]) == (c.state, 0, 0)
            assert (item["uname"], item["username"], item["article"]) == ("", None, None)
            assert item["actions"] is None and item["ctime"] is None
        elif c.depth > 3:
            assert (item["collapsed"], item["loaded"], item["article"]) == (1, 0, None)
            assert item["leafclass"] == ("collapsed" if c.state == "active" else c.state)
            assert item["uname"] == (c.poster or "")
            assert [a["name"] for a in item["actions"]] == ["permalink", "collapse", "expand"]
        else:
            assert (item["collapsed"], item["loaded"], item["shown"]) == (0, 1, 1)
            assert item["leafclass"] == (None if c.state == "active" else c.state)
            assert item["article"] == c.body_html
            assert item["uname"] == (c.poster or "")
            assert item["ctime_ts"] == int(c.posted.timestamp())

    nojs_html = render.post_page(site, journal, post, skin="schemius", comment_page=page, nojs=True)
    nojs = Selector(nojs_html)
    twigs = nojs.css("div.b-tree-root > div.b-tree-twig")
    assert [t.attrib["data-tid"] for t in twigs] == [f"t{i}" for i in ids]
    for twig, c in zip(twigs, expected, strict=True):
        assert f"b-tree-twig-{c.depth}" in classes(twig)
        leaf = twig.css("div.b-leaf")[0]
        assert leaf.attrib["id"] == f"t{c.talkid}"
        _check_leaf(
            leaf,
            c,
            state_class=f"b-leaf-{c.state}",
            status="p.b-leaf-status",
            article="div.b-leaf-article",
            collapsed="b-leaf-collapsed",
        )

    s2_html = render.post_page(site, journal, post, skin="s2", comment_page=page)
    s2 = Selector(s2_html)
    wraps = s2.css("div.comment-wrap")
    assert [w.attrib["id"] for w in wraps] == [f"ljcmt{i}" for i in ids]
    info = site_json(s2_html)["Site.page"]["LJ_cmtinfo"]
    for wrap, c in zip(wraps, expected, strict=True):
        assert (info[str(c.talkid)]["parent"], info[str(c.talkid)]["depth"]) == (c.parent, c.depth)
        _check_leaf(
            wrap,
            c,
            state_class=f"comment-{c.state}",
            status="span.comment-status",
            article="div.comment-text",
            collapsed="comment-collapsed",
        )

    aentry = Selector(render.post_page(site, journal, post, skin="aentry", comment_page=page))
    threads_html = aentry.css("div.acomments > div.mdspost-thread")
    assert [t.attrib["data-tid"] for t in threads_html] == [f"t{i}" for i in ids]
    for thread, c in zip(threads_html, expected, strict=True):
        assert f"mdspost-thread--level-{c.depth}" in classes(thread)
        _check_leaf(
            thread.css("article")[0],
            c,
            state_class=f"mdspost-comment--{c.state}",
            status="div.mdspost-comment-status",
            article="div.mdspost-comment__body",
            collapsed="mdspost-comment--collapsed",
        )


def _check_leaf(
    leaf: Selector, c: Comment, *, state_class: str, status: str, article: str, collapsed: str
) -> None:
    """A placeholder shows only its state; frozen shows its body and "Replies frozen"; deep
    comments fold away their body."""
    if c.state in PLACEHOLDERS:
        assert state_class in classes(leaf)
        assert leaf.css(f"{status}::text").get() == PLACEHOLDERS[c.state]
        assert not leaf.css(article)
        assert "ljuser" not in leaf.get()
        return
    assert not leaf.css(status)
    if c.poster:
        assert leaf.css("span.ljuser::attr(data-ljuser)").get() == c.poster
    else:
        assert "Anonymous" in text(leaf)
    if c.depth > 3:
        assert collapsed in classes(leaf)
        assert not leaf.css(article)
    else:
        assert collapsed not in classes(leaf)
        assert c.body_html in leaf.get()
    if c.state == "frozen":
        assert state_class in classes(leaf)
        assert "Replies frozen" in text(leaf)


@pytest.mark.parametrize("revision", [0, 3])
def test_every_comment_shows_its_state_in_every_skin(revision: int) -> None:
    site = build_site(revision, 60)
    seen_states: set[str] = set()
    pages_seen = 0
    for journal, post in public_with_comments(site):
        pages = max(1, -(-len(threads(post)) // render.COMMENT_THREADS_PER_PAGE))
        for page in range(1, pages + 1):
            _comment_states_agree(site, journal, post, page)
            pages_seen += 1
        seen_states |= {c.state for c in comments_of(post)}
    assert pages_seen > 20
    if revision == 3:
        assert seen_states == {"active", "screened", "deleted", "frozen", "spammed", "suspended"}


def _paged_post(site: Site) -> tuple[Journal, Post]:
    journal = site.journals["bulk_journal"]
    post = next(p for p in journal.public_posts if len(threads(p)) > 10)
    return journal, post


def test_comment_pages_hold_ten_threads_and_link_each_other(site: Site) -> None:
    journal, post = _paged_post(site)
    all_threads = threads(post)
    pages = -(-len(all_threads) // 10)
    assert pages >= 2

    first = Selector(render.post_page(site, journal, post, skin="schemius"))
    hrefs = first.css("ul.b-pager-pages > li.b-pager-page > a::attr(href)").getall()
    assert hrefs == [f"{post.url}?format=light&page={n}#comments" for n in range(1, pages + 1)]
    active = first.css("li.b-pager-page-active a::text").get()
    assert active == "1"

    nojs = Selector(render.post_page(site, journal, post, skin="schemius", nojs=True))
    assert nojs.css("ul.b-pager-pages a::attr(href)").getall()[1] == (
        f"{post.url}?format=light&nojs=1&page=2#comments"
    )

    s2_last = Selector(render.post_page(site, journal, post, skin="s2", comment_page=pages))
    current = s2_last.css("div.comments-pages")[0]
    assert current.css("li.comments-pages-current span::text").get() == str(pages)
    assert current.css("li.comments-pages-prev a::attr(href)").get() == (
        f"{post.url}?page={pages - 1}#comments"
    )
    assert current.css("li.comments-pages-next-dis")
    last_ids = [f"ljcmt{c.talkid}" for t in all_threads[(pages - 1) * 10 :] for c in t]
    assert s2_last.css("div.comment-wrap::attr(id)").getall() == last_ids

    # A page past the end shows the last page.
    beyond = render.post_page(site, journal, post, skin="schemius", comment_page=pages + 5)
    assert site_json(beyond)["Site.page"]["comments_page"] == pages

    aentry = Selector(render.post_page(site, journal, post, skin="aentry", comment_page=2))
    assert aentry.css("ul.b-pager-pages a::attr(href)").getall()[0] == (
        f"{post.url}?page=1#comments"
    )
    assert aentry.css("a.mdspost-comments-controls__count::text").get() == (
        f"{comment_count(post)} comments"
    )


def test_thread_view_shows_the_whole_subtree(site: Site) -> None:
    candidates = [
        (journal, post, c)
        for journal, post in public_with_comments(site)
        for c in comments_of(post)
        if c.depth > 3 and c.state == "active"
    ]
    assert candidates
    journal, post, deep = candidates[0]
    comments = comments_of(post)
    root = next(c for c in comments if c.talkid == deep.parent)
    start = comments.index(root)
    subtree = [root]
    for c in comments[start + 1 :]:
        if c.depth <= root.depth:
            break
        subtree.append(c)

    html = render.post_page(site, journal, post, skin="schemius", thread=root.talkid)
    items = site_json(html)["Site.page"]["comments"]
    assert [i["thread"] for i in items] == [c.talkid for c in subtree]
    deep_item = next(i for i in items if i["thread"] == deep.talkid)
    assert deep_item["collapsed"] == 0 and deep_item["article"] == deep.body_html
    assert not Selector(html).css("ul.b-pager-pages")

    s2 = Selector(render.post_page(site, journal, post, skin="s2", thread=root.talkid))
    assert s2.css("div.comment-wrap::attr(id)").getall() == [f"ljcmt{c.talkid}" for c in subtree]
    assert not s2.css("div.comments-pages")
    assert deep.body_html in s2.css(f"div#ljcmt{deep.talkid} div.comment-text").get("")

    # An unknown thread shows the first page, as if none had been asked for.
    unknown = render.post_page(site, journal, post, skin="schemius", thread=10**9)
    assert unknown == render.post_page(site, journal, post, skin="schemius")

    # On the post page itself the deep comment is folded, with a link to its thread.
    folded = Selector(render.post_page(site, journal, post, skin="schemius", nojs=True))
    leaf = folded.css(f"div#t{deep.talkid}")
    assert "b-leaf-collapsed" in classes(leaf[0])
    assert leaf.css("li.b-leaf-actions-expand a::attr(href)").get() == (
        f"{post.url}?thread={deep.talkid}#t{deep.talkid}"
    )


def test_replies_beyond_two_under_a_collapsed_comment_fold_into_a_more_record(site: Site) -> None:
    """As the real evo_lutio-1179162 page folds six replies after two collapsed ones."""
    journal = site.journals["tea_club"]
    post = journal.by_ditemid[1806]
    comments = {c.talkid: c for c in comments_of(post)}
    parent = comments[1806006]
    replies = [c for c in comments_of(post) if c.parent == parent.talkid]
    assert parent.depth > 3 and len(replies) == 3  # collapsed, with three replies
    folded = [replies[2], *(c for c in comments_of(post) if c.parent == replies[2].talkid)]

    html = render.post_page(site, journal, post, skin="schemius")
    records = site_json(html)["Site.page"]["comments"]
    (more,) = [r for r in records if "more" in r]
    assert (more["parent"], more["level"], more["more"]) == (parent.talkid, 5, len(folded))
    assert more["data"] == str(replies[2].talkid)
    assert more["actions"] == [
        {
            "allowed": 1,
            "href": f"{post.url}?thread={parent.talkid}#t{parent.talkid}",
            "name": "expand",
            "title": "More",
        }
    ]
    listed = [r["thread"] for r in records if "more" not in r]
    assert not {c.talkid for c in folded} & set(listed)
    assert records[records.index(more) - 1]["thread"] == replies[1].talkid  # after the 2nd reply
    # No skin lists them on the post page; the parent's own ?thread= page shows them all.
    for skin in render.SKINS:
        page = render.post_page(site, journal, post, skin=skin)
        thread = render.post_page(site, journal, post, skin=skin, thread=parent.talkid)
        for c in folded:
            assert f"t{c.talkid}" not in page
            assert f"t{c.talkid}" in thread


# ---------------------------------------------------------------- listing pages


ENTRY = "div.entry-wrap.entry-wrap--post > dl.entry.hentry"
SUBJECT_LINK = f"{ENTRY} > dt.entry-title > a.subj-link[rel=bookmark]"


def test_index_pages_list_every_public_post_ten_at_a_time(site: Site) -> None:
    for name in ("bulk_journal", "kelijah", "zloy_odessit", "tea_club", "moskvich"):
        journal = site.journals[name]
        listed: list[str] = []
        for skip in range(0, render.MAX_SKIP + 1, render.INDEX_PAGE_SIZE):
            sel = Selector(render.index_page(site, journal, skip))
            urls_on_page = sel.css(f"{SUBJECT_LINK}::attr(href)")
            assert len(urls_on_page) <= render.INDEX_PAGE_SIZE
            listed += urls_on_page.getall()
        assert listed == [p.url for p in journal.public_posts][: render.MAX_SKIP + 10]
        hidden = {p.url for p in journal.posts if not p.is_public}
        assert not hidden & set(listed)

    journal = site.journals["bulk_journal"]
    first = Selector(render.index_page(site, journal, 0))
    # The real front page's entry (evo_lutio-index).
    entry = first.css(ENTRY)[0]
    newest = journal.public_posts[0]
    assert entry.attrib["id"] == f"post-bulk_journal-{newest.ditemid}"
    date = entry.css("dd.entry-text > dl.vcard.author > dd.entry-date > abbr.updated")
    assert date.attrib["title"] == local_iso(journal, newest.published)
    assert entry.css("dl.vcard.author > dd.username span.ljuser::attr(data-ljuser)").get() == (
        newest.poster
    )
    content = entry.css("dd.entry-text > div.entry-content")
    assert content.css("div.ljtags a[rel=tag]::text").getall() == list(newest.tags)
    count = comment_count(newest)
    comments_link = entry.css("dd.entrymenu li.comments.entrymenu__item > a.btn-comments")
    assert comments_link.attrib["href"] == f"{newest.url}#comments"
    assert text(comments_link) == (
        "Leave a comment" if count == 0 else f"{count} comment{'' if count == 1 else 's'}"
    )
    assert first.css("div.content.hfeed > div.content-inner > ul.page-nav")
    assert first.css("ul.page-nav > li.prev > a.item::attr(href)").get() == (
        "https://bulk-journal.livejournal.com/?skip=10"
    )
    assert first.css("link[rel=next]::attr(href)").get() == (
        "https://bulk-journal.livejournal.com/?skip=10"
    )
    assert first.css("ul.page-nav > li.prev > a.item::text").get() == "Previous 10"
    assert not first.css("ul.page-nav > li.next")
    second = Selector(render.index_page(site, journal, 10))
    assert second.css("ul.page-nav > li.next > a.item::attr(href)").get() == (
        "https://bulk-journal.livejournal.com/"
    )


def test_index_stops_offering_older_pages_at_the_skip_limit() -> None:
    big = build_site(0, 300)
    journal = big.journals["bulk_journal"]
    assert len(journal.public_posts) > 120
    at_limit = Selector(render.index_page(big, journal, render.MAX_SKIP))
    assert len(at_limit.css(ENTRY)) == 10
    assert not at_limit.css("ul.page-nav > li.prev")
    assert at_limit.css("ul.page-nav > li.next > a::attr(href)").get() == (
        "https://bulk-journal.livejournal.com/?skip=90"
    )
    before = Selector(render.index_page(big, journal, 90))
    assert before.css("ul.page-nav > li.prev > a::attr(href)").get().endswith("?skip=100")


def test_listing_pages_link_the_years_with_posts(site: Site) -> None:
    for name in ("bulk_journal", "zloy_odessit", "kelijah"):
        journal = site.journals[name]
        years = sorted({p.published.year for p in journal.public_posts}, reverse=True)
        expected = [f"{journal.url}{y}/" for y in years]
        post = journal.public_posts[0]
        pages = [
            render.index_page(site, journal, 0),
            render.tag_page(site, journal, next(iter(journal.tag_counts)), 0),
            render.year_page(site, journal, years[0]),
            render.post_page(site, journal, post, skin="s2"),
        ]
        for html in pages:
            assert Selector(html).css("ul.calendar-years > li > a::attr(href)").getall() == expected


def test_tag_pages_list_the_tags_public_posts(site: Site) -> None:
    journal = site.journals["bulk_journal"]
    for tag, count in journal.tag_counts.items():
        listed: list[str] = []
        skip = 0
        while skip <= render.MAX_SKIP:
            sel = Selector(render.tag_page(site, journal, tag, skip))
            listed += sel.css("a.subj-link::attr(href)").getall()
            older = sel.css("ul.page-nav > li.prev > a::attr(href)").get()
            if older is None:
                break
            assert older == f"https://bulk-journal.livejournal.com/tag/{tag}?skip={skip + 10}"
            skip += 10
        tagged = [p.url for p in journal.public_posts if tag in p.tags]
        assert listed == tagged[: render.MAX_SKIP + 10]
        assert len(tagged) == count
    english = Selector(render.tag_page(site, site.journals["zloy_odessit"], "english", 0))
    assert english.css("h2.listing-title::text").get() == "Записи з міткою english"


# ---------------------------------------------------------------- calendar


@pytest.mark.parametrize(
    "name", ["zloy_odessit", "kelijah", "tea_club", "moskvich", "bulk_journal"]
)
def test_calendar_covers_every_public_post(site: Site, name: str) -> None:
    journal = site.journals[name]
    public = {p.url for p in journal.public_posts}
    by_url = {p.url: p for p in journal.public_posts}
    from_months: set[str] = set()
    years = sorted({p.published.year for p in journal.public_posts})
    for year in years:
        year_sel = Selector(render.year_page(site, journal, year))
        day_links = year_sel.css("td.has-entries > a::attr(href)").getall()
        counts = [
            int(c.strip("()"))
            for c in year_sel.css("td.has-entries > span.day-count::text").getall()
        ]
        in_year = [p for p in journal.public_posts if p.published.year == year]
        assert sum(counts) == len(in_year)
        assert len(day_links) == len({p.published.date() for p in in_year})
        for month_url in year_sel.css("table.calendar-month caption a::attr(href)").getall():
            month = int(urlsplit(month_url).path.split("/")[2])
            month_sel = Selector(render.month_page(site, journal, year, month))
            posts = month_sel.css("dl.month-days > dd > a::attr(href)").getall()
            from_months |= set(posts)
            for day_url in month_sel.css("dl.month-days > dt > a::attr(href)").getall():
                day = int(urlsplit(day_url).path.split("/")[3])
                day_sel = Selector(render.day_page(site, journal, year, month, day))
                listed = day_sel.css("a.subj-link::attr(href)").getall()
                assert listed
                assert all(by_url[u].published.date().day == day for u in listed)
                times = [by_url[u].published for u in listed]
                assert times == sorted(times)
    assert from_months == public


def test_empty_calendar_pages_render(site: Site) -> None:
    journal = site.journals["zloy_odessit"]
    assert not Selector(render.year_page(site, journal, 1999)).css("table.calendar-month")
    assert not Selector(render.month_page(site, journal, 1999, 2)).css("dl.month-days > dd")
    assert not Selector(render.day_page(site, journal, 1999, 2, 3)).css("dl.entry")


# ---------------------------------------------------------------- feeds


@pytest.mark.parametrize("name", ["zloy_odessit", "tea_club", "bulk_journal"])
def test_feeds_carry_the_newest_public_posts(site: Site, name: str) -> None:
    journal = site.journals[name]
    newest = journal.public_posts[:25]
    ns = {"lj": "http://www.livejournal.org/rss/lj/1.0/", "a": "http://www.w3.org/2005/Atom"}

    channel = etree.fromstring(render.rss(site, journal).encode()).find("channel")
    assert channel is not None
    assert channel.findtext("lj:journal", namespaces=ns) == name
    items = channel.findall("item")
    assert [i.findtext("guid") for i in items] == [p.url for p in newest]
    for item, post in zip(items, newest, strict=True):
        assert item.findtext("lj:reply-count", namespaces=ns) == str(comment_count(post))
        assert item.findtext("lj:security", namespaces=ns) == "public"
        assert [c.text for c in item.findall("category")] == list(post.tags)
        assert item.findtext("description") == post.body_html
        assert re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT", item.findtext("pubDate"))
        poster = item.findtext("lj:poster", namespaces=ns)
        assert poster == (None if post.poster == name else post.poster)

    feed = etree.fromstring(render.atom(site, journal).encode())
    assert feed.findtext("a:id", namespaces=ns) == f"urn:lj:livejournal.com:atom1:{name}"
    entries = feed.findall("a:entry", ns)
    assert [e.findtext("a:id", namespaces=ns) for e in entries] == [
        f"urn:lj:livejournal.com:atom1:{name}:{p.ditemid}" for p in newest
    ]
    first = entries[0]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first.findtext("a:published", namespaces=ns)
    )
    assert first.findtext("a:content", namespaces=ns) == newest[0].body_html


def test_feed_dates_are_utc(site: Site) -> None:
    journal = site.journals["zloy_odessit"]
    promoted = journal.by_ditemid[journal.promoted_ditemid or 0]  # 19:05 at UTC+3
    channel = etree.fromstring(render.rss(site, journal).encode()).find("channel")
    assert channel is not None
    item = next(i for i in channel.findall("item") if i.findtext("guid") == promoted.url)
    assert item.findtext("pubDate") == "Thu, 30 Sep 2021 16:05:00 GMT"


# ---------------------------------------------------------------- error and interstitial pages


def test_locked_post_page_shows_nothing_of_the_post(site: Site) -> None:
    journal, post = next(
        (j, p) for j in site.journals.values() for p in j.posts if not p.is_public and p.title
    )
    html = render.locked_post_page(site, journal, post.ditemid)
    sel = Selector(html)
    assert classes(sel.css("body")[0]) == {"errorpage", "errorpage-protected"}
    assert sel.css("p.b-errorpage-section-text::text").get() == (
        "You must be logged in to view this protected entry."
    )
    assert post.title not in html and post.body_html not in html
    assert site_json(html)["Site.journal"]["username"] == journal.username


def test_not_found_page_escapes_the_url(site: Site) -> None:
    url = 'https://nobody.livejournal.com/<script>alert("x")</script>'
    html = render.not_found_page(site, url)
    sel = Selector(html)
    assert classes(sel.css("body")[0]) == {"errorpage", "errorpage-not_found"}
    assert "<script>alert" not in html
    assert sel.css("span.b-errorpage-url::text").get() == url


@pytest.mark.parametrize(
    ("name", "kind", "sentence"),
    [
        ("gone_away", "deleted", "This journal has been deleted. If you are gone_away, you have"),
        ("purged_user", "purged", "This journal has been deleted and purged."),
        ("banned_user", "suspended", "This journal has been either temporarily or permanently"),
    ],
)
def test_journal_status_pages(site: Site, name: str, kind: str, sentence: str) -> None:
    html = render.journal_status_page(site, site.journals[name])
    sel = Selector(html)
    assert classes(sel.css("body")[0]) == {"errorpage", f"errorpage-{kind}"}
    assert sel.css("p.b-errorpage-section-text::text").get("").startswith(sentence)
    data = site_json(html)
    assert data["Site.journal"]["username"] == name
    assert data["Site.journal"]["is_suspended"] is (kind == "suspended")


def test_active_journals_have_no_status_page(site: Site) -> None:
    with pytest.raises(ValueError, match="kelijah"):
        render.journal_status_page(site, site.journals["kelijah"])


def test_adult_notice_sets_the_cookie_and_returns(site: Site) -> None:
    back = 'https://adult-notes.livejournal.com/?skip=10&x="y"'
    sel = Selector(render.adult_notice_page(back))
    assert sel.css("title::text").get() == "Adult Content Notice"
    # The real notice (rarelitslash-271960-adult-notice): a POST form with `ret` and the button.
    form = sel.css('center > form[method="POST"]')[0]
    assert form.attrib["action"] == "https://www.livejournal.com/misc/adult_explicit.bml"
    assert form.css('input[type="hidden"][name="ret"]::attr(value)').get() == back
    assert form.css('input[type="submit"][name="adult_check"]::attr(value)').get() == (
        "Yes, I am at least 18 years old."
    )
    assert "adult_explicit=1" in form.attrib["onsubmit"]
    assert "domain=.livejournal.com" in form.attrib["onsubmit"]
    assert sel.css("table td h1::text").getall() == ["18", "Adult Content Notice"]
    hostile = Selector(render.adult_notice_page("javascript:alert(1)"))
    assert hostile.css('input[name="ret"]::attr(value)').get() == "https://www.livejournal.com/"


def test_robots_txt_lets_a_crawler_read_public_pages(site: Site) -> None:
    journal = site.journals["zloy_odessit"]
    robots = Protego.parse(render.robots_txt(journal))
    root = journal.url
    for allowed in (
        root,
        f"{root}?skip=20",
        f"{root}330317.html",
        f"{root}330317.html?format=light",
        f"{root}330317.html?format=light&nojs=1&page=2",
        f"{root}330317.html?thread=7000#t7000",
        f"{root}tag/english",
        f"{root}2021/09/30/",
        f"{root}data/rss",
        f"{root}data/atom",
    ):
        assert robots.can_fetch(allowed, "archiver"), allowed
    for refused in (
        f"{root}330317.html?mode=reply",
        f"{root}330317.html?format=light&mode=reply",
        f"{root}330317.html?replyto=7000",
        f"{root}tools/memadd.bml",
    ):
        assert not robots.can_fetch(refused, "archiver"), refused


# ---------------------------------------------------------------- safety and determinism


def test_inline_json_cannot_close_its_script(site: Site) -> None:
    journal, post = seed_post(site)
    nasty = "</script><script>alert(1)</script><!-- \u2028 end"
    hostile = dataclasses.replace(post, title=nasty)
    html = render.post_page(site, journal, hostile, skin="schemius")
    assert "</script><script>alert" not in html
    data = site_json(html)
    assert data["Site.entry"]["title"] == nasty
    assert data["Site.page"]["entry"]["title"] == nasty
    assert Selector(html).css("h1.b-singlepost-title::text").get("").strip() == nasty
    plain = render.post_page(site, journal, post, skin="schemius")
    assert len(Selector(html).css("script")) == len(Selector(plain).css("script"))


def _every_page(site: Site) -> list[str]:
    pages = []
    for name in ("zloy_odessit", "kelijah", "tea_club", "moskvich", "bulk_journal"):
        journal = site.journals[name]
        post = max(journal.public_posts, key=lambda p: len(comments_of(p)))
        when = post.published
        for skin in render.SKINS:
            pages.append(render.post_page(site, journal, post, skin=skin))
        pages += [
            render.post_page(site, journal, post, skin="schemius", nojs=True),
            render.index_page(site, journal, 10),
            render.tag_page(site, journal, next(iter(journal.tag_counts)), 0),
            render.year_page(site, journal, when.year),
            render.month_page(site, journal, when.year, when.month),
            render.day_page(site, journal, when.year, when.month, when.day),
            render.rss(site, journal),
            render.atom(site, journal),
            render.robots_txt(journal),
        ]
    for name in ("gone_away", "purged_user", "banned_user"):
        pages.append(render.journal_status_page(site, site.journals[name]))
    pages.append(render.not_found_page(site, "https://x.livejournal.com/1.html"))
    pages.append(render.adult_notice_page("https://adult-notes.livejournal.com/"))
    return pages


def test_renders_are_byte_identical() -> None:
    first = _every_page(build_site(0, 60))
    second = _every_page(build_site(0, 60))
    assert first == second
    assert all(isinstance(page, str) and page for page in first)


def test_site_json_lines_are_single_line_literals(site: Site) -> None:
    journal = site.journals["bulk_journal"]
    post = max(journal.public_posts, key=lambda p: len(comments_of(p)))
    for skin in render.SKINS:
        html = render.post_page(site, journal, post, skin=skin)
        lines = [line.strip() for line in html.splitlines() if line.strip().startswith("Site.")]
        names = [line.split(" = ", 1)[0] for line in lines]
        assert {"Site.page", "Site.journal", "Site.entry", "Site.current_journal"} <= set(names)
        for line in lines:
            assert line.endswith(";")
        assert site_json(html)["Site.page"]["replycount"] == comment_count(post)
