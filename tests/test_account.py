"""The user's login, unit by unit: cookies.txt, OUTPUT/.session, redaction, the reader a page
names, a post's security level, and which posts a logged-out listing may mark deleted."""

from __future__ import annotations

import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from handmade import SEED_DITEMID, ZLOY_ROOT, schemius_post, site_script

from archiver import store
from archiver.account.cookies_txt import CookiesFileError, cookies_txt, read_cookies_txt
from archiver.account.session_file import (
    Cookie,
    LoginSession,
    SessionFileError,
    read_session,
    write_session,
)
from archiver.archive.redact import REDACTED, Redactor
from archiver.items import PostItem
from archiver.parse import parse_page
from archiver.parse.site_json import extract_from_html

NOW = 1_700_000_000
MASTER = "v1:u9843211:s417:aXk3Jd9sQmZ0Lw2bRt7Yc//"
LOGGEDIN = "u9843211:s417"

COOKIES_TXT = f"""# Netscape HTTP Cookie File
# exported by a browser

.livejournal.com\tTRUE\t/\tFALSE\t{NOW + 86400}\tljloggedin\t{LOGGEDIN}
#HttpOnly_.livejournal.com\tTRUE\t/\tTRUE\t{NOW + 86400}\tljmastersession\t{MASTER}
.livejournal.com\tTRUE\t/\tFALSE\t{NOW - 5}\tljuniq\texpired-long-ago
www.livejournal.com\tFALSE\t/\tFALSE\t0\tluid\tbrowser-session-cookie
.example.org\tTRUE\t/\tFALSE\t{NOW + 86400}\tsid\tnot-livejournal
"""


def test_cookies_txt_keeps_livejournal_unexpired_cookies_httponly_too(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(COOKIES_TXT)
    cookies = read_cookies_txt(path, NOW)
    assert [(c.name, c.value, c.domain, c.secure) for c in cookies] == [
        ("ljloggedin", LOGGEDIN, ".livejournal.com", False),
        ("ljmastersession", MASTER, ".livejournal.com", True),
        ("luid", "browser-session-cookie", "www.livejournal.com", False),
    ]
    assert cookies[2].expires is None
    # Written back, the file reads the same.
    again = tmp_path / "again.txt"
    again.write_text(cookies_txt(cookies))
    assert read_cookies_txt(again, NOW) == cookies


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (".livejournal.com\tTRUE\t/\tFALSE\n", "line 1: not a cookies.txt line"),
        (".livejournal.com\tTRUE\t/\tFALSE\tsoon\tljloggedin\tx\n", "expiry 'soon'"),
        (".example.org\tTRUE\t/\tFALSE\t0\tsid\tx\n", "no unexpired livejournal.com cookie"),
    ],
)
def test_cookies_txt_that_is_not_one_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(text)
    with pytest.raises(CookiesFileError, match=message):
        read_cookies_txt(path, NOW)


def test_cookie_domains_match_as_a_browser_matches_them() -> None:
    domain = Cookie("ljmastersession", MASTER, ".livejournal.com")
    host_only = Cookie("luid", "x", "www.livejournal.com")
    assert domain.matches("zloy-odessit.livejournal.com") and domain.matches("livejournal.com")
    assert not domain.matches("evil-livejournal.com") and not domain.matches("l-stat.net")
    assert host_only.matches("www.livejournal.com")
    assert not host_only.matches("zloy-odessit.livejournal.com")


SESSION = LoginSession(
    "zloy_odessit",
    (
        Cookie("ljloggedin", LOGGEDIN, ".livejournal.com"),
        Cookie("ljmastersession", MASTER, ".livejournal.com"),
    ),
    "login",
    "2026-12-02T03:00:00Z",
)


def test_session_file_is_mode_0600_and_reads_back(tmp_path: Path) -> None:
    path = write_session(tmp_path / "out", SESSION)
    assert path == tmp_path / "out" / ".session"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert read_session(tmp_path / "out") == SESSION
    assert read_session(tmp_path / "elsewhere") is None
    assert not list((tmp_path / "out").glob("*.partial"))


