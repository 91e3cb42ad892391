"""The parser's parts on small inputs: Site JSON, skins, text, comments JSON, feeds, errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin

import pytest
from handmade import ZLOY_ROOT, schemius_post, site_script
from parse_support import FIXTURES
from parsel import Selector

from archiver import urls
from archiver.items import CommentItem, JournalItem, PageLinks, PostItem
from archiver.parse import ParseError, parse_page
from archiver.parse.markup import decode_body, html_to_text, inner_html
from archiver.parse.site_json import SiteData, as_int, extract, extract_from_html
from archiver.parse.skin import detect_skin

SEEN = datetime(2021, 10, 10, 12, 0, tzinfo=UTC)
REAL = FIXTURES / "real"


def parse(url: str, body: str | bytes, **kwargs: object) -> list[object]:
    data = body.encode() if isinstance(body, str) else body
    return list(parse_page(url, data, captured_at=SEEN, **kwargs))  # type: ignore[arg-type]


# ---------------------------------------------------------------- Site.* JSON


def test_site_json_from_raw_text_matches_the_real_pages() -> None:
    text = (REAL / "kelijah-266132" / "page.html").read_text("utf-8")
    site = extract_from_html(text)
    assert site.journal["id"] == 7519330
    assert site.journal["journal_title"] == "Компьютерная лингвистика"
    assert site.entry["ditemid"] == 266132
    assert site.entry["is_public"] is True
    assert site.page_value("replycount") == 3
    assert site.page_value("LJ_cmtinfo")["71572"]["parent"] == 71316
    assert site.current_journal["journaltype"] == "P"
    assert site.name("currentJournal") == "kelijah"
    assert site.name("currentEntry") == "https://kelijah.livejournal.com/266132.html"
    assert site.page_value("template") == {}


def test_site_json_later_assignments_and_bad_literals() -> None:
    site = extract(
        [
            'Site = window.Site || {}; Site.page = {"replycount": 2, "comments": []};',
            'Site.page.comments = [{"thread": 5}]; Site.timer = +(new Date());',
            "Site.entry = {broken json; Site.remote = null; Site.version = '375.1';",
            'var notsite = 1; mySite.page = {"x": 1};',
        ]
    )
    assert site.page_value("comments") == [{"thread": 5}]
    assert site.page_value("replycount") == 2
    assert site.entry == {}
    assert site.values.get("page.x") is None
    assert not SiteData()
    assert as_int("42") == 42 and as_int(True) is None and as_int(3.0) == 3 and as_int("x") is None


# ---------------------------------------------------------------- skins


@pytest.mark.parametrize(
    ("folder", "file", "skin"),
    [
        ("kelijah-266579", "page.html", "schemius"),
        ("kelijah-266132", "page.html", "s2"),
    ],
)
def test_skin_of_the_real_pages(folder: str, file: str, skin: str) -> None:
    text = (REAL / folder / file).read_text("utf-8")
    sel = Selector(text=text)
    assert (
        detect_skin("https://kelijah.livejournal.com/1.html", sel, extract_from_html(text)).name
        == skin
    )


def test_skin_of_the_451_page() -> None:
    raw = (REAL / "alstrangers-error451-1" / "response.http").read_bytes().split(b"\r\n\r\n", 1)[1]
    sel = Selector(text=raw.decode())
    detected = detect_skin("http://alstrangers.livejournal.com/", sel, SiteData())
    assert (detected.name, detected.error_kind) == ("error", "region_block")


# ---------------------------------------------------------------- text


def test_html_to_text_breaks() -> None:
    sel = Selector(
        text="<div id=x> a  <b>bold</b>\n text<br/>next line<br><br>para"
        "<p>in p</p>after p<ul><li>one</li><li>two</li></ul>"
        "<pre>  code\n    indented</pre><script>no()</script><!-- no --> end &amp; done</div>"
    )
    element = sel.css("#x")[0].root
    assert html_to_text(element) == (
        "a bold text\nnext line\n\npara\n\nin p\n\nafter p\n\none\ntwo\n\n"
        "  code\n    indented\n\nend & done"
    )
    assert inner_html(element).startswith("a  <b>bold</b>")


def test_decode_body_charsets() -> None:
    page = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'
    assert "Привет" in decode_body(page.encode("cp1251"), None)
    assert "Привет" in decode_body(page.encode("cp1251"), "text/html; charset=windows-1251")
    assert "Привет" in decode_body(b"\xef\xbb\xbf" + "Привет".encode(), None)
    assert decode_body(b"caf\xe9", "text/html; charset=nonsense") == "caf\ufffd"


# ---------------------------------------------------------------- comments from JSON and markup


def test_schemius_comments_json_with_states_and_more() -> None:
    page = {
        "replycount": 2,
        "comments": [
            {"thread": 101, "parent": 0, "level": 1, "uname": "alice", "subject": "Hi",
             "article": "first<br>line", "ctime": "January 3 2020, 12:15:00 UTC",
             "ctime_ts": 1578053700, "leafclass": ""},
            {"thread": 102, "parent": 101, "level": 2, "leafclass": "screened", "collapsed": 1},
            {"thread": 103, "parent": 101, "level": 2, "uname": "", "collapsed": 1,
             "ctime": "January 3 2020, 13:00:00 UTC",
             "thread_url": f"{ZLOY_ROOT}7.html?thread=103#t103"},
            {"thread": 104, "parent": 0, "level": 1, "uname": "bob", "deleted": 1},
            {"type": "more", "parent": 101, "level": 2,
             "actions": [{"name": "expand", "href": f"{ZLOY_ROOT}7.html?thread=101#t101"}]},
        ],
    }  # fmt: skip
    items = parse(
        f"{ZLOY_ROOT}7.html?format=light", schemius_post(script=site_script(ditemid=7, page=page))
    )
    comments = [i for i in items if isinstance(i, CommentItem)]
    assert [(c.talkid, c.parent_talkid, c.depth, c.state, c.collapsed) for c in comments] == [
        (101, None, 1, "active", False),
        (102, 101, 2, "screened", False),
        (103, 101, 2, "active", True),
        (104, None, 1, "deleted", False),
    ]
    first = comments[0]
    assert (first.poster, first.subject, first.body_html) == ("alice", "Hi", "first<br>line")
    assert (first.posted_text, first.posted) == (
        "January 3 2020, 12:15:00 UTC",
        "2020-01-03T12:15:00+00:00",
    )
    assert comments[2].poster is None and comments[2].posted == "2020-01-03T13:00:00+00:00"
    assert comments[3].body_html is None
    (links,) = [i for i in items if isinstance(i, PageLinks)]
    assert links.comment_page_urls == (
        f"{ZLOY_ROOT}7.html?format=light&thread=103",
        f"{ZLOY_ROOT}7.html?format=light&thread=101",
    )


def test_s2_comment_with_subject_anonymous_and_placeholder() -> None:
    comments_html = """
