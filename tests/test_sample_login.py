"""Logging in to the sample LiveJournal: accounts, session cookies, who reads what, expiry."""

from __future__ import annotations

import json
import re
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from http.cookiejar import MozillaCookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from lj_client import RawResponse, fetch, parse_wire
from parsel import Selector

from archiver import urls
from archiver.sample import accounts, render
from archiver.sample.content import Site, build_site, comments_of, iter_manifest
from archiver.sample.faults import FaultOptions
from archiver.sample.render.errors import PROTECTED
from archiver.sample.server import RunningServer, running_server

ZLOY = "zloy_odessit"
LOGIN = "https://www.livejournal.com/login.bml"
READERS = (None, "bystander", "oolong_fan", "tea_lover", "zloy_odessit")
PASSWORDS = {
    "zloy_odessit": "sample-pass-zloy-odessit-1",
    "tea_lover": "sample-pass-tea-lover-2",
    "oolong_fan": "sample-pass-oolong-fan-3",
    "bystander": "sample-pass-bystander-4",
}
ENTRY_LINKS = "dl.entry dt.entry-title a.subj-link::attr(href)"
# The friends-only, private and custom-group posts added for logged-in readers.
FRIENDS_POST = 281932  # on 2018-09-18, beside two public posts
PRIVATE_POST = 282651
CIRCLE_POST = 283260  # custom: "Odesa circle" (tea_lover)
FAMILY_POST = 283405  # custom: "Family" (odessa_mama, who cannot log in)
ICONS = {
    "friends": ("/img/icon_protected.gif", "[friends-only post]"),
    "private": ("/img/icon_private.gif", "[private post]"),
    "custom": ("/img/icon_groups.gif", "[custom friends group post]"),
}
_SITE_LINE = re.compile(r"^\s*Site\.(\w+) = (.*);$", re.M)
_P_BLOCK = re.compile(r"^\s*var p = (.*), i;$", re.M)


# ---------------------------------------------------------------- helpers


