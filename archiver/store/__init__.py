"""The SQLite database: every SQL statement of archiver lives in this package.

Every save_* takes the time the thing was seen as an ISO 8601 string from the caller and never
reads the clock, so saving the same item twice gives the same rows, and tests pin every value.
Each save_* runs in its own transaction; wrap many of them in `with db.atomic():` to batch
them (nested blocks become savepoints). `save_page` saves one page's items that way.

- schema: tables, migrations, `open_db`, `schema_sql`
- rows: the statement shapes (insert, upsert, touch) the saves are built from
- journals, posts, comments, widget, captures, runs: one family of saves each
- pages: one page's items in one transaction (a savepoint inside a `WriteBatch`)
- batch: many pages in one transaction, committed every few seconds
- knowledge: what the crawl plan needs to know of a journal
- reads: read-only queries for wacz, verify and the summary
- public_copy: what a copy of the archive made to be shared leaves out (`archiver.archive.public`)
"""

from archiver.store.batch import DEFAULT_COMMIT_SECONDS, WriteBatch
from archiver.store.captures import (
    CaptureRow,
    all_captures,
    mark_not_recoverable,
    mark_parsed,
    mark_recovery_tried,
    prior_response,
    save_capture,
    unparsed_responses,
    warc_file_ends,
)
from archiver.store.comments import save_comment, save_comment_policy
from archiver.store.journals import ensure_journal, mark_listed, save_journal
from archiver.store.knowledge import journal_knowledge
from archiver.store.media import archived_media, save_media, save_media_ref
from archiver.store.pages import STORAGE_FAILURE, is_storage_failure, save_page
from archiver.store.posts import (
    count_missing_posts,
    mark_missing_posts,
    mark_missing_posts_on_days,
    post_content_hash,
    save_locked_post,
    save_post,
)
from archiver.store.runs import (
    PostOutcome,
    close_killed_runs,
    fail_run,
    finish_run,
    record_error,
    run_started_by,
    start_run,
)
from archiver.store.schema import (
    FTS5_SHADOW_SUFFIXES,
    FTS_COLUMNS,
    MIGRATIONS,
    fold_wal,
    migrate,
    open_db,
    schema_sql,
)
from archiver.store.widget import save_recent_posts

__all__ = [
    "DEFAULT_COMMIT_SECONDS",
    "FTS5_SHADOW_SUFFIXES",
    "FTS_COLUMNS",
    "MIGRATIONS",
    "STORAGE_FAILURE",
    "CaptureRow",
    "PostOutcome",
    "WriteBatch",
    "all_captures",
    "archived_media",
    "close_killed_runs",
    "count_missing_posts",
    "ensure_journal",
    "fail_run",
    "finish_run",
    "fold_wal",
    "is_storage_failure",
    "journal_knowledge",
    "mark_listed",
    "mark_missing_posts",
    "mark_missing_posts_on_days",
    "mark_not_recoverable",
    "mark_parsed",
    "mark_recovery_tried",
    "migrate",
    "open_db",
    "post_content_hash",
    "prior_response",
    "record_error",
    "run_started_by",
    "save_capture",
    "save_comment",
    "save_comment_policy",
    "save_journal",
    "save_locked_post",
    "save_media",
    "save_media_ref",
    "save_page",
    "save_post",
    "save_recent_posts",
    "schema_sql",
    "start_run",
    "unparsed_responses",
    "warc_file_ends",
]