<div class="comment-wrap" id="ljcmt11" style="margin-left:0px;"><a name="t11"></a>
 <div class="comment-head odd"><div class="comment-head-in">
  <div class="comment-poster-info"><span class="comment-anonymous">Anonymous</span></div>
  <div class="comment-subject">Re: question</div>
  <div class="comment-metadata"><span class="comment-datetimelink">
   <a class="comment-permalink" href="?thread=11#t11"><span>2020-01-03 09:05 am (UTC)</span></a>
  </span></div></div></div>
 <div class="comment-text">Who <span class="ljuser" data-ljuser="carol">carol</span>?</div>
</div>
<div class="comment-wrap" id="ljcmt12" style="margin-left:25px;"><a name="t12"></a>
 <div class="comment-head even"><div class="comment-head-in">
  <span class="comment-status">Deleted comment</span></div></div>
</div>
<div class="comment-wrap" id="ljcmt13" style="margin-left:50px;">
 <div class="comment-head"><div class="comment-poster-info"><span class="ljuser" data-ljuser="dave">dave</span></div>
 <a class="comment-permalink" href="#"><span>2020-01-03 10:00 pm (UTC)</span></a></div>
</div>"""  # noqa: E501
    page = f"""<html class="html-s2-no-adaptive"><body>
<div class="entry-wrap"><dl class="entry hentry" id="post-zloy_odessit-7">
<dt class="entry-title">A title</dt><dd class="entry-text">
<dd class="entry-date"><abbr class="updated" title="2020-01-03T09:00:00+02:00">03 січня 2020, 09:00</abbr></dd>
<div class="entry-content">Body</div></dd></dl></div>
<div id="comments"><span class="comments-count">1 коментар</span>{comments_html}</div>
</body></html>"""  # noqa: E501
    items = parse(f"{ZLOY_ROOT}7.html", page)
    (post,) = [i for i in items if isinstance(i, PostItem)]
    assert (post.journal, post.ditemid, post.comment_count) == ("zloy_odessit", 7, 1)
    assert (post.published_text, post.published) == (
        "03 січня 2020, 09:00",
        "2020-01-03T09:00:00+02:00",
    )
    first, deleted, folded = [i for i in items if isinstance(i, CommentItem)]
    assert (first.poster, first.subject, first.posted) == (
        None,
        "Re: question",
        "2020-01-03T09:05:00+00:00",
    )
    assert "carol" in (first.body_html or "")
    assert (deleted.state, deleted.parent_talkid, deleted.depth, deleted.body_html) == (
        "deleted",
        11,
        2,
        None,
    )
    assert (folded.poster, folded.depth, folded.parent_talkid, folded.collapsed) == (
        "dave",
        3,
        12,
        True,
    )
    assert folded.posted == "2020-01-03T22:00:00+00:00"


# ---------------------------------------------------------------- feeds


def test_rss_with_the_other_reply_count_spelling() -> None:
    rss = f"""<?xml version="1.0" encoding="windows-1251"?>
