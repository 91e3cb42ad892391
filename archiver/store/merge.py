"""One archive database folded into another, row by row on each table's natural key.

`archiver merge` folds every worker's database into the archive; a worker folds the archive's
rows of a journal into its own database before it crawls that journal, so the crawl is as
incremental as if it had always run there. Folding is idempotent: a row already there is kept,
replaced by a row seen later (`last_seen`; within the same second, the one from the later page,
then the one that knows more: a deletion marked since); folding the same database twice
changes nothing.

Row ids (`captures.id`, `crawl_runs.id`, `tags.id`, the snapshots' and policies' ids) are only
their database's: they are mapped through each row's natural key (a capture's WARC-Record-ID,
a run's `uid`), and a row the folded rows point at is folded first, on demand.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from archiver.store.comments import KEPT_COMMENT_FIELDS
from archiver.store.rows import ALWAYS_KEPT

Row = dict[str, Any]


def _last_seen(row: Row) -> tuple[Any, ...]:
    return (row["last_seen"] or "",)


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[str, ...]  # the natural key, after the ids in it are mapped
    surrogate: str | None = None  # an id only this database's numbering gives
    refs: Mapping[str, str] = field(default_factory=dict)  # column -> table whose ids it holds
    # Which of two rows with one key is the one to keep: the higher rank; None: the first one.
    rank: Callable[[Row], tuple[Any, ...]] | None = _last_seen
    earliest: tuple[str, ...] = ()  # taken from whichever row has the earlier `first_seen`
    # A NULL in the row kept never overwrites a value known here: what the saves keep too
    # (`rows.ALWAYS_KEPT`, a comment's text once a page showed it, a media's last good capture).
    keep_known: tuple[str, ...] = ()
    # Which rows belong to the journals being folded: a column naming the journal, or a WHERE
    # clause with `{journals}`; neither: only the rows other rows point at are folded.
    journal_column: str | None = "journal"
    journal_rows: str | None = None


_CAPTURE = {"capture_id": "captures"}

TABLES: tuple[Table, ...] = (
    Table(
        "crawl_runs",
        key=("uid",),
        surrogate="id",
        rank=lambda row: (row["ended_at"] is not None, row["requests"] or 0),
        journal_column=None,
    ),
    Table(
        "captures",
        key=("record_id",),
        surrogate="id",
        refs={"run_id": "crawl_runs"},
        rank=lambda row: (row["parsed"] or 0,),
        journal_column=None,
        # Folded when a row points at them; and a journal's pages that a killed run archived
        # but never saved (no row points at them), so that the next run, on any worker, reads
        # them back from the WARC instead of fetching them again. The journal is the host's
        # first label: https://bulk-journal.livejournal.com/... is bulk_journal's.
        journal_rows="record_type = 'response' AND status = 200 "
        "AND (parsed IS NULL OR parsed < 0) AND replace(substr(url, 9, "
        "instr(substr(url, 9), '.livejournal.com/') - 1), '-', '_') IN ({journals})",
    ),
    Table(
        "journals",
        key=("username",),
        refs={**_CAPTURE, "listed_in_run": "crawl_runs"},
        earliest=("first_seen",),
        keep_known=("journal_id", "title", "journal_type"),
        journal_column="username",
    ),
    Table("tags", key=("journal", "name"), surrogate="id", rank=None),
    Table(
        "posts",
        key=("journal", "ditemid"),
        refs={**_CAPTURE, "deleted_in_run": "crawl_runs"},
        earliest=("first_seen",),
    ),
    Table("post_versions", key=("journal", "ditemid", "version"), refs=_CAPTURE, rank=None),
    Table("locked_posts", key=("journal", "ditemid"), refs=_CAPTURE, earliest=("first_seen",)),
    Table(
        "recent_post_snapshots",
        key=("journal", "source_url", "items_hash", "seen_at"),
        surrogate="id",
        refs=_CAPTURE,
    ),
    Table(
        "recent_posts",
        key=("snapshot_id", "position"),
        refs={"snapshot_id": "recent_post_snapshots"},
        rank=None,
    ),
    Table(
        "comment_policies",
        key=("journal", "source_url", "seen_at"),
        surrogate="id",
        refs=_CAPTURE,
    ),
    Table(
        "comments",
        key=("journal", "talkid"),
        refs=_CAPTURE,
        earliest=("first_seen",),
        keep_known=KEPT_COMMENT_FIELDS,
    ),
    Table(
        "errors",
        key=("run_id", "url", "kind", "message", "at"),
        surrogate="id",
        refs={"run_id": "crawl_runs"},
        rank=None,
        journal_column=None,
    ),
    Table(
        "media",
        key=("url",),
        refs={"first_capture_id": "captures", "last_capture_id": "captures"},
        earliest=("first_seen", "first_capture_id"),
        keep_known=("payload_digest", "first_capture_id", "last_capture_id"),
        journal_column=None,
        # A journal's media: what its pages link; the site's own styles, scripts and fonts,
        # which every journal's pages load; and what no page links (what stylesheets load).
        journal_rows="url IN (SELECT url FROM media_links WHERE journal IN ({journals})) "
        "OR role IN ('style', 'script', 'font') OR url NOT IN (SELECT url FROM media_links)",
    ),
    Table(
        "media_links",
        key=("journal", "ditemid", "talkid", "url", "role"),
        refs=_CAPTURE,
        earliest=("first_seen",),
    ),
)
_BY_NAME = {table.name: table for table in TABLES}
# A post's tags are the tags of the post row that was kept: `post_tags` follows `posts`.
_POST_TAGS = "post_tags"


class SchemaMismatch(Exception):
    """The two databases are not at the same migration: update the older one first."""


@dataclass
class FoldCounts:
    inserted: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def add(self, counts: dict[str, int], table: str) -> None:
        counts[table] = counts.get(table, 0) + 1

    @property
    def changed(self) -> int:
        return sum(self.inserted.values()) + sum(self.updated.values())


def fold(
    source: sqlite3.Connection,
    target: sqlite3.Connection,
    journals: Sequence[str] | None = None,
) -> FoldCounts:
    """Fold `source`'s rows into `target` (all, or those of `journals`); the caller commits."""
    _check_same_schema(source, target)
    folder = _Folder(source, target, journals)
    for table in TABLES:
        folder.fold_table(table)
        if table.name == "posts":
            folder.fold_post_tags()
    return folder.counts