def test_session_file_readable_by_others_or_damaged_is_refused(tmp_path: Path) -> None:
    path = write_session(tmp_path, SESSION)
    path.chmod(0o644)
    with pytest.raises(SessionFileError, match=r"readable by others.*chmod 600"):
        read_session(tmp_path)
    path.chmod(0o600)
    path.write_text("{not json")
    with pytest.raises(SessionFileError, match=r"cannot be read.*log in again"):
        read_session(tmp_path)


REQUEST = (
    b"GET /123.html HTTP/1.1\r\nHost: zloy-odessit.livejournal.com\r\n"
    b"Cookie: adult_explicit=1; ljloggedin=" + LOGGEDIN.encode() + b"; langpref=en/1; "
    b"ljmastersession=" + MASTER.encode() + b"\r\nAccept: */*\r\n\r\n"
)


def test_redaction_replaces_session_values_and_keeps_every_header_and_name() -> None:
    redacted = Redactor.for_values(SESSION.secret_values).head(REQUEST)
    assert redacted == (
        b"GET /123.html HTTP/1.1\r\nHost: zloy-odessit.livejournal.com\r\n"
        b"Cookie: adult_explicit=1; ljloggedin=REDACTED; langpref=en/1; "
        b"ljmastersession=REDACTED\r\nAccept: */*\r\n\r\n"
    )
    assert MASTER.encode() not in redacted and LOGGEDIN.encode() not in redacted


def test_redaction_of_set_cookie_keeps_attributes_and_the_body() -> None:
    response = (
        b"HTTP/1.1 200 OK\r\nSet-Cookie: ljuniq=abc:0; domain=.livejournal.com\r\n"
        b"set-cookie: ljmastersession="
        + MASTER.encode()
        + b"; domain=.livejournal.com; HttpOnly\r\n"
        b"Set-Cookie: ljdomsess.zloy_odessit=v1:u9:s4:t1:gabc//; path=/\r\n"
        b"Content-Length: 12\r\n\r\nljsession=x1"
    )
    redacted = Redactor().head(response)
    assert redacted == (
        b"HTTP/1.1 200 OK\r\nSet-Cookie: ljuniq=abc:0; domain=.livejournal.com\r\n"
        b"set-cookie: ljmastersession=REDACTED; domain=.livejournal.com; HttpOnly\r\n"
        b"Set-Cookie: ljdomsess.zloy_odessit=REDACTED; path=/\r\n"
        b"Content-Length: 12\r\n\r\nljsession=x1"
    )


def test_redaction_finds_a_session_value_under_another_name_but_leaves_short_flags() -> None:
    redactor = Redactor.for_values({MASTER, "1"})
    head = b"GET / HTTP/1.1\r\nCookie: renamed=" + MASTER.encode() + b"; adult_explicit=1\r\n\r\n"
    assert redactor.head(head) == (
        b"GET / HTTP/1.1\r\nCookie: renamed=" + REDACTED.encode() + b"; adult_explicit=1\r\n\r\n"
    )
    untouched = b"GET / HTTP/1.1\r\nCookie: adult_explicit=1\r\n\r\n"
    assert redactor.head(untouched) is untouched


def test_a_page_names_its_reader_or_no_one() -> None:
    logged_out = site_script(
        extra='\nSite.remote = null;\nvar p = {"remoteUser": null}; for (i in p) Site[i] = p[i];'
    )
    logged_in = site_script(
        extra='\nSite.remote = {"username": "Zloy_Odessit", "userid": 9843211};'
    )
    assert extract_from_html(logged_in).reader == "zloy_odessit"
    assert extract_from_html(logged_in).shows_reader
    out = extract_from_html(logged_out)
    assert out.shows_reader and out.reader is None
    assert not extract_from_html("<rss></rss>").shows_reader