<rss version="2.0" xmlns:lj="http://www.livejournal.org/rss/lj/1.0/">
<channel><title>Злой одессит</title><lj:journal>zloy_odessit</lj:journal>
<lj:journalid>9843211</lj:journalid><lj:journaltype>personal</lj:journaltype>
<item><guid isPermaLink="true">{ZLOY_ROOT}7.html</guid><link>{ZLOY_ROOT}7.html</link>
<lj:replycount>4</lj:replycount></item>
<item><guid isPermaLink="true">{ZLOY_ROOT}9.html</guid></item>
<item><link>https://other.livejournal.com/profile</link></item>
</channel></rss>"""
    journal, links = parse(f"{ZLOY_ROOT}data/rss", rss.encode("cp1251"))
    assert journal == JournalItem(
        username="zloy_odessit",
        url=ZLOY_ROOT,
        status="active",
        journal_id=9843211,
        title="Злой одессит",
        journal_type="personal",
    )
    assert links == PageLinks(
        source_url=f"{ZLOY_ROOT}data/rss",
        kind="rss",
        post_urls=(f"{ZLOY_ROOT}7.html", f"{ZLOY_ROOT}9.html"),
        comment_counts={f"{ZLOY_ROOT}7.html": 4},
    )


def test_a_feed_url_answering_html_is_parsed_as_html() -> None:
    body = schemius_post().replace("<body>", '<body class="errorpage errorpage-deleted">')
    body = body.replace("Afghan Trap 2.0", "This journal has been deleted.")
    (journal,) = parse(f"{ZLOY_ROOT}data/rss", body, status=410, content_type="text/xml")
    assert isinstance(journal, JournalItem) and journal.status == "deleted"


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("url", "body", "kwargs", "reason"),
    [
        (f"{ZLOY_ROOT}7.html", b"", {}, "empty body"),
        (f"{ZLOY_ROOT}7.html", b"   \n", {}, "empty body"),
        (f"{ZLOY_ROOT}robots.txt", b"User-agent: *\nDisallow:", {}, "neither HTML nor a feed"),
        (f"{ZLOY_ROOT}7.html", b"<html><body>Moved</body></html>", {"status": 301}, "redirect"),
        (f"{ZLOY_ROOT}7.html", b"<html><body>Oops</body></html>", {"status": 500}, "HTTP 500"),
        (f"{ZLOY_ROOT}7.html", b"<html><body><p>Hello</p></body></html>", {}, "no post found"),
        (f"{ZLOY_ROOT}profile", b"<html><body><p>Hello</p></body></html>", {}, "not a page"),
        (f"{ZLOY_ROOT}data/rss", b"<?xml version='1.0'?><opml/>", {}, "not an RSS or Atom"),
        (
            f"{ZLOY_ROOT}",
            b'<html><body class="errorpage errorpage-weird"><p>?</p></body></html>',
            {"status": 500},
            "unknown LiveJournal error page",
        ),
    ],
)
def test_parse_errors_name_the_url_and_the_reason(
    url: str, body: bytes, kwargs: dict[str, object], reason: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse(url, body, **kwargs)
    assert url in str(caught.value)
    assert reason in str(caught.value)
    assert caught.value.url == url
    assert isinstance(caught.value, ValueError)


def test_a_post_page_without_a_body_is_an_error() -> None:
    page = schemius_post().replace("b-singlepost-body", "b-something-else")
    with pytest.raises(ParseError, match="no post body"):
        parse(f"{ZLOY_ROOT}7.html", page)


def test_locked_post_in_a_journal_style() -> None:
    page = (
        "<html><body><div class='entry-wrap'><p>You must be logged in to view this protected "
        "entry.</p></div></body></html>"
    )
    (locked,) = parse(f"{ZLOY_ROOT}7.html", page, status=200)
    assert locked.message == "You must be logged in to view this protected entry."  # type: ignore[attr-defined]


def test_profile_page_with_site_json_gives_the_journal() -> None:
    page = f"<html><body><p>profile</p>{site_script(ditemid=None)}</body></html>"
    (journal,) = parse(f"{ZLOY_ROOT}profile", page)
    assert isinstance(journal, JournalItem) and journal.journal_id == 9843211


def test_an_unknown_skin_names_the_markers_it_saw() -> None:
    page = (
        b'<html class="html-weird"><body class="s-newscheme logged-out"><div class="post">'
        b'<p>Hello</p></div><script>Site.page = {"scheme": "newscheme"};</script>'
        b"</body></html>"
    )
    with pytest.raises(ParseError) as caught:
        parse(f"{ZLOY_ROOT}7.html", page)
    message = str(caught.value)
    assert f"{ZLOY_ROOT}7.html" in message and "no post found in the unknown markup" in message
    assert "body class 's-newscheme logged-out'" in message and "html class 'html-weird'" in message
    assert "skin classes none" in message and "Site.page.scheme 'newscheme'" in message
    assert "Site objects page" in message


@pytest.mark.parametrize("where", ["Site.page", "var"])
def test_s2_posters_come_from_lj_cmtinfo_whatever_the_theme_prints(where: str) -> None:
    """Another S2 theme: the poster sits in markup the parser has no selector for; LJ_cmtinfo
    (in Site.page, or in a variable of its own on older pages) names each commenter, an
    anonymous one with an empty name, an OpenID one as ext_NNN."""

    def wrap(talkid: int, margin: int, who: str) -> str:
        return (
            f'<div class="comment-wrap" id="ljcmt{talkid}" style="margin-left:{margin}px;">'
            f'<div class="talk-comment-head"><b>{who}</b>'
            f'<a class="comment-permalink" href="?thread={talkid}">2020-01-03 10:00 pm (UTC)</a>'
            f'</div><div class="comment-text">text {talkid}</div></div>'
        )

    info = {
        "21": {"parent": None, "u": "alice", "depth": 1, "full": 1, "username": "alice"},
        "22": {"parent": 21, "u": "", "depth": 2, "full": 1, "username": ""},
        "23": {"parent": 21, "u": "ext_1234", "depth": 2, "full": 1, "username": "ext_1234"},
    }
    script = (
        "Site.page = " + json.dumps({"LJ_cmtinfo": info, "replycount": 3}) + ";"
        if where == "Site.page"
        else "var LJ_cmtinfo = " + json.dumps(info) + ";"
    )
    page = f"""<html class="html-s2-no-adaptive"><body>