def begin_snapshot(db: sqlite3.Connection) -> None:
    """Start a read transaction on `db`: what it reads from now on is the database as it is
    now, whatever its writer commits next (WAL). `rollback()` ends it."""
    db.execute("BEGIN")
    db.execute("SELECT count(*) FROM captures").fetchone()


def _check_same_schema(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    query = "SELECT name FROM _migrations ORDER BY name"
    have = [name for (name,) in source.execute(query)]
    want = [name for (name,) in target.execute(query)]
    if have != want:
        raise SchemaMismatch(
            f"the databases are at different migrations ({len(have)} and {len(want)} applied): "
            "open the older one with this archiver first (any `archiver` command on it will do)"
        )


class _Folder:
    def __init__(
        self,
        source: sqlite3.Connection,
        target: sqlite3.Connection,
        journals: Sequence[str] | None,
    ) -> None:
        self.source = source
        self.target = target
        self.journals = list(journals) if journals is not None else None
        self.ids: dict[str, dict[int, int]] = {t.name: {} for t in TABLES if t.surrogate}
        self.kept_posts: list[tuple[str, int]] = []  # posts whose source row was taken
        self.counts = FoldCounts()
        self._columns: dict[str, list[str]] = {}

    # ------------------------------------------------------------ reading the source

    def fold_table(self, table: Table) -> None:
        for row in self._source_rows(table):
            self._fold_row(table, row)

    def _source_rows(self, table: Table) -> Iterator[Row]:
        where, params = "", []
        if self.journals is not None:
            marks = ", ".join("?" for _ in self.journals)
            if table.journal_column:
                where, params = f" WHERE [{table.journal_column}] IN ({marks})", self.journals
            elif table.journal_rows:
                where = " WHERE " + table.journal_rows.format(journals=marks)
                params = self.journals
            else:
                return  # folded on demand, when a row points at them
        order = f" ORDER BY [{table.surrogate}]" if table.surrogate else " ORDER BY rowid"
        cursor = self.source.execute(f"SELECT * FROM [{table.name}]{where}{order}", params)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield dict(zip(names, values, strict=True))

    def _mapped(self, table_name: str, source_id: int) -> int | None:
        """The target id of the source row `source_id` of `table_name`, folding it first."""
        ids = self.ids[table_name]
        if source_id not in ids:
            table = _BY_NAME[table_name]
            assert table.surrogate is not None
            cursor = self.source.execute(
                f"SELECT * FROM [{table_name}] WHERE [{table.surrogate}] = ?", [source_id]
            )
            values = cursor.fetchone()
            if values is None:  # a dangling id names no row here either
                return None
            names = [d[0] for d in cursor.description]
            self._fold_row(table, dict(zip(names, values, strict=True)))
        return ids[source_id]

    # ------------------------------------------------------------ writing the target

    def _fold_row(self, table: Table, row: Row) -> None:
        source_id = row.pop(table.surrogate) if table.surrogate else None
        if table.surrogate and source_id in self.ids[table.name]:
            return
        for column, referenced in table.refs.items():
            if row.get(column) is not None:
                row[column] = self._mapped(referenced, row[column])
        existing = self._existing(table, row)
        if existing is None:
            target_id = self._insert(table, row)
            self.counts.add(self.counts.inserted, table.name)
            self._taken(table, row)
        else:
            target_id = existing.pop(table.surrogate) if table.surrogate else None
            changes = _changes(table, row, existing)
            if changes:
                self._update(table, existing, changes)
                self.counts.add(self.counts.updated, table.name)
                if _newer(table, row, existing):
                    self._taken(table, row)
        if table.surrogate and source_id is not None and target_id is not None:
            self.ids[table.name][source_id] = target_id

    def _existing(self, table: Table, row: Row) -> Row | None:
        where = " AND ".join(f"[{column}] IS ?" for column in table.key)
        cursor = self.target.execute(
            f"SELECT * FROM [{table.name}] WHERE {where}", [row[c] for c in table.key]
        )
        values = cursor.fetchone()
        if values is None:
            return None
        return dict(zip([d[0] for d in cursor.description], values, strict=True))

    def _insert(self, table: Table, row: Row) -> int | None:
        columns = ", ".join(f"[{c}]" for c in row)
        marks = ", ".join("?" for _ in row)
        cursor = self.target.execute(
            f"INSERT INTO [{table.name}] ({columns}) VALUES ({marks})", list(row.values())
        )
        return cursor.lastrowid if table.surrogate else None

    def _update(self, table: Table, existing: Row, changes: Row) -> None:
        assignments = ", ".join(f"[{c}] = ?" for c in changes)
        where = " AND ".join(f"[{column}] IS ?" for column in table.key)
        self.target.execute(
            f"UPDATE [{table.name}] SET {assignments} WHERE {where}",
            [*changes.values(), *(existing[c] for c in table.key)],
        )

    def _taken(self, table: Table, row: Row) -> None:
        if table.name == "posts":
            self.kept_posts.append((row["journal"], row["ditemid"]))

    def fold_post_tags(self) -> None:
        """The tags of each post whose source row was taken become the source's tags."""
        for journal, ditemid in self.kept_posts:
            tag_ids = [
                tag_id
                for (tag_id,) in self.source.execute(
                    "SELECT tag_id FROM post_tags WHERE journal = ? AND ditemid = ?",
                    [journal, ditemid],
                )
            ]
            mapped = (self._mapped("tags", tag_id) for tag_id in tag_ids)
            wanted = {tag_id for tag_id in mapped if tag_id is not None}
            have = {
                tag_id
                for (tag_id,) in self.target.execute(
                    "SELECT tag_id FROM post_tags WHERE journal = ? AND ditemid = ?",
                    [journal, ditemid],
                )
            }
            if wanted == have:
                continue
            self.target.execute(
                "DELETE FROM post_tags WHERE journal = ? AND ditemid = ?", [journal, ditemid]
            )
            self.target.executemany(
                "INSERT INTO post_tags (journal, ditemid, tag_id) VALUES (?, ?, ?)",
                [(journal, ditemid, tag_id) for tag_id in sorted(wanted)],
            )
            self.counts.add(self.counts.updated if have else self.counts.inserted, _POST_TAGS)
        self.kept_posts.clear()


def _changes(table: Table, row: Row, existing: Row) -> Row:
    """What to write over `existing` so that it holds what folding `row` into it should give."""
    changes: Row = {}
    if _newer(table, row, existing):
        kept = {*table.keep_known, *ALWAYS_KEPT}
        changes = {
            c: v
            for c, v in row.items()
            if existing.get(c) != v
            and c not in table.key
            and not (v is None and c in kept and existing.get(c) is not None)
        }
        if table.earliest and _seen_first(existing, row):
            for column in table.earliest:
                changes.pop(column, None)
    if table.earliest and _seen_first(row, existing):
        changes.update(
            {c: row[c] for c in table.earliest if existing.get(c) != row[c] and row[c] is not None}
        )
    return changes


def _newer(table: Table, row: Row, existing: Row) -> bool:
    """Whether `row` is a later state than `existing`: seen later; seen in the same second, from
    a later capture (capture ids are mapped in the order they were made); from the same one,
    knowing more (fewer NULLs: a deletion marked since). A tie keeps what is there."""
    if table.rank is None:
        return False
    return _order(table.rank, row) > _order(table.rank, existing)


def _order(rank: Callable[[Row], tuple[Any, ...]], row: Row) -> tuple[Any, ...]:
    known = sum(value is not None for value in row.values())
    return (*rank(row), row.get("capture_id") or 0, known)


def _seen_first(row: Row, other: Row) -> bool:
    return bool(row.get("first_seen")) and row["first_seen"] < (other.get("first_seen") or "~")
