"""`--public-only`: a handmade archive of public and non-public posts, packaged and served
without the non-public ones, read back with warcio, sqlite3, pywb and a real Datasette."""

from __future__ import annotations

import gzip
import http.client
import io
import json
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from loopback import free_port, wait_until_listening
from test_wacz import fetch, replay_tool, wayback
from warcio.archiveiterator import ArchiveIterator

from archiver import store, urls
from archiver.archive.public import write_public_copy
from archiver.archive.session import ArchiveSession
from archiver.archive.verify import gzip_members
from archiver.archive.wacz import PrivateContentError, write_wacz
from archiver.archive.warc_records import Exchange
from archiver.items import (
    CaptureRef,
    CommentItem,
    CommentPolicyItem,
    ErrorItem,
    JournalItem,
    LockedPostItem,
    MediaItem,
    MediaRef,
    PostItem,
    RecentPostItem,
)
from archiver.store.public_copy import keeps_capture, post_of, private_content, read_visibility

ROOT = Path(__file__).resolve().parents[1]
CREATED = datetime(2024, 5, 6, 7, 8, 10, tzinfo=UTC)
JOURNAL = "diarist"
OWNER = "diarist"  # the account the logged-in run used
ROOT_URL = urls.journal_root(JOURNAL)
P1, P2, P3, P4 = (urls.post_url(JOURNAL, n) for n in (1001, 2002, 3003, 4004))
PICS = "https://ic.pics.livejournal.com/diarist"
SHARED = f"{PICS}/1/shared.jpg"  # shown by P1 (public) and P2 (friends-only)
PUBLIC_PICTURE = f"{PICS}/1/garden.jpg"  # P1 only
PRIVATE_PICTURE = f"{PICS}/2/private.jpg"  # P2 only
COPY_PICTURE = f"{PICS}/3/copy.jpg"  # P1, with the bytes of PRIVATE_PICTURE: a revisit of it
PICTURES = {
    SHARED: b"\xff\xd8\xff shared picture",
    PUBLIC_PICTURE: b"\xff\xd8\xff garden picture",
    PRIVATE_PICTURE: b"\xff\xd8\xff private picture",
    COPY_PICTURE: b"\xff\xd8\xff private picture",
}
# Words that only non-public posts, their comments and a screened comment hold.
SECRETS = ("marmaladeprivate", "quinceprivate", "oldsecretversion", "privatecommentword")
SCREENED = "screenedsecret"
LEFT_OUT_DITEMIDS = {2002, 3003}
# The captures (by name, below) the public copy keeps.
KEPT = {"index", "p1", "a", "c", "a_again", "p4", "p1_again"}


@dataclass
class Built:
    output: Path
    captures: dict[str, CaptureRef] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.output / "archive.db")

    def record_ids(self, names: set[str]) -> set[str]:
        ids = [self.captures[name].capture_id for name in names]
        with self.db() as db:
            marks = ",".join("?" * len(ids))
            rows = db.execute(f"SELECT record_id FROM captures WHERE id IN ({marks})", ids)
            return {row[0] for row in rows}