<div class="entry-wrap"><dl class="entry hentry" id="post-zloy_odessit-7">
<dt class="entry-title">A title</dt><dd class="entry-text">
<dd class="entry-date"><abbr class="updated" title="2020-01-03T09:00:00+02:00">x</abbr></dd>
<div class="entry-content">Body</div></dd></dl></div>
<div id="comments">{wrap(21, 0, "alice")}{wrap(22, 25, "Anonymous")}
{wrap(23, 25, "bob.example.org")}</div><script>{script}</script></body></html>"""
    comments = [i for i in parse(f"{ZLOY_ROOT}7.html", page) if isinstance(i, CommentItem)]
    assert [(c.talkid, c.parent_talkid, c.depth, c.poster) for c in comments] == [
        (21, None, 1, "alice"),
        (22, 21, 2, None),
        (23, 21, 2, "ext_1234"),
    ]


def test_the_horizon_scheme_is_read_like_lynx() -> None:
    """The other pre-2013 light scheme: `body.s-horizon`, the date in a span, labels in Russian."""
    page = """<html><head><title>Test</title></head><body class="s-horizon logged-out">
<div class="b-singlepost"><table class="b-singlepost-author"><tr>
<td class="b-singlepost-author-userinfo"><span class='ljuser' lj:user='zloy_odessit'>
<a href='https://zloy-odessit.livejournal.com/'><b>zloy_odessit</b></a></span> wrote,<br/>
<span class="b-singlepost-author-date">2009-03-01 10:05:00</span></td></tr></table>
<ul class="b-singlepost-meta">
<li class="b-singlepost-meta-item"><strong class="b-singlepost-meta-title"><b>Настроение:</b>
</strong> бодрое</li>
<li class="b-singlepost-meta-item"><strong class="b-singlepost-meta-title"><b>Музыка:</b>
</strong> Шопен</li></ul>
<h1 class="b-singlepost-title">Старое</h1>
<div class="b-singlepost-body">Текст</div>
<div class="b-singlepost-tags ljtags">Tags: <a href="/tag/old">old</a></div></div>
</body></html>"""
    (post,) = [i for i in parse(f"{ZLOY_ROOT}7.html?format=light", page) if isinstance(i, PostItem)]
    assert (post.skin, post.poster, post.title, post.body_html) == (
        "horizon",
        "zloy_odessit",
        "Старое",
        "Текст",
    )
    assert (post.published_text, post.published) == ("2009-03-01 10:05:00", "2009-03-01T10:05:00")
    assert (post.mood, post.music, post.location, post.tags) == ("бодрое", "Шопен", None, ("old",))


@pytest.mark.parametrize("body_class", ["lynx", "layout-horizon", "page-lynx s2"])
def test_only_scheme_classes_name_an_old_scheme(body_class: str) -> None:
    page = f'<html><body class="{body_class}"><div class="b-singlepost">x</div></body></html>'
    sel = Selector(text=page)
    assert detect_skin(f"{ZLOY_ROOT}7.html", sel, extract([])).name not in ("lynx", "horizon")


@pytest.mark.parametrize(
    "base", ["https://a.livejournal.com/1.html", "http://a.livejournal.com/x/", "https://b.com/"]
)
def test_joining_an_href_is_urljoin_without_the_fragment_cached_or_not(base: str) -> None:
    hrefs = [
        " https://x.livejournal.com/a?#f",
        "http://y.com/b?",
        "https://z.com//q/../r",
        "HTTPS://q.com/",
        "http://h.com:80/p;x?y#z",
        "/rel",
        "../up",
        "//proto.com/x",
        "?q",
    ]
    for href in hrefs:
        assert urls.join(base, href) == urldefrag(urljoin(base, href.strip())).url, href


def test_site_json_names_inside_longer_names_are_not_assignments() -> None:
    script = (
        'mySite.entry = {"a": 1}; window.Site.journal = {"b": 2}; Site_x.page = {"c": 3};'
        ' Site.page = {"d": 4}; javar p = {"e": 5}; var p = {"f": 6}; for (i in p) Site[i] = p[i];'
    )
    site = extract([script])
    assert dict(site.values) == {"page": {"d": 4}}
    assert dict(site.p) == {"f": 6}