def _post(security_markup: str, is_public: bool | None, body: str = "") -> PostItem:
    """The post of a schemius page with `security_markup` in its header; `is_public` None: the
    entry data does not say."""
    script = site_script().replace(
        ', "is_public": true',
        "" if is_public is None else f', "is_public": {str(is_public).lower()}',
    )
    page = schemius_post(script=script, body=body).replace(
        '<div class="b-singlepost-about">', f'<div class="b-singlepost-about">{security_markup}'
    )
    items = parse_page(
        f"{ZLOY_ROOT}{SEED_DITEMID}.html",
        page.encode(),
        captured_at=datetime(2021, 10, 10, tzinfo=UTC),
    )
    return next(i for i in items if isinstance(i, PostItem))


def _icon(name: str) -> str:
    return f'<img class="i-posticon-security" src="https://l-stat.livejournal.net/img/{name}.gif">'


@pytest.mark.parametrize(
    ("markup", "is_public", "level"),
    [
        ("", True, "public"),
        (_icon("icon_protected"), False, "friends"),
        (_icon("icon_private"), False, "private"),
        (_icon("icon_groups"), False, "custom"),
        ("", False, "protected"),
    ],
)
def test_a_posts_security_level_is_read_off_its_lock_icon(
    markup: str, is_public: bool, level: str
) -> None:
    assert _post(markup, is_public).security == level


def test_only_the_owners_listing_marks_a_non_public_post_deleted(tmp_path: Path) -> None:
    db = store.open_db(tmp_path / "archive.db")
    run = store.start_run(db, "2026-12-02T03:00:00Z", ["zloy_odessit"])
    for ditemid, security in ((100, "public"), (200, "friends"), (300, "private")):
        item = _post("", True)
        store.save_post(
            db,
            PostItem(
                **{
                    **item.__dict__,
                    "ditemid": ditemid,
                    "security": security,
                    "url": f"{ZLOY_ROOT}{ditemid}.html",
                }
            ),
            "2026-12-02T03:00:00Z",
        )
    assert store.count_missing_posts(db, "zloy_odessit", []) == 1
    assert store.mark_missing_posts(db, "zloy_odessit", [], run) == 1
    assert store.count_missing_posts(db, "zloy_odessit", [], by_owner=True) == 2
    marked = db.execute("SELECT ditemid FROM posts WHERE deleted_in_run IS NOT NULL").fetchall()
    assert marked == [(100,)]
    # Nor does a logged-out run plan by them: its listings never show them.
    everything = store.journal_knowledge(db, "zloy_odessit")
    logged_out = store.journal_knowledge(db, "zloy_odessit", public_only=True)
    assert len(everything.newest_first) == 2 and logged_out.newest_first == ()
    assert sum(everything.day_counts.values()) == 2 and logged_out.day_counts == {}


def test_a_post_turning_friends_only_keeps_its_public_version(tmp_path: Path) -> None:
    db = store.open_db(tmp_path / "archive.db")
    public = _post("", True)
    assert store.save_post(db, public, "2026-12-01T00:00:00Z") == "new"
    assert store.save_post(db, public, "2026-12-01T01:00:00Z") == "unchanged"
    locked = _post(_icon("icon_protected"), False)
    assert store.save_post(db, locked, "2026-12-02T00:00:00Z") == "changed"
    assert db.execute("SELECT security FROM posts").fetchall() == [("friends",)]
    versions = db.execute("SELECT version, security, title FROM post_versions").fetchall()
    assert versions == [(1, "public", public.title)]
    assert store.save_post(db, public, "2026-12-03T00:00:00Z") == "changed"
    assert db.execute(
        "SELECT version, security FROM post_versions ORDER BY version"
    ).fetchall() == [(1, "public"), (2, "friends")]


