"""Comments, and the comment policy a journal shows beside them (one row per change)."""

from __future__ import annotations

from sqlite_utils import Database

from archiver.items import CommentItem, CommentPolicyItem
from archiver.store.journals import ensure_journal
from archiver.store.rows import atomic, insert, item_row, one, touch, upsert

# LiveJournal hides the text of a comment once it is deleted, screened or collapsed: the text
# seen earlier is kept (a None never overwrites a value).
KEPT_COMMENT_FIELDS = ("parent_talkid", "poster", "subject", "body_html", "posted_text", "posted")


# What a comment is, as against when and where it was seen (folded on a post page, whole on
# its thread page: the same comment, seen twice each run).
_BOOKKEEPING = frozenset(
    {"journal", "talkid", "first_seen", "last_seen", "capture_id", "collapsed"}
)


def save_comment(
    db: Database, item: CommentItem, seen_at: str, capture_id: int | None = None
) -> str:
    """Upsert a comment on (journal, talkid); text seen earlier is never lost. Return what the
    archive gained: `new`, `updated` (its text, state or fold changed) or `unchanged`."""
    row = item_row(item, first_seen=seen_at, last_seen=seen_at, capture_id=capture_id)
    row["collapsed"] = int(item.collapsed)
    content = [c for c in row if c not in _BOOKKEEPING]
    with atomic(db):
        ensure_journal(db, item.journal, seen_at)
        before = db.execute(
            f"SELECT {', '.join(f'[{c}]' for c in content)} FROM comments "
            "WHERE journal = ? AND talkid = ?",
            [item.journal, item.talkid],
        ).fetchone()
        upsert(db, "comments", row, ["journal", "talkid"], keep_known=KEPT_COMMENT_FIELDS)
    if before is None:
        return "new"
    kept = set(KEPT_COMMENT_FIELDS)
    after = [
        old if row[c] is None and c in kept else row[c]
        for c, old in zip(content, before, strict=True)
    ]
    return "unchanged" if after == list(before) else "updated"


def save_comment_policy(
    db: Database, item: CommentPolicyItem, seen_at: str, capture_id: int | None = None
) -> int:
    """Record the journal's comment policy; return the id of the row that now describes it.

    A new row only when the policy differs from the journal's latest row; otherwise that row's
    `last_seen` moves on. The rows are the history of policy changes.
    """
    policy = {
        "anonymous_allowed": int(item.anonymous_allowed),
        "screened": int(item.screened),
        "screened_scope": item.screened_scope,
        "ip_recorded": int(item.ip_recorded),
        "comments_disabled": int(item.comments_disabled),
    }
    with atomic(db):
        ensure_journal(db, item.journal, seen_at)
        latest = one(
            db,
            "SELECT * FROM comment_policies WHERE journal = ? ORDER BY id DESC LIMIT 1",
            [item.journal],
        )
        if latest is not None and all(latest[k] == v for k, v in policy.items()):
            touch(db, "comment_policies", latest["id"], seen_at)
            policy_id: int = latest["id"]
            return policy_id
        return insert(
            db,
            "comment_policies",
            {
                "journal": item.journal,
                **policy,
                "source_url": item.source_url,
                "seen_at": seen_at,
                "last_seen": seen_at,
                "capture_id": capture_id,
            },
        )