def send(
    port: int, method: str, url: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> RawResponse:
    """One request through the server's CONNECT tunnel, as a browser sends it to LiveJournal."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(f"CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n".encode())
    reply = b""
    while b"\r\n\r\n" not in reply:
        reply += sock.recv(1)
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    tls = context.wrap_socket(sock, server_hostname=host)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    tls.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    wire = b""
    while True:
        try:
            piece = tls.recv(65536)
        except (ssl.SSLError, ConnectionError):
            break
        if not piece:
            break
        wire += piece
    tls.close()
    return parse_wire(wire)


def login(port: int, user: str, password: str, **fields: str) -> RawResponse:
    form = urlencode({"user": user, "password": password, **fields}).encode()
    return send(port, "POST", LOGIN, body=form)


def set_cookies(response: RawResponse) -> dict[str, tuple[str, str]]:
    """name -> (value, attributes) of every Set-Cookie header."""
    found = {}
    for key, header in response.headers:
        if key.lower() == "set-cookie":
            pair, _, attributes = header.partition("; ")
            name, _, value = pair.partition("=")
            found[name] = (value, attributes)
    return found


def session_header(response: RawResponse) -> str:
    """The Cookie header a browser sends after that login: the session's three cookies."""
    cookies = set_cookies(response)
    names = ("ljloggedin", "ljmastersession", "ljsession")
    return "; ".join(f"{name}={cookies[name][0]}" for name in names)


def logged_in_as(port: int, reader: str | None) -> dict[str, str]:
    """The request headers of `reader` (none for a logged-out reader), after a real login."""
    if reader is None:
        return {}
    return {"Cookie": session_header(login(port, reader, PASSWORDS[reader]))}


def site_lines(html: str) -> dict[str, Any]:
    found = {
        name: json.loads(value) for name, value in _SITE_LINE.findall(html) if name != "version"
    }
    block = _P_BLOCK.search(html)
    assert block is not None
    found["p"] = json.loads(block.group(1))
    return found


def readable(site: Site, reader: str | None) -> list[dict[str, Any]]:
    """zloy_odessit's posts in `archiver sample-server --manifest --as READER` (public ones for
    a logged-out reader), newest first."""
    records = (
        [r for r in iter_manifest(site) if r["type"] == "post" and r["security"] == "public"]
        if reader is None
        else [r for r in iter_manifest(site, reader) if r["type"] == "post"]
    )
    mine = [r for r in records if r["journal"] == ZLOY]
    return sorted(mine, key=lambda r: (r["published"], r["ditemid"]), reverse=True)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "archiver.cli", "sample-server", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def server() -> Iterator[RunningServer]:
    with running_server() as running:
        yield running


@pytest.fixture(scope="module")
def site() -> Site:
    return build_site()


# ---------------------------------------------------------------- the login form


def test_login_page_is_the_form_with_a_luid_cookie(server: RunningServer) -> None:
    page = send(server.port, "GET", LOGIN)
    assert page.status == 200
    form = Selector(page.text).css("form#login-form")
    assert form.attrib["action"] == LOGIN
    assert form.attrib["method"] == "post"
    names = form.css("input::attr(name)").getall()
    assert {"user", "password", "remember_me", "lj_form_auth"} <= set(names)
    assert form.css("input[name=lj_form_auth]::attr(type)").get() == "hidden"
    assert "luid" in set_cookies(page)
    assert site_lines(page.text)["remote"] is None


@pytest.mark.parametrize("user", sorted(PASSWORDS))
def test_right_password_sets_the_three_session_cookies(server: RunningServer, user: str) -> None:
    answer = login(server.port, user, PASSWORDS[user])
    assert answer.status == 302
    assert answer.header("Location") == urls.journal_root(user)
    cookies = set_cookies(answer)
    userid = accounts.ACCOUNTS[user].userid
    loggedin = re.fullmatch(rf"u{userid}:s(\d+)", cookies["ljloggedin"][0])
    master_format = rf"v1:u{userid}:s(\d+):a([A-Za-z0-9_-]{{16}})//1"
    master = re.fullmatch(master_format, cookies["ljmastersession"][0])
    assert loggedin is not None and master is not None
    assert loggedin.group(1) == master.group(1)
    assert cookies["ljsession"][0] == cookies["ljmastersession"][0]
    for name in ("ljloggedin", "ljmastersession", "ljsession"):
        assert cookies[name][1] == "domain=.livejournal.com; path=/; HttpOnly"
    assert PASSWORDS[user] not in answer.wire.decode("latin-1")


def test_every_login_opens_an_unpredictable_session(server: RunningServer) -> None:
    first = set_cookies(login(server.port, "tea_lover", PASSWORDS["tea_lover"]))
    second = set_cookies(login(server.port, "tea_lover", PASSWORDS["tea_lover"]))
    assert first["ljloggedin"][0] != second["ljloggedin"][0]
    auth = [c["ljmastersession"][0].split(":a")[1] for c in (first, second)]
    assert auth[0] != auth[1]


def test_login_goes_back_to_ret_and_remembers_when_asked(server: RunningServer) -> None:
    post = urls.post_url(ZLOY, FRIENDS_POST)
    answer = login(server.port, "oolong_fan", PASSWORDS["oolong_fan"], ret=post, remember_me="1")
    assert answer.status == 302
    assert answer.header("Location") == post
    _value, attributes = set_cookies(answer)["ljmastersession"]
    # "remember me": a long session, 60 days.
    assert attributes == "domain=.livejournal.com; path=/; max-age=5184000; HttpOnly"
    away = login(server.port, "oolong_fan", PASSWORDS["oolong_fan"], ret="https://evil.example/")
    assert away.header("Location") == urls.journal_root("oolong_fan")


@pytest.mark.parametrize(
    ("user", "password", "error"),
    [
        ("tea_lover", "sample-pass-oolong-fan-3", "Bad password"),
        ("zloy_odessit", "", "Bad password"),
        ("odessa_mama", "anything", "Unknown user"),
        ("nobody_here", "sample-pass-tea-lover-2", "Unknown user"),
    ],
)
def test_wrong_password_gives_the_error_and_no_session(
    server: RunningServer, user: str, password: str, error: str
) -> None:
    answer = login(server.port, user, password)
    assert answer.status == 200
    page = Selector(answer.text)
    assert page.css("div.b-loginform-error::text").get() == error
    assert page.css("form#login-form input[name=user]::attr(value)").get() == user
    assert not {"ljloggedin", "ljmastersession", "ljsession"} & set(set_cookies(answer))
    assert site_lines(answer.text)["remote"] is None


# ---------------------------------------------------------------- which cookie authenticates


def test_master_cookie_needs_its_loggedin_cookie_and_ljsession_works_alone(
    server: RunningServer,
) -> None:
    cookies = set_cookies(login(server.port, "tea_lover", PASSWORDS["tea_lover"]))
    master, loggedin = cookies["ljmastersession"][0], cookies["ljloggedin"][0]
    index = urls.journal_root(ZLOY)

    def remote(cookie: str) -> Any:
        return site_lines(fetch(server.port, index, {"Cookie": cookie}).text)["remote"]

    who = {"username": "tea_lover", "userid": accounts.ACCOUNTS["tea_lover"].userid}
    assert remote(f"ljloggedin={loggedin}; ljmastersession={master}") == who
    assert remote(f"ljsession={master}") == who
    assert remote(f"ljmastersession={master}") is None
    assert remote(f"ljloggedin=u1:s1; ljmastersession={master}") is None
    forged = master.replace(":a", ":aX")
    assert remote(f"ljloggedin={loggedin}; ljmastersession={forged}") is None
    assert remote(f"ljsession={forged}") is None
    # An ljmastersession is tried before ljsession, as LiveJournal does.
    assert remote(f"ljmastersession={forged}; ljsession={master}") is None


# ---------------------------------------------------------------- who reads which posts


@pytest.mark.parametrize("reader", READERS)
def test_index_and_day_pages_list_exactly_the_readers_posts(
    server: RunningServer, site: Site, reader: str | None
) -> None:
    headers = logged_in_as(server.port, reader)
    expected = [r["url"] for r in readable(site, reader)]
    listed: list[str] = []
    for skip in range(0, len(expected) + 10, 10):
        page = fetch(server.port, urls.index_url(ZLOY, skip), headers)
        assert page.status == 200
        listed += Selector(page.text).css(ENTRY_LINKS).getall()
    assert listed == expected
    on_days: set[str] = set()
    days = {r["published"][:10] for r in readable(site, reader)}
    for day in sorted(days):
        year, month, date = (int(part) for part in day.split("-"))
        page = fetch(server.port, urls.day_url(ZLOY, year, month, date), headers)
        on_days.update(Selector(page.text).css(ENTRY_LINKS).getall())
    assert on_days == set(expected)


def test_the_readers_counts(site: Site) -> None:
    """Who reads how many of zloy_odessit's posts, and which non-public ones."""
    hidden = {
        reader: {r["ditemid"] for r in readable(site, reader) if r["security"] != "public"}
        for reader in READERS
    }
    assert len(readable(site, None)) == 37
    assert hidden[None] == hidden["bystander"] == set()
    friends = {281823, 281932, 282168, 282443}
    assert hidden["oolong_fan"] == friends
    assert hidden["tea_lover"] == friends | {CIRCLE_POST}
    private = {7230, PRIVATE_POST, 282904}
    assert hidden["zloy_odessit"] == friends | private | {CIRCLE_POST, FAMILY_POST}
    assert len(readable(site, "zloy_odessit")) == 46


@pytest.mark.parametrize("reader", READERS)
def test_post_pages_open_for_the_reader_and_stay_locked_for_others(
    server: RunningServer, site: Site, reader: str | None
) -> None:
    headers = logged_in_as(server.port, reader)
    allowed = {r["ditemid"]: r["security"] for r in readable(site, reader)}
    for post in site.journals[ZLOY].posts:
        page = fetch(server.port, post.url + "?format=light", headers)
        if post.ditemid not in allowed:
            assert page.status == 403, post.url
            assert PROTECTED in page.text
            assert post.body_html not in page.text
            continue
        assert page.status == 200, post.url
        lines = site_lines(page.text)
        assert lines["entry"]["is_public"] is (post.security == "public")
        assert lines["p"]["remoteUser"] == reader
        icons = Selector(page.text).css(".b-singlepost-about img.i-posticon-security")
        if post.security == "public":
            assert icons == []
        else:
            src, alt = ICONS[post.security]
            assert icons.attrib["src"].endswith(src) and icons.attrib["alt"] == alt


def test_listing_and_feed_mark_the_non_public_posts(server: RunningServer, site: Site) -> None:
    headers = logged_in_as(server.port, "zloy_odessit")
    page = Selector(fetch(server.port, urls.day_url(ZLOY, 2018, 9, 18), headers).text)
    titles = page.css("dl.entry dt.entry-title")
    icons = [t.css("img.i-posticon-security::attr(alt)").get() for t in titles]
    assert icons == [None, None, "[friends-only post]"]
    english = urls.tag_url(ZLOY, "english")
    private = urls.post_url(ZLOY, PRIVATE_POST)
    assert private in Selector(fetch(server.port, english, headers).text).css(ENTRY_LINKS).getall()
    assert private not in Selector(fetch(server.port, english).text).css(ENTRY_LINKS).getall()
    rss = fetch(server.port, urls.rss_url(ZLOY), headers).text
    newest = readable(site, "zloy_odessit")[:25]
    guids = re.findall(r"<guid isPermaLink='true'>([^<]+)</guid>", rss)
    assert guids == [r["url"] for r in newest]
    feed_security = {"custom": "usemask"}
    assert re.findall(r"<lj:security>(\w+)</lj:security>", rss) == [
        feed_security.get(r["security"], r["security"]) for r in newest
    ]
    atom = fetch(server.port, urls.atom_url(ZLOY), headers).text
    assert "<lj:security>usemask</lj:security>" in atom
    logged_out = fetch(server.port, urls.rss_url(ZLOY)).text
    assert set(re.findall(r"<lj:security>(\w+)</lj:security>", logged_out)) == {"public"}


def test_calendar_counts_the_readers_posts(server: RunningServer, site: Site) -> None:
    for reader in ("tea_lover", None):
        headers = logged_in_as(server.port, reader)
        total = 0
        for year in sorted({int(r["published"][:4]) for r in readable(site, reader)}):
            page = Selector(fetch(server.port, urls.year_url(ZLOY, year), headers).text)
            counts = page.css("td.has-entries span.day-count::text").getall()
            total += sum(int(c.strip("()")) for c in counts)
        assert total == len(readable(site, reader))
    november = urls.month_url(ZLOY, 2019, 11)
    month = Selector(fetch(server.port, november, logged_in_as(server.port, "tea_lover")).text)
    assert urls.post_url(ZLOY, CIRCLE_POST) in month.css("dd a::attr(href)").getall()


def test_comment_pages_of_a_friends_post_follow_the_reader(server: RunningServer) -> None:
    post = urls.post_url(ZLOY, FRIENDS_POST)
    thread = comments_of(build_site().journals[ZLOY].by_ditemid[FRIENDS_POST])[0].talkid
    friend = logged_in_as(server.port, "oolong_fan")
    stranger = logged_in_as(server.port, "bystander")
    for query in ("", "?format=light", "?page=2", f"?thread={thread}", "?format=light&nojs=1"):
        assert fetch(server.port, post + query, friend).status == 200, query
        locked = fetch(server.port, post + query, stranger)
        assert locked.status == 403, query
        assert site_lines(locked.text)["remote"]["username"] == "bystander"


def test_the_cache_keeps_each_readers_page(server: RunningServer) -> None:
    url = urls.post_url(ZLOY, FRIENDS_POST)
    owner = logged_in_as(server.port, "zloy_odessit")
    assert fetch(server.port, url).status == 403
    assert fetch(server.port, url, owner).status == 200
    assert fetch(server.port, url).status == 403
    index = urls.journal_root(ZLOY)
    assert site_lines(fetch(server.port, index, owner).text)["remote"]["username"] == ZLOY
    assert site_lines(fetch(server.port, index).text)["remote"] is None


# ---------------------------------------------------------------- every skin, rendered


@pytest.mark.parametrize("skin", render.SKINS)
@pytest.mark.parametrize("ditemid", [FRIENDS_POST, PRIVATE_POST, FAMILY_POST])
def test_every_skin_names_the_reader_and_marks_the_post(
    site: Site, skin: str, ditemid: int
) -> None:
    journal = site.journals[ZLOY].read_by("zloy_odessit")
    post = journal.by_ditemid[ditemid]
    html = render.post_page(site, journal, post, skin=skin)
    lines = site_lines(html)
    assert lines["remote"] == {"username": ZLOY, "userid": 9843211}
    assert lines["p"]["remoteUser"] == ZLOY
    assert lines["entry"]["is_public"] is False
    header = {
        "schemius": ".b-singlepost-about",
        "s2": "dt.entry-title:not(.entry-linkbar)",
        "aentry": "header.aentry-head",
    }[skin]
    icon = Selector(html).css(f"{header} img.i-posticon-security")
    src, alt = ICONS[post.security]
    assert len(icon) == 1
    assert icon.attrib["src"] == f"https://l-stat.livejournal.net{src}"
    assert icon.attrib["alt"] == alt


# ---------------------------------------------------------------- screened comments


def _screened(site: Site, ditemid: int) -> list[Any]:
    post = site.journals[ZLOY].by_ditemid[ditemid]
    return [c for c in comments_of(post) if c.state == "screened"]


@pytest.mark.parametrize("ditemid", [6635, FRIENDS_POST])
def test_the_owner_alone_sees_screened_comments(
    server: RunningServer, site: Site, ditemid: int
) -> None:
    screened = _screened(site, ditemid)
    assert screened
    url = urls.post_url(ZLOY, ditemid) + "?format=light"
    for reader in ("zloy_odessit", "oolong_fan", None):
        page = fetch(server.port, url, logged_in_as(server.port, reader))
        if page.status == 403:
            assert reader is None
            continue
        comments = site_lines(page.text)["page"]["comments"]
        records = {r["dtalkid"]: r for r in comments if "dtalkid" in r}
        for comment in screened:
            record = records[comment.talkid]
            assert record["leafclass"] == "screened"
            if reader == "zloy_odessit":
                assert (record["shown"], record["loaded"]) == (1, 1 if comment.depth <= 3 else 0)
                assert record["uname"] == (comment.poster or "")
                if comment.depth <= 3:
                    assert record["article"] == comment.body_html
            else:
                assert (record["shown"], record["article"], record["uname"]) == (0, None, "")


@pytest.mark.parametrize("skin", render.SKINS)
def test_screened_comments_in_every_skin(site: Site, skin: str) -> None:
    journal = site.journals[ZLOY]
    post = journal.by_ditemid[FRIENDS_POST]
    comment = _screened(site, FRIENDS_POST)[0]
    owner = render.post_page(site, journal.read_by(ZLOY), post, skin=skin, nojs=True)
    friend = render.post_page(site, journal.read_by("oolong_fan"), post, skin=skin, nojs=True)
    text, state, anchor = {
        "schemius": (".b-leaf-article", "b-leaf-screened", f"#t{comment.talkid}"),
        "s2": (".comment-text", "comment-screened", f"#ljcmt{comment.talkid}"),
        "aentry": (".mdspost-comment__body", "mdspost-comment--screened", f"#t{comment.talkid}"),
    }[skin]
    shown, placeholder = Selector(owner).css(anchor), Selector(friend).css(anchor)
    assert state in shown.attrib["class"].split()
    assert state in placeholder.attrib["class"].split()
    assert shown.css(text) and not placeholder.css(text)
    assert comment.body_html in owner
    assert comment.body_html not in friend


# ---------------------------------------------------------------- expiry and revocation


def test_sessions_expire_after_n_requests() -> None:
    with running_server(faults=FaultOptions(expire_session_after=3)) as running:
        headers = logged_in_as(running.port, "zloy_odessit")
        post = urls.post_url(ZLOY, PRIVATE_POST)
        assert [fetch(running.port, post, headers).status for _ in range(3)] == [200, 200, 200]
        after = fetch(running.port, post, headers)
        assert after.status == 403
        assert site_lines(after.text)["remote"] is None
        index = fetch(running.port, urls.journal_root(ZLOY), headers)
        assert site_lines(index.text)["remote"] is None
        again = logged_in_as(running.port, "zloy_odessit")
        assert fetch(running.port, post, again).status == 200
        assert fetch(running.port, post, headers).status == 403


def test_revoking_every_session_at_once(tmp_path: Path) -> None:
    printed = tmp_path / "cookies.txt"
    assert run_cli("--print-cookies", "tea_lover", "--cookies-file", str(printed)).returncode == 0
    with running_server() as running:
        fresh = logged_in_as(running.port, "tea_lover")
        from_file = {"Cookie": _cookie_header(printed)}
        post = urls.post_url(ZLOY, CIRCLE_POST)
        assert fetch(running.port, post, fresh).status == 200
        assert fetch(running.port, post, from_file).status == 200
        running.revoke_sessions()
        assert fetch(running.port, post, fresh).status == 403
        assert fetch(running.port, post, from_file).status == 403
        assert fetch(running.port, post, logged_in_as(running.port, "tea_lover")).status == 200


# ---------------------------------------------------------------- --print-cookies, --manifest --as


def _cookie_header(path: Path) -> str:
    jar = MozillaCookieJar(str(path))
    jar.load()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def test_print_cookies_writes_a_cookies_txt_a_later_server_accepts(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    done = run_cli("--print-cookies", "oolong_fan", "--cookies-file", str(path))
    assert done.returncode == 0, done.stderr
    text = path.read_text("utf-8")
    assert text.startswith("# Netscape HTTP Cookie File\n")
    rows = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    assert [row[5] for row in rows] == ["ljloggedin", "ljmastersession", "ljsession"]
    userid = accounts.ACCOUNTS["oolong_fan"].userid
    for *scope, _name, value in rows:
        assert scope == [".livejournal.com", "TRUE", "/", "FALSE", "2147483647"]
        assert value.startswith((f"v1:u{userid}:s", f"u{userid}:s"))
    assert PASSWORDS["oolong_fan"] not in text
    assert run_cli("--print-cookies", "oolong_fan").stdout == text  # the same session every time
    with running_server() as running:
        headers = {"Cookie": _cookie_header(path)}
        page = fetch(running.port, urls.post_url(ZLOY, FRIENDS_POST), headers)
        assert page.status == 200
        assert site_lines(page.text)["remote"]["username"] == "oolong_fan"
        assert fetch(running.port, urls.post_url(ZLOY, CIRCLE_POST), headers).status == 403


def test_print_cookies_knows_only_sample_accounts() -> None:
    done = run_cli("--print-cookies", "odessa_mama")
    assert done.returncode == 2
    assert "no sample account 'odessa_mama'" in done.stderr


@pytest.mark.parametrize("reader", ["bystander", "tea_lover", "zloy_odessit"])
def test_manifest_as_lists_exactly_what_the_account_may_read(site: Site, reader: str) -> None:
    done = run_cli("--manifest", "--as", reader)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    every = [json.loads(json.dumps(r, ensure_ascii=False)) for r in iter_manifest(site)]
    assert [r for r in records if r["type"] == "journal"] == [
        r for r in every if r["type"] == "journal"
    ]
    posts = [r for r in records if r["type"] == "post"]
    expected = {
        (r["journal"], r["ditemid"])
        for r in every
        if r["type"] == "post"
        and accounts.may_read(r["journal"], r["security"], tuple(r.get("groups", ())), reader)
    }
    assert {(r["journal"], r["ditemid"]) for r in posts} == expected
    mine = {r["ditemid"]: r for r in posts if r["journal"] == ZLOY}
    assert len(mine) == {"bystander": 37, "tea_lover": 42, "zloy_odessit": 46}[reader]
    if reader == "tea_lover":
        assert mine[CIRCLE_POST]["groups"] == ["Odesa circle"]
        assert FAMILY_POST not in mine
    if reader == "zloy_odessit":
        # The owner's pages show screened comments, and with them their authors' userpics.
        talkids = {m["talkid"] for m in mine[6635]["media"]}
        assert {c.talkid for c in _screened(site, 6635) if c.poster} <= talkids
    every_zloy = {r["ditemid"]: r for r in every if r["type"] == "post" and r["journal"] == ZLOY}
    for ditemid, record in mine.items():
        if record["security"] == "public" and reader != "zloy_odessit":
            assert record == every_zloy[ditemid]


def test_manifest_as_needs_a_sample_account() -> None:
    done = run_cli("--manifest", "--as", "nobody_here")
    assert done.returncode == 2
    assert "no sample account" in done.stderr