def test_logout_forgets_the_session_file(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from archiver.cli import main

    write_session(tmp_path, SESSION)
    first = CliRunner().invoke(main, ["logout", "--output", str(tmp_path)])
    assert (first.exit_code, first.output) == (0, f"removed {tmp_path / '.session'}\n")
    assert read_session(tmp_path) is None
    again = CliRunner().invoke(main, ["logout", "--output", str(tmp_path)])
    assert (again.exit_code, again.output) == (0, f"no session in {tmp_path}\n")


def test_a_lock_icon_in_the_post_body_is_the_authors_picture_not_the_level() -> None:
    assert _post("", False, body=f"My icon: {_icon('icon_private')}").security == "protected"


def test_the_icon_gives_the_level_when_the_entry_data_says_nothing() -> None:
    assert '"is_public"' not in site_script().replace(', "is_public": true', "")  # as _post does
    assert _post(_icon("icon_groups"), None).security == "custom"


def test_the_session_goes_with_https_requests_to_livejournal_only() -> None:
    from scrapy import Request

    from archiver.crawl.extension import LOGGED_IN_META_KEY
    from archiver.crawl.middlewares import LiveJournalCookiesMiddleware

    middleware = LiveJournalCookiesMiddleware(SESSION)
    request = Request(
        "https://zloy-odessit.livejournal.com/",
        headers={"Cookie": "adult_explicit=1; ljloggedin=old"},
    )
    middleware.process_request(request)
    assert request.headers["Cookie"] == (
        "adult_explicit=1; adult_concepts=1; "
        f"ljloggedin={LOGGEDIN}; ljmastersession={MASTER}".encode()
    )
    assert request.meta[LOGGED_IN_META_KEY] == "zloy_odessit"
    plain = Request("http://pics.livejournal.com/x.jpg")
    middleware.process_request(plain)
    assert plain.headers["Cookie"] == b"adult_explicit=1; adult_concepts=1"
    assert LOGGED_IN_META_KEY not in plain.meta
    elsewhere = Request("https://l-stat.livejournal.net/a.css")
    middleware.process_request(elsewhere)
    assert "Cookie" not in elsewhere.headers and LOGGED_IN_META_KEY not in elsewhere.meta


def test_a_session_value_anywhere_in_a_head_is_redacted() -> None:
    head = (
        b"HTTP/1.1 302 Found\r\nLocation: https://zloy-odessit.livejournal.com/__setdomsess?v="
        + MASTER.encode()
        + b"\r\nX-Other: "
        + MASTER.encode()
        + b"\r\n\r\nbody "
        + MASTER.encode()
    )
    redacted = Redactor.for_values({MASTER}).head(head)
    assert redacted == (
        b"HTTP/1.1 302 Found\r\nLocation: https://zloy-odessit.livejournal.com/__setdomsess?v="
        b"REDACTED\r\nX-Other: REDACTED\r\n\r\nbody " + MASTER.encode()
    )


def test_a_crawl_with_the_session_checks_certificates_unless_through_a_proxy(
    tmp_path: Path,
) -> None:
    from archiver.crawl.run import (
        VERIFYING_CONTEXT_FACTORY,
        crawl_settings,
        verify_certificates_with_a_session,
    )

    name = "DOWNLOADER_CLIENTCONTEXTFACTORY"
    logged_out = crawl_settings(tmp_path)
    verify_certificates_with_a_session(logged_out)
    assert logged_out.get(name) != VERIFYING_CONTEXT_FACTORY
    write_session(tmp_path, SESSION)
    direct = crawl_settings(tmp_path)
    verify_certificates_with_a_session(direct)
    assert direct.get(name) == VERIFYING_CONTEXT_FACTORY
    proxied = crawl_settings(tmp_path, "http://127.0.0.1:8765")
    verify_certificates_with_a_session(proxied)
    assert proxied.get(name) != VERIFYING_CONTEXT_FACTORY
    chosen = crawl_settings(tmp_path, overrides={name: "my.Factory"})
    verify_certificates_with_a_session(chosen)
    assert chosen.get(name) == "my.Factory"