class Run:
    """One crawl run into the archive, logged out or as OWNER, with pinned fetch times."""

    def __init__(self, built: Built, start: datetime, logged_in_as: str | None) -> None:
        self.built = built
        self.session = ArchiveSession(built.output, [JOURNAL], {}, logged_in_as=logged_in_as)
        self.logged_in_as = logged_in_as
        self.moment = start

    def fetch(
        self,
        name: str,
        url: str,
        body: bytes,
        items: tuple[Any, ...] = (),
        *,
        status: str = "200 OK",
        content_type: str = "text/html; charset=utf-8",
        requisite: bool = False,
    ) -> None:
        self.moment += timedelta(seconds=1)
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        request = f"GET {target} HTTP/1.1\r\nHost: {parts.hostname}\r\n\r\n".encode()
        head = (
            f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        exchange = Exchange(url, request, head + body, self.moment)
        capture = self.session.record_exchange(
            exchange, requisite=requisite, logged_in_as=self.logged_in_as
        )
        self.built.captures[name] = capture
        self.built.urls[name] = url
        if items:
            store.save_page(
                self.session.db,
                items,
                capture.seen_at,
                capture_id=capture.capture_id,
                run_id=self.session.run_id,
            )

    def picture(self, name: str, url: str) -> None:
        """A picture; which post shows it is saved with that post's page (picture_ref)."""
        body = PICTURES[url]
        item = MediaItem(url, "image", 200, "image/jpeg", len(body))
        self.fetch(name, url, body, (item,), content_type="image/jpeg", requisite=True)

    def close(self) -> None:
        self.session.close()


def post(ditemid: int, title: str, body: str, security: str, tags: tuple[str, ...]) -> PostItem:
    return PostItem(
        journal=JOURNAL,
        ditemid=ditemid,
        url=urls.post_url(JOURNAL, ditemid),
        title=title,
        poster=JOURNAL,
        published_text="2024-01-02 10:00:00",
        published="2024-01-02T10:00:00",
        body_html=f"<p>{body}</p>",
        body_text=body,
        tags=tags,
        comment_count=1,
        security=security,
        skin="schemius",
    )


def comment(ditemid: int, talkid: int, text: str, state: str = "active") -> CommentItem:
    return CommentItem(
        journal=JOURNAL,
        ditemid=ditemid,
        talkid=talkid,
        parent_talkid=None,
        depth=1,
        poster="reader",
        subject=None,
        body_html=f"<p>{text}</p>",
        posted_text="2024-01-03 10:00:00",
        posted="2024-01-03T10:00:00Z",
        state=state,
    )


def policy(source: str, screened: bool) -> CommentPolicyItem:
    return CommentPolicyItem(
        JOURNAL, source, True, screened, "all" if screened else None, False, False
    )


def widget(source: str, *listed: tuple[str, str]) -> tuple[RecentPostItem, ...]:
    return tuple(
        RecentPostItem(JOURNAL, source, n, title, url, JOURNAL, "Січень 2", None, 1, False, None)
        for n, (title, url) in enumerate(listed, start=1)
    )


def picture_ref(source: str, url: str, ditemid: int) -> MediaRef:
    return MediaRef(JOURNAL, source, url, "image", ditemid=ditemid)


P1_ITEMS = (
    post(1001, "Open garden", "sunflower season", "public", ("garden",)),
    comment(1001, 11, "a tulip for you"),
    picture_ref(P1, SHARED, 1001),
    picture_ref(P1, PUBLIC_PICTURE, 1001),
    picture_ref(P1, COPY_PICTURE, 1001),
)
P1_PAGE = b"<html><body><h1>Open garden</h1><p>sunflower season</p><p>a tulip</p></body></html>"


def build(output: Path) -> Built:
    built = Built(output)
    # Run 1, logged out: what anyone sees; P2 is a locked page.
    run = Run(built, datetime(2024, 1, 10, 10, 0, tzinfo=UTC), None)
    journal = JournalItem(JOURNAL, ROOT_URL, "active", title="Diarist's days")
    run.fetch("index", ROOT_URL, b"<html>Diarist: Open garden</html>", (journal,))
    items = (*P1_ITEMS, policy(P1, False), *widget(P1, ("Open garden", P1)))
    run.fetch("p1", P1, P1_PAGE, items)
    locked = LockedPostItem(JOURNAL, 2002, P2, "This entry is protected")
    run.fetch("p2_locked", P2, b"<html>This entry is protected</html>", (locked,), status="403")
    run.picture("a", SHARED)
    run.picture("c", PUBLIC_PICTURE)
    run.close()
    # Run 2, logged in as the owner: every post, and the screened comment's text.
    run = Run(built, datetime(2024, 2, 10, 10, 0, tzinfo=UTC), OWNER)
    run.fetch("index_in", ROOT_URL, b"<html>Diarist: Open garden, marmaladeprivate</html>")
    run.fetch("rss_in", urls.rss_url(JOURNAL), b"<rss>quinceprivate</rss>", content_type="text/xml")
    screened = comment(1001, 12, f"{SCREENED} whisper", "screened")
    run.fetch("p1_in", P1, P1_PAGE.replace(b"</body>", b"screenedsecret</body>"), (screened,))
    run.fetch("p1_thread_in", f"{P1}?thread=12", b"<html>screenedsecret</html>", (screened,))
    p2_page = b"<html><p>marmaladeprivate jam</p><p>privatecommentword</p></html>"
    p2_items = (
        post(2002, "Jam", "marmaladeprivate jam", "friends", ("garden", "secret-tag")),
        comment(2002, 21, "privatecommentword here"),
        policy(P2, True),
        *widget(P2, ("Open garden", P1), ("Jam", P2)),
        picture_ref(P2, SHARED, 2002),
        picture_ref(P2, PRIVATE_PICTURE, 2002),
    )
    run.fetch("p2", P2, p2_page, p2_items)
    run.fetch("p2_page2", f"{P2}?page=2", b"<html>privatecommentword</html>")
    run.fetch("p2_again", P2, p2_page)  # the same bytes: a revisit
    error = ErrorItem(f"{P3}?thread=5", "parse", "thread 5 of quinceprivate: no comments")
    run.fetch(
        "p3",
        P3,
        b"<html>quinceprivate</html>",
        (post(3003, "Quince", "quinceprivate", "private", ()), error),
    )
    p4_friends = post(4004, "Fruit", "oldsecretversion", "friends", ("fruit",))
    run.fetch("p4_friends", P4, b"<html>oldsecretversion</html>", (p4_friends,))
    run.picture("a_again", SHARED)  # the same bytes: a revisit, fetched logged in
    run.picture("b", PRIVATE_PICTURE)
    run.picture("d", COPY_PICTURE)  # a revisit of b's record
    run.close()
    # Run 3, logged out: P4 has been made public since.
    run = Run(built, datetime(2024, 3, 10, 10, 0, tzinfo=UTC), None)
    p4 = post(4004, "Fruit", "apricotpublic", "public", ("fruit",))
    run.fetch("p4", P4, b"<html>apricotpublic</html>", (p4,))
    run.fetch("p1_again", P1, P1_PAGE, P1_ITEMS)  # a revisit of run 1's record
    run.close()
    return built


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build(tmp_path_factory.mktemp("public"))


@pytest.fixture(scope="module")
def public_db(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("copy") / "archive.db"
    write_public_copy(built.output / "archive.db", target)
    return target


@pytest.fixture(scope="module")
def public_wacz(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("wacz") / "public.wacz"
    return write_wacz(built.output, target, created=CREATED, public_only=True)


# ---------------------------------------------------------------- the archive as built


def test_the_archive_holds_what_the_tests_leave_out(built: Built) -> None:
    """Else every test below would pass for want of anything to leave out."""
    with built.db() as db:
        security = dict(db.execute("SELECT ditemid, security FROM posts"))
        versions = db.execute("SELECT ditemid, security FROM post_versions").fetchall()
        kinds = {
            name: db.execute(
                "SELECT record_type, logged_in_as FROM captures WHERE id = ?", [c.capture_id]
            ).fetchone()
            for name, c in built.captures.items()
        }
        text = db.execute("SELECT group_concat(body_html) FROM comments").fetchone()[0]
        private = private_content(db)
    assert security == {1001: "public", 2002: "friends", 3003: "private", 4004: "public"}
    assert versions == [(4004, "friends")]
    assert kinds["p2_again"] == ("revisit", OWNER)
    assert kinds["d"] == ("revisit", OWNER)
    assert kinds["p1_again"] == ("revisit", None)
    assert SCREENED in text and "privatecommentword" in text
    assert (private.non_public_posts, private.logged_in_captures) == (2, 12)
    assert private.accounts == (OWNER,)


def test_the_rules_capture_by_capture(built: Built) -> None:
    with built.db() as db:
        seen = read_visibility(db)
        rows = db.execute("SELECT id, url, logged_in_as FROM captures").fetchall()
    assert seen.private_posts == {(JOURNAL, 2002), (JOURNAL, 3003)}
    assert seen.private_media == {PRIVATE_PICTURE}
    kept = {capture_id for capture_id, url, who in rows if keeps_capture(url, who, seen)}
    by_id = {c.capture_id: name for name, c in built.captures.items()}
    # d is kept by its own URL; the revisit rule takes it out afterwards.
    assert {by_id[i] for i in kept} == KEPT | {"d"}
    assert post_of(f"{P2}?thread=7&format=light") == (JOURNAL, 2002)
    assert post_of(ROOT_URL) is None
    assert post_of(SHARED) is None


# ---------------------------------------------------------------- the public database


def test_the_public_copy_keeps_the_public_rows(public_db: Path) -> None:
    with sqlite3.connect(public_db) as db:
        posts = db.execute("SELECT ditemid, capture_id IS NOT NULL FROM posts ORDER BY 1")
        assert posts.fetchall() == [(1001, 1), (4004, 1)]
        assert db.execute("SELECT talkid FROM comments").fetchall() == [(11,)]
        assert db.execute("SELECT count(*) FROM post_versions").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM locked_posts").fetchone() == (0,)
        tags = db.execute("SELECT name FROM tags ORDER BY name").fetchall()
        assert tags == [("fruit",), ("garden",)]
        links = db.execute("SELECT ditemid, url FROM media_links ORDER BY url").fetchall()
        assert links == sorted((1001, url) for url in (SHARED, PUBLIC_PICTURE, COPY_PICTURE))
        media = db.execute("SELECT url, last_capture_id IS NOT NULL FROM media ORDER BY url")
        # The copy's only record was a revisit of the private picture's: it has no body here.
        assert media.fetchall() == [(PUBLIC_PICTURE, 1), (SHARED, 1), (COPY_PICTURE, 0)]
        assert db.execute("SELECT source_url FROM comment_policies").fetchall() == [(P1,)]
        widget_rows = db.execute("SELECT source_url, url FROM recent_posts").fetchall()
        assert widget_rows == [(P1, P1)]
        assert db.execute("SELECT count(*) FROM errors").fetchone() == (0,)
        captured = db.execute("SELECT url, logged_in_as FROM captures ORDER BY id").fetchall()
    assert captured == [
        (ROOT_URL, None),
        (P1, None),
        (SHARED, None),
        (PUBLIC_PICTURE, None),
        (SHARED, OWNER),
        (P4, None),
        (P1, None),
    ]


def test_no_row_of_a_left_out_post_is_in_any_table(public_db: Path) -> None:
    forbidden = (*SECRETS, SCREENED, "2002.html", "3003.html", PRIVATE_PICTURE, "secret-tag")
    with sqlite3.connect(public_db) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = [row[1] for row in db.execute(f"PRAGMA table_info([{table}])")]
            for row in db.execute(f"SELECT * FROM [{table}]"):
                cells = dict(zip(columns, row, strict=True))
                for name, value in cells.items():
                    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                    assert not [word for word in forbidden if word in text], (table, name)
                assert cells.get("ditemid") not in LEFT_OUT_DITEMIDS, table
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_full_text_search_finds_no_left_out_word(public_db: Path) -> None:
    with sqlite3.connect(public_db) as db:

        def match(table: str, word: str) -> list[Any]:
            query = f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?"
            return db.execute(query, [word]).fetchall()

        for word in (*SECRETS, SCREENED):
            assert match("posts", word) == [], word
            assert match("comments", word) == [], word
        assert len(match("posts", "sunflower")) == 1
        assert len(match("posts", "apricotpublic")) == 1
        assert len(match("comments", "tulip")) == 1
        for table in ("posts", "comments"):
            db.execute(f"INSERT INTO {table}_fts ({table}_fts) VALUES ('integrity-check')")


def test_the_file_holds_no_byte_of_a_left_out_word(built: Built, public_db: Path) -> None:
    raw = public_db.read_bytes()
    for word in (*SECRETS, SCREENED):
        assert word.encode() not in raw, word
    assert b"sunflower" in raw
    # What the copy was made from had them all (in its file or its WAL).
    with built.db() as db:
        whole = " ".join(str(row) for row in db.iterdump())
    assert all(word in whole for word in (*SECRETS, SCREENED))
    assert sorted(p.name for p in public_db.parent.iterdir()) == ["archive.db"]


def test_a_second_copy_replaces_the_first(built: Built, tmp_path: Path) -> None:
    target = tmp_path / "archive.db"
    target.write_bytes(b"not a database")
    left_out = write_public_copy(built.output / "archive.db", target)
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT count(*) FROM posts").fetchone() == (2,)
    assert left_out.rows["posts"] == 2
    assert left_out.rows["captures"] == len(built.captures) - len(KEPT)
    assert left_out.rows["comments"] == 2
    assert left_out.rows["tags"] == 1


# ---------------------------------------------------------------- the public WACZ


def wacz_records(wacz: Path) -> list[tuple[str, str, str, str | None, bytes]]:
    """(type, record id, URL, Concurrent-To, payload) of every record of every WARC file."""
    found = []
    with zipfile.ZipFile(wacz) as archive:
        for name in archive.namelist():
            if not name.startswith("archive/"):
                continue
            for record in ArchiveIterator(io.BytesIO(archive.read(name))):
                fields = record.rec_headers
                found.append(
                    (
                        record.rec_type,
                        fields.get_header("WARC-Record-ID"),
                        fields.get_header("WARC-Target-URI") or "",
                        fields.get_header("WARC-Concurrent-To"),
                        record.content_stream().read(),
                    )
                )
    return found


def test_the_wacz_holds_only_kept_records_and_their_requests(
    built: Built, public_wacz: Path
) -> None:
    records = wacz_records(public_wacz)
    answers = {r[1] for r in records if r[0] in ("response", "revisit")}
    assert answers == built.record_ids(KEPT)
    requests = [r for r in records if r[0] == "request"]
    assert sorted(r[3] or "" for r in requests) == sorted(answers)  # one each, no other
    assert {r[0] for r in records} == {"warcinfo", "response", "revisit", "request"}
    for kind, _, url, _, payload in records:
        post = post_of(url)
        assert post is None or post[1] not in LEFT_OUT_DITEMIDS, (kind, url)
        assert url not in (PRIVATE_PICTURE, COPY_PICTURE, urls.rss_url(JOURNAL)), (kind, url)
        for word in (*SECRETS, SCREENED):
            assert word.encode() not in payload, (kind, url, word)


def test_the_kept_records_are_the_archived_bytes(built: Built, public_wacz: Path) -> None:
    with zipfile.ZipFile(public_wacz) as archive:
        packaged = {
            name.removeprefix("archive/"): archive.read(name)
            for name in archive.namelist()
            if name.startswith("archive/")
        }
    warcs = sorted((built.output / "warc").glob("*.warc.gz"))
    # The middle run kept only the picture it fetched again, with its request.
    assert sorted(packaged) == [w.name for w in warcs]
    with built.db() as db:
        for name in KEPT:
            row = db.execute(
                "SELECT warc_file, warc_offset, warc_length FROM captures WHERE id = ?",
                [built.captures[name].capture_id],
            ).fetchone()
            with open(built.output / "warc" / row[0], "rb") as stream:
                stream.seek(row[1])
                member = stream.read(row[2])
            assert member in packaged[row[0]], name
    for warc in warcs:  # every member whole, and the file's first is its warcinfo record
        copy = packaged[warc.name]
        assert copy.startswith(warc.read_bytes()[: next(gzip_members(warc)).end])
        assert gzip.decompress(copy)


def test_the_index_and_pages_name_no_left_out_post(public_wacz: Path) -> None:
    with zipfile.ZipFile(public_wacz) as archive:
        index = archive.read("indexes/index.cdx").decode().splitlines()
        pages = archive.read("pages/pages.jsonl").decode().splitlines()
        package = json.loads(archive.read("datapackage.json"))
    indexed = sorted({json.loads(line.split(" ", 2)[2])["url"] for line in index})
    assert indexed == sorted({ROOT_URL, P1, P4, SHARED, PUBLIC_PICTURE})
    assert len(index) == len(KEPT)
    listed = [json.loads(line) for line in pages[1:]]
    assert [(p["id"], p["url"]) for p in listed] == [
        (f"journal:{JOURNAL}", ROOT_URL),
        (f"post:{JOURNAL}/1001", P1),
        (f"post:{JOURNAL}/4004", P4),
    ]
    assert listed[0]["ts"] == "2024-01-10T10:00:01Z"  # the front page as read logged out
    assert package["public_only"] is True
    assert package["description"] == (
        "2 posts from 1 journals: diarist. Public posts only: non-public posts, screened "
        "comments and pages fetched logged in are left out."
    )


def test_py_wacz_validates_the_public_wacz(public_wacz: Path) -> None:
    done = subprocess.run(
        [replay_tool("wacz"), "validate", "-f", str(public_wacz)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_pywb_replays_the_public_post_and_not_the_others(
    built: Built, public_wacz: Path, tmp_path: Path
) -> None:
    manager = replay_tool("wb-manager")
    for args in (["init", "pub"], ["add", "--unpack-wacz", "pub", str(public_wacz)]):
        done = subprocess.run([manager, *args], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-3000:]
    with wayback(tmp_path, "pub") as base:
        assert fetch(f"{base}/20240310100002id_/{P1}") == (200, P1_PAGE)  # the revisit
        assert fetch(f"{base}/20240110100002id_/{P1}") == (200, P1_PAGE)
        assert fetch(f"{base}/20240310100001id_/{P4}") == (200, b"<html>apricotpublic</html>")
        assert fetch(f"{base}/20240210100010id_/{SHARED}") == (200, PICTURES[SHARED])
        for url in (P2, f"{P2}?page=2", P3, PRIVATE_PICTURE, COPY_PICTURE):
            status, body = fetch(f"{base}/20240210100005id_/{url}")
            assert status == 404, url
            assert b"marmaladeprivate" not in body


# ---------------------------------------------------------------- the commands


def archiver(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_wacz_refuses_an_archive_with_private_content(built: Built, tmp_path: Path) -> None:
    target = tmp_path / "refused.wacz"
    done = archiver("wacz", str(built.output), "--target", str(target))
    assert done.returncode == 2
    assert done.stderr == (
        f"error: {built.output / 'archive.db'} holds 2 non-public posts (friends-only, private, "
        f"custom) and 12 captures fetched logged in (as {OWNER}); a WACZ is made to be shared, and "
        "they would be in it. Give --public-only to leave them out (and the screened comments "
        "and pages that show them), or --include-private to package everything.\n"
    )
    assert not target.exists()
    with pytest.raises(PrivateContentError):
        write_wacz(built.output, target)
    both = archiver("wacz", str(built.output), "--public-only", "--include-private")
    assert both.returncode == 2
    assert "--public-only and --include-private exclude each other" in both.stderr
    assert not target.exists()


def test_wacz_include_private_packages_everything(built: Built, tmp_path: Path) -> None:
    target = tmp_path / "all.wacz"
    done = archiver("wacz", str(built.output), "--target", str(target), "--include-private")
    assert done.returncode == 0, done.stderr
    answers = {r[1] for r in wacz_records(target) if r[0] in ("response", "revisit")}
    assert answers == built.record_ids(set(built.captures))
    with zipfile.ZipFile(target) as archive:
        pages = archive.read("pages/pages.jsonl").decode()
        package = json.loads(archive.read("datapackage.json"))
    assert all(f"post:{JOURNAL}/{n}" in pages for n in (1001, 2002, 3003, 4004))
    assert "public_only" not in package


def test_wacz_public_only_command(built: Built, public_wacz: Path, tmp_path: Path) -> None:
    target = tmp_path / "cli.wacz"
    done = archiver("wacz", str(built.output), "--target", str(target), "--public-only")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(target) as written, zipfile.ZipFile(public_wacz) as pinned:
        assert written.namelist() == pinned.namelist()
        for name in written.namelist():
            if name.startswith(("archive/", "pages/", "indexes/")):
                assert written.read(name) == pinned.read(name), name


@pytest.fixture(scope="module")
def served(built: Built) -> Iterator[str]:
    """`archiver serve OUTPUT --public-only` over a stale public copy: its URL."""
    stale = built.output / "public" / "archive.db"
    stale.parent.mkdir()
    stale.write_bytes(b"a copy from an earlier start")
    port = free_port()
    server = subprocess.Popen(
        [
            *(str(Path(sys.executable).parent / "archiver"), "serve", str(built.output)),
            *("--port", str(port), "--public-only"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_listening(port, server, "datasette")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serve_public_only_serves_the_public_copy(served: str) -> None:
    def rows(path: str) -> list[dict[str, Any]]:
        status, body = fetch(f"{served}{path}")
        assert status == 200, path
        found: list[dict[str, Any]] = json.loads(body)
        return found

    assert sorted(row["ditemid"] for row in rows("/archive/posts.json?_shape=array")) == [
        1001,
        4004,
    ]
    assert [row["talkid"] for row in rows("/archive/comments.json?_shape=array")] == [11]
    assert [r["ditemid"] for r in rows("/archive/posts.json?_shape=array&_search=sunflower")] == [
        1001
    ]
    for word in (*SECRETS, SCREENED):
        assert rows(f"/archive/posts.json?_shape=array&_search={word}") == []
        assert rows(f"/archive/comments.json?_shape=array&_search={word}") == []


def test_serve_public_only_media_route(served: str) -> None:
    def media(url: str) -> tuple[str | None, bytes]:
        connection = http.client.HTTPConnection(urlsplit(served).netloc, timeout=60)
        connection.request("GET", f"/-/archiver/media?url={quote(url, safe='')}")
        response = connection.getresponse()
        return response.getheader("X-Archiver-Media"), response.read()

    assert media(SHARED) == ("archived", PICTURES[SHARED])
    assert media(PUBLIC_PICTURE) == ("archived", PICTURES[PUBLIC_PICTURE])
    for url in (PRIVATE_PICTURE, COPY_PICTURE):
        state, body = media(url)
        assert state == "not archived", url
        assert b"private picture" not in body


def test_a_post_locked_since_it_was_archived_is_left_out(built: Built, tmp_path: Path) -> None:
    source = tmp_path / "archive.db"
    with built.db() as db, sqlite3.connect(source) as copy:
        db.backup(copy)
        later = "2099-01-01T00:00:00Z"
        earlier = "2000-01-01T00:00:00Z"
        for ditemid, seen in ((1001, later), (4004, earlier)):
            copy.execute(
                "INSERT INTO locked_posts (journal, ditemid, url, message, first_seen, last_seen) "
                "VALUES (?, ?, ?, 'You must be logged in to view this protected entry.', ?, ?)",
                [JOURNAL, ditemid, urls.post_url(JOURNAL, ditemid), seen, seen],
            )
    target = tmp_path / "public" / "archive.db"
    write_public_copy(source, target)
    with sqlite3.connect(target) as db:
        kept = {d for (d,) in db.execute("SELECT ditemid FROM posts")}
    assert 1001 not in kept and 4004 in kept
