"""store.py against real SQLite files: idempotent saves, history tables, search, migrations."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from archiver import store
from archiver.items import (
    CommentItem,
    CommentPolicyItem,
    JournalItem,
    LockedPostItem,
    MediaRef,
    PostItem,
    RecentPostItem,
)

SCHEMA_FIXTURE = Path(__file__).parent / "fixtures" / "schema.sql"
REGENERATE = (
    '.venv/bin/python -c "from archiver import store; '
    "print(store.schema_sql(store.open_db(':memory:')), end='')\" > tests/fixtures/schema.sql"
)

T1 = "2024-10-01T10:00:00+00:00"
T2 = "2024-10-02T10:00:00+00:00"
T3 = "2024-10-03T10:00:00+00:00"
JOURNAL = "zloy_odessit"
PAGE = "https://zloy-odessit.livejournal.com/1234567.html"

POST = PostItem(
    journal=JOURNAL,
    ditemid=1234567,
    url=PAGE,
    title="The Taliban and the CSTO",
    poster=JOURNAL,
    published_text="July 9th, 2021, 12:47 pm",
    published="2021-07-09T12:47:00",
    body_html="<p>Sergey Lavrov recently voiced a promise to Tajikistan.</p>",
    body_text="Sergey Lavrov recently voiced a promise to Tajikistan.",
    tags=("english",),
    comment_count=3,
    security="public",
    skin="schemius",
)

WIDGET = [
    RecentPostItem(
        journal=JOURNAL,
        source_url=PAGE,
        position=1,
        title="Поездка в Азербайджан",
        url="https://zloy-odessit.livejournal.com/1234000.html",
        author=JOURNAL,
        date_text="Вересень 30, 19:05",
        date="2024-09-30T19:05:00",
        comment_count=18,
        promoted=True,
        price_tokens=50,
        excerpt="Это первое видео из цикла, посвященного моей поездке в Азербайджан.",
    ),
    RecentPostItem(
        journal=JOURNAL,
        source_url=PAGE,
        position=2,
        title="Ещё одна запись",
        url="https://zloy-odessit.livejournal.com/1233000.html",
        author=JOURNAL,
        date_text="Вересень 28, 08:00",
        date="2024-09-28T08:00:00",
        comment_count=4,
        promoted=False,
        price_tokens=None,
    ),
]

POLICY = CommentPolicyItem(
    journal=JOURNAL,
    source_url=PAGE,
    anonymous_allowed=False,
    screened=True,
    screened_scope="all",
    ip_recorded=True,
    comments_disabled=False,
)

COMMENT = CommentItem(
    journal=JOURNAL,
    ditemid=POST.ditemid,
    talkid=101,
    parent_talkid=None,
    depth=0,
    poster="reader_one",
    subject="Afghanistan again",
    body_html="<p>Battalions for foreign deployment, indeed.</p>",
    posted_text="July 9 2021, 13:02:11 UTC",
    posted="2021-07-09T13:02:11Z",
    state="active",
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def db(db_path: Path) -> Database:
    return store.open_db(db_path)


def rows(db: Database, sql: str, params: Any = None) -> list[dict[str, Any]]:
    return list(db.query(sql, params))


def count(db: Database, table: str) -> int:
    result: int = db.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0]
    return result


def post_tags(db: Database, ditemid: int = POST.ditemid) -> list[str]:
    return [
        r["name"]
        for r in rows(
            db,
            "SELECT tags.name FROM post_tags JOIN tags ON tags.id = post_tags.tag_id "
            "WHERE post_tags.journal = ? AND post_tags.ditemid = ? ORDER BY tags.name",
            [JOURNAL, ditemid],
        )
    ]


def search_posts(db: Database, query: str) -> list[int]:
    return [r["ditemid"] for r in db.table("posts").search(query, columns=["ditemid"])]


# --- opening, migrations, schema --------------------------------------------------------------


def test_open_db_uses_wal_and_foreign_keys_and_records_migrations(db: Database) -> None:
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # Checkpoints far apart: a crawl's commits, many pages each, share most of what they touch.
    assert db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 16384
    names = [r["name"] for r in rows(db, "SELECT name FROM _migrations ORDER BY name")]
    assert names == [name for name, _ in store.MIGRATIONS]


def test_migrations_are_idempotent(db_path: Path) -> None:
    db = Database(db_path)
    assert store.migrate(db, applied_at=T1) == [name for name, _ in store.MIGRATIONS]
    schema = store.schema_sql(db)
    db.close()

    again = store.open_db(db_path)
    assert store.migrate(again, applied_at=T2) == []
    assert rows(again, "SELECT name, applied_at FROM _migrations ORDER BY name") == [
        {"name": "0001_create_tables", "applied_at": T1},
        {"name": "0002_full_text_search", "applied_at": T1},
        {"name": "0003_capture_links", "applied_at": T1},
        {"name": "0004_complete_listings", "applied_at": T1},
        {"name": "0005_post_index_view", "applied_at": T1},
        {"name": "0006_parsed_captures", "applied_at": T1},
        {"name": "0007_media", "applied_at": T1},
        {"name": "0008_sessions", "applied_at": T1},
        {"name": "0009_run_uids", "applied_at": T1},
    ]
    assert store.schema_sql(again) == schema


def test_a_database_from_a_newer_version_is_refused(db: Database) -> None:
    db.execute("INSERT INTO _migrations (name, applied_at) VALUES ('9999_future', ?)", [T1])
    with pytest.raises(RuntimeError, match="9999_future"):
        store.migrate(db)


def test_schema_is_pinned(db: Database) -> None:
    actual = store.schema_sql(db)
    expected = SCHEMA_FIXTURE.read_text(encoding="utf-8") if SCHEMA_FIXTURE.exists() else ""
    assert actual == expected, (
        "The database schema differs from tests/fixtures/schema.sql. If the change is intended "
        "(it should come with a new migration), regenerate the file from the repository root "
        f"with:\n    {REGENERATE}\nand review the diff."
    )


# --- journals ---------------------------------------------------------------------------------


def test_save_journal_twice_gives_one_row_and_keeps_known_fields(db: Database) -> None:
    active = JournalItem(
        username=JOURNAL,
        url="https://zloy-odessit.livejournal.com/",
        status="active",
        journal_id=12345,
        title="Злой одессит",
        journal_type="personal",
    )
    store.save_journal(db, active, T1)
    store.save_journal(db, active, T2)
    deleted = JournalItem(
        username=JOURNAL,
        url=active.url,
        status="deleted",
        status_text="This journal has been deleted.",
    )
    store.save_journal(db, deleted, T3)
    assert rows(db, "SELECT * FROM journals") == [
        {
            "username": JOURNAL,
            "url": active.url,
            "journal_id": 12345,
            "title": "Злой одессит",
            "journal_type": "personal",
            "status": "deleted",
            "renamed_to": None,
            "status_text": "This journal has been deleted.",
            "first_seen": T1,
            "last_seen": T3,
            "capture_id": None,
            "listed_in_run": None,
            "userpic_url": None,
        }
    ]


def test_saving_a_post_first_creates_a_placeholder_journal(db: Database) -> None:
    store.save_post(db, POST, T1)
    assert rows(db, "SELECT username, url, status, first_seen FROM journals") == [
        {
            "username": JOURNAL,
            "url": "https://zloy-odessit.livejournal.com/",
            "status": None,
            "first_seen": T1,
        }
    ]
    store.save_journal(
        db, JournalItem(JOURNAL, "https://zloy-odessit.livejournal.com/", "active"), T2
    )
    assert rows(db, "SELECT status, first_seen, last_seen FROM journals") == [
        {"status": "active", "first_seen": T1, "last_seen": T2}
    ]


# --- posts ------------------------------------------------------------------------------------


def test_saving_a_post_twice_gives_the_same_rows(db: Database) -> None:
    assert store.save_post(db, POST, T1) == "new"
    first = rows(db, "SELECT * FROM posts")
    assert store.save_post(db, POST, T2) == "unchanged"
    (post,) = rows(db, "SELECT * FROM posts")
    assert post == {**first[0], "last_seen": T2}
    assert post["first_seen"] == T1
    assert post["last_changed"] == T1
    assert post["content_hash"] == store.post_content_hash(POST)
    assert post["body_text"] == POST.body_text
    assert post["deleted_in_run"] is None
    assert count(db, "posts") == 1
    assert count(db, "tags") == 1
    assert count(db, "post_tags") == 1
    assert count(db, "post_versions") == 0


def test_a_changed_post_keeps_its_earlier_version(db: Database) -> None:
    store.save_post(db, POST, T1)
    store.save_post(db, POST, T2)
    edited = replace(
        POST,
        title="The Taliban and the CSTO (updated)",
        body_html="<p>Lavrov promised troops to Dushanbe.</p>",
        body_text="Lavrov promised troops to Dushanbe.",
        tags=("english", "politics"),
        comment_count=5,
    )
    assert store.save_post(db, edited, T3) == "changed"
    assert store.save_post(db, edited, T3) == "unchanged"

    (post,) = rows(db, "SELECT * FROM posts")
    assert post["title"] == edited.title
    assert post["body_html"] == edited.body_html
    assert post["comment_count"] == 5
    assert (post["first_seen"], post["last_seen"], post["last_changed"]) == (T1, T3, T3)
    assert rows(db, "SELECT * FROM post_versions") == [
        {
            "journal": JOURNAL,
            "ditemid": POST.ditemid,
            "version": 1,
            "title": POST.title,
            "body_html": POST.body_html,
            "body_text": POST.body_text,
            "tags": '["english"]',
            "published": POST.published,
            "content_hash": store.post_content_hash(POST),
            "first_seen": T1,
            "last_seen": T2,
            "superseded_at": T3,
            "capture_id": None,
            "security": "public",
        }
    ]


def test_each_change_adds_a_version(db: Database) -> None:
    store.save_post(db, POST, T1)
    store.save_post(db, replace(POST, title="Second"), T2)
    store.save_post(db, replace(POST, title="Third"), T3)
    assert rows(db, "SELECT version, title, first_seen, superseded_at FROM post_versions") == [
        {"version": 1, "title": POST.title, "first_seen": T1, "superseded_at": T2},
        {"version": 2, "title": "Second", "first_seen": T2, "superseded_at": T3},
    ]


def test_only_content_changes_make_a_version(db: Database) -> None:
    store.save_post(db, POST, T1)
    busier = replace(POST, comment_count=40, skin="aentry", tags=("english", "english"))
    assert store.save_post(db, busier, T2) == "unchanged"
    assert count(db, "post_versions") == 0
    assert rows(db, "SELECT comment_count, skin FROM posts") == [
        {"comment_count": 40, "skin": "aentry"}
    ]
    assert store.save_post(db, replace(POST, published="2021-07-09T12:48:00"), T3) == "changed"


def test_tag_changes_update_post_tags(db: Database) -> None:
    store.save_post(db, replace(POST, tags=("english", "politics")), T1)
    assert post_tags(db) == ["english", "politics"]

    store.save_post(db, replace(POST, tags=("politics", "russia")), T2)
    assert post_tags(db) == ["politics", "russia"]
    other = replace(POST, ditemid=42, url="https://zloy-odessit.livejournal.com/42.html")
    store.save_post(db, replace(other, tags=("russia",)), T2)
    assert post_tags(db, 42) == ["russia"]
    # Tags are per journal and never duplicated; a tag no post uses any more stays listed.
    assert rows(db, "SELECT journal, name FROM tags ORDER BY name") == [
        {"journal": JOURNAL, "name": "english"},
        {"journal": JOURNAL, "name": "politics"},
        {"journal": JOURNAL, "name": "russia"},
    ]
    (version,) = rows(db, "SELECT tags FROM post_versions")
    assert json.loads(version["tags"]) == ["english", "politics"]

    store.save_post(db, replace(POST, tags=()), T3)
    assert post_tags(db) == []
    assert post_tags(db, 42) == ["russia"]


def test_save_post_counts_into_its_run(db: Database) -> None:
    run_id = store.start_run(db, T1, [JOURNAL])
    store.save_post(db, POST, T1, run_id=run_id)
    store.save_post(db, POST, T1, run_id=run_id)
    store.save_post(db, replace(POST, title="New title"), T1, run_id=run_id)
    assert rows(db, "SELECT new_posts, changed_posts, unchanged_posts FROM crawl_runs") == [
        {"new_posts": 1, "changed_posts": 1, "unchanged_posts": 1}
    ]
    with pytest.raises(ValueError, match="no crawl run with id 999"):
        store.save_post(db, POST, T2, run_id=999)
    assert rows(db, "SELECT last_seen FROM posts") == [{"last_seen": T1}]


def test_mark_missing_posts(db: Database) -> None:
    for ditemid in (1, 2, 3):
        store.save_post(db, replace(POST, ditemid=ditemid), T1)
    store.save_post(db, replace(POST, journal="other_journal", ditemid=9), T1)
    first = store.start_run(db, T2, [JOURNAL])
    second = store.start_run(db, T3, [JOURNAL])

    assert store.mark_missing_posts(db, JOURNAL, [1], first) == 2
    assert store.mark_missing_posts(db, JOURNAL, [1, 2], second) == 0
    assert rows(db, "SELECT journal, ditemid, deleted_in_run FROM posts ORDER BY ditemid") == [
        {"journal": JOURNAL, "ditemid": 1, "deleted_in_run": None},
        {"journal": JOURNAL, "ditemid": 2, "deleted_in_run": first},
        {"journal": JOURNAL, "ditemid": 3, "deleted_in_run": first},
        {"journal": "other_journal", "ditemid": 9, "deleted_in_run": None},
    ]
    # Seen again: no longer missing.
    store.save_post(db, replace(POST, ditemid=2), T3)
    assert rows(db, "SELECT ditemid FROM posts WHERE deleted_in_run IS NOT NULL") == [
        {"ditemid": 3}
    ]


def test_full_text_search_on_posts_follows_updates(db: Database) -> None:
    store.save_post(db, POST, T1)
    store.save_post(db, replace(POST, ditemid=7, title="Unrelated", body_text="Odessa weather"), T1)
    assert search_posts(db, "Tajikistan") == [POST.ditemid]
    assert search_posts(db, "Taliban") == [POST.ditemid]  # a word of the title only
    assert search_posts(db, "weather") == [7]

    edited = replace(POST, body_html="<p>Dushanbe</p>", body_text="Dushanbe is the capital.")
    store.save_post(db, edited, T2)
    assert search_posts(db, "Dushanbe") == [POST.ditemid]
    assert search_posts(db, "Tajikistan") == []
    store.save_post(db, edited, T3)  # an unchanged save re-indexes the same row, once
    assert search_posts(db, "Dushanbe") == [POST.ditemid]
    assert db.execute("SELECT COUNT(*) FROM posts_fts").fetchone()[0] == 2


def test_full_text_search_on_cyrillic_text(db: Database) -> None:
    store.save_post(db, replace(POST, body_text="Поездка в Азербайджан"), T1)
    assert search_posts(db, "азербайджан") == [POST.ditemid]


# --- locked posts -----------------------------------------------------------------------------


def test_save_locked_post_is_idempotent(db: Database) -> None:
    locked = LockedPostItem(JOURNAL, 555, "https://zloy-odessit.livejournal.com/555.html", "Locked")
    store.save_locked_post(db, locked, T1)
    store.save_locked_post(db, locked, T2)
    assert rows(db, "SELECT ditemid, message, first_seen, last_seen FROM locked_posts") == [
        {"ditemid": 555, "message": "Locked", "first_seen": T1, "last_seen": T2}
    ]


# --- comments ---------------------------------------------------------------------------------


def test_saving_a_comment_twice_gives_one_row(db: Database) -> None:
    store.save_comment(db, COMMENT, T1)
    store.save_comment(db, COMMENT, T2)
    (comment,) = rows(db, "SELECT * FROM comments")
    assert comment == {
        "journal": JOURNAL,
        "talkid": 101,
        "ditemid": POST.ditemid,
        "parent_talkid": None,
        "depth": 0,
        "poster": "reader_one",
        "subject": "Afghanistan again",
        "body_html": COMMENT.body_html,
        "posted_text": COMMENT.posted_text,
        "posted": COMMENT.posted,
        "state": "active",
        "collapsed": 0,
        "first_seen": T1,
        "last_seen": T2,
        "capture_id": None,
        "userpic_url": None,
    }


def test_saving_a_comment_says_what_the_archive_gained(db: Database) -> None:
    """The run's tally counts comments the archive did not have, and those it learnt more of:
    a comment seen folded on a post page and then whole on its thread page is one comment."""
    folded = replace(COMMENT, subject=None, body_html=None, collapsed=True)
    assert store.save_comment(db, folded, T1) == "new"
    assert store.save_comment(db, folded, T2) == "unchanged"  # only seen again
    assert store.save_comment(db, COMMENT, T2) == "updated"  # its text, unfolded
    assert store.save_comment(db, COMMENT, T2) == "unchanged"
    # Folded again later (as every run sees it on the post page): the text is kept, no news.
    assert store.save_comment(db, folded, T2) == "unchanged"
    assert store.save_comment(db, replace(COMMENT, state="deleted"), T2) == "updated"
    assert rows(db, "SELECT count(*) AS n FROM comments") == [{"n": 1}]


def test_a_pages_comment_userpic_is_kept_replaced_and_never_counted_as_news(db: Database) -> None:
    def userpic(url: str) -> MediaRef:
        return MediaRef(JOURNAL, PAGE, url, "userpic", POST.ditemid, COMMENT.talkid)

    def shown() -> list[Any]:
        return [r["userpic_url"] for r in rows(db, "SELECT userpic_url FROM comments")]

    first, second = "https://l-userpic.livejournal.com/1/2", "https://l-userpic.livejournal.com/3/4"
    assert (
        store.save_page(db, [POST, COMMENT, userpic(first)], T1, capture_id=None, run_id=None)[
            "comments_new"
        ]
        == 1
    )
    assert shown() == [first]
    # A page that shows the comment without its picture keeps it; a new picture is news to the
    # media links only, not a change of the comment.
    store.save_page(db, [POST, COMMENT], T2, capture_id=None, run_id=None)
    assert shown() == [first]
    again = store.save_page(db, [POST, COMMENT, userpic(second)], T3, capture_id=None, run_id=None)
    assert (again["comments_unchanged"], shown()) == (1, [second])
    # A picture on a page without its comment (saved from another page) still becomes its.
    store.save_page(db, [POST, userpic(first)], T3, capture_id=None, run_id=None)
    assert shown() == [first]
    assert count(db, "media_links") == 2


def test_a_comment_deleted_later_keeps_the_text_seen_before(db: Database) -> None:
    store.save_comment(db, COMMENT, T1)
    gone = replace(COMMENT, subject=None, body_html=None, poster=None, state="deleted")
    store.save_comment(db, gone, T2)
    assert rows(db, "SELECT state, poster, subject, body_html, last_seen FROM comments") == [
        {
            "state": "deleted",
            "poster": "reader_one",
            "subject": "Afghanistan again",
            "body_html": COMMENT.body_html,
            "last_seen": T2,
        }
    ]


def test_full_text_search_on_comments(db: Database) -> None:
    store.save_comment(db, COMMENT, T1)
    store.save_comment(db, replace(COMMENT, talkid=102, subject=None, body_html="Nonsense"), T1)
    found = db.table("comments").search("battalions", columns=["talkid"])
    assert [r["talkid"] for r in found] == [101]
    found = db.table("comments").search("afghanistan", columns=["talkid"])
    assert [r["talkid"] for r in found] == [101]


# --- comment policy ---------------------------------------------------------------------------


def test_policy_history_grows_only_on_change(db: Database) -> None:
    first_id = store.save_comment_policy(db, POLICY, T1)
    assert store.save_comment_policy(db, replace(POLICY, source_url=PAGE + "?x"), T2) == first_id
    opened = replace(POLICY, anonymous_allowed=True, screened=False, screened_scope=None)
    second_id = store.save_comment_policy(db, opened, T3)
    assert second_id != first_id
    assert store.save_comment_policy(db, opened, "2024-10-04T10:00:00+00:00") == second_id
    # Back to the first policy: a change again, so a third row.
    assert store.save_comment_policy(db, POLICY, "2024-10-05T10:00:00+00:00") not in (
        first_id,
        second_id,
    )
    history = rows(
        db,
        "SELECT anonymous_allowed, screened, screened_scope, ip_recorded, comments_disabled, "
        "source_url, seen_at, last_seen FROM comment_policies ORDER BY id",
    )
    assert history == [
        {
            "anonymous_allowed": 0,
            "screened": 1,
            "screened_scope": "all",
            "ip_recorded": 1,
            "comments_disabled": 0,
            "source_url": PAGE,
            "seen_at": T1,
            "last_seen": T2,
        },
        {
            "anonymous_allowed": 1,
            "screened": 0,
            "screened_scope": None,
            "ip_recorded": 1,
            "comments_disabled": 0,
            "source_url": PAGE,
            "seen_at": T3,
            "last_seen": "2024-10-04T10:00:00+00:00",
        },
        {
            "anonymous_allowed": 0,
            "screened": 1,
            "screened_scope": "all",
            "ip_recorded": 1,
            "comments_disabled": 0,
            "source_url": PAGE,
            "seen_at": "2024-10-05T10:00:00+00:00",
            "last_seen": "2024-10-05T10:00:00+00:00",
        },
    ]


def test_policies_of_two_journals_are_separate_histories(db: Database) -> None:
    store.save_comment_policy(db, POLICY, T1)
    store.save_comment_policy(db, replace(POLICY, journal="other_journal"), T1)
    store.save_comment_policy(db, POLICY, T2)
    assert count(db, "comment_policies") == 2


# --- recent posts widget ----------------------------------------------------------------------


def test_widget_snapshots_dedup(db: Database) -> None:
    first = store.save_recent_posts(db, WIDGET, T1)
    other_page = [replace(i, source_url=PAGE.replace("1234567", "1233000")) for i in WIDGET]
    assert store.save_recent_posts(db, list(reversed(other_page)), T2) == first
    assert count(db, "recent_post_snapshots") == 1
    assert count(db, "recent_posts") == 2

    commented = [WIDGET[0], replace(WIDGET[1], comment_count=5)]
    second = store.save_recent_posts(db, commented, T3)
    assert second != first
    assert rows(
        db,
        "SELECT id, source_url, item_count, seen_at, last_seen FROM "
        "recent_post_snapshots ORDER BY id",
    ) == [
        {"id": first, "source_url": PAGE, "item_count": 2, "seen_at": T1, "last_seen": T2},
        {"id": second, "source_url": PAGE, "item_count": 2, "seen_at": T3, "last_seen": T3},
    ]
    assert rows(
        db, "SELECT * FROM recent_posts WHERE snapshot_id = ? AND position = 1", [first]
    ) == [
        {
            "snapshot_id": first,
            "journal": JOURNAL,
            "source_url": PAGE,
            "position": 1,
            "title": "Поездка в Азербайджан",
            "url": "https://zloy-odessit.livejournal.com/1234000.html",
            "author": JOURNAL,
            "date_text": "Вересень 30, 19:05",
            "date": "2024-09-30T19:05:00",
            "comment_count": 18,
            "promoted": 1,
            "price_tokens": 50,
            "excerpt": WIDGET[0].excerpt,
            "seen_at": T1,
        }
    ]
    assert count(db, "recent_posts") == 4


def test_save_recent_posts_takes_one_page(db: Database) -> None:
    assert store.save_recent_posts(db, [], T1) is None
    mixed = [WIDGET[0], replace(WIDGET[1], source_url=PAGE + "?page=2")]
    with pytest.raises(ValueError, match="one page capture"):
        store.save_recent_posts(db, mixed, T1)
    assert count(db, "recent_post_snapshots") == 0


# --- captures, runs, errors -------------------------------------------------------------------


def capture(db: Database, run_id: int | None, record_id: str = "<urn:uuid:1>") -> int:
    return store.save_capture(
        db,
        url=PAGE,
        status=200,
        content_type="text/html; charset=utf-8",
        warc_file="archiver-20241001-00000.warc.gz",
        warc_offset=1024,
        warc_length=4096,
        record_id=record_id,
        payload_digest="sha1:AAAA",
        fetched_at=T1,
        run_id=run_id,
    )


def test_save_capture_is_idempotent_on_record_id(db: Database) -> None:
    run_id = store.start_run(db, T1, [JOURNAL])
    first = capture(db, run_id)
    assert capture(db, run_id) == first
    assert capture(db, run_id, "<urn:uuid:2>") != first
    assert rows(db, "SELECT warc_file, warc_offset, record_id, run_id FROM captures") == [
        {
            "warc_file": "archiver-20241001-00000.warc.gz",
            "warc_offset": 1024,
            "record_id": "<urn:uuid:1>",
            "run_id": run_id,
        },
        {
            "warc_file": "archiver-20241001-00000.warc.gz",
            "warc_offset": 1024,
            "record_id": "<urn:uuid:2>",
            "run_id": run_id,
        },
    ]


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        capture(db, run_id=12345)
    assert count(db, "captures") == 0


def test_a_run_from_start_to_finish(db: Database) -> None:
    run_id = store.start_run(db, T1, [JOURNAL, "other_journal"])
    store.save_post(db, POST, T1, run_id=run_id)
    error_id = store.record_error(db, run_id, PAGE + "?page=2", "parse", "no post body", T2)
    store.finish_run(db, run_id, ended_at=T3, outcome="partial", exit_code=3, requests=17)
    (run,) = rows(db, "SELECT * FROM crawl_runs")
    assert re.fullmatch(r"[0-9a-f]{32}", run.pop("uid"))
    assert [run] == [
        {
            "id": run_id,
            "started_at": T1,
            "ended_at": T3,
            "journals": '["zloy_odessit", "other_journal"]',
            "outcome": "partial",
            "requests": 17,
            "new_posts": 1,
            "changed_posts": 0,
            "unchanged_posts": 0,
            "errors": 1,
            "exit_code": 3,
            "logged_in_as": None,
        }
    ]
    assert rows(db, "SELECT * FROM errors") == [
        {
            "id": error_id,
            "run_id": run_id,
            "url": PAGE + "?page=2",
            "kind": "parse",
            "message": "no post body",
            "at": T2,
        }
    ]
    with pytest.raises(ValueError, match="no crawl run"):
        store.finish_run(db, 999, ended_at=T3, outcome="ok", exit_code=0)
