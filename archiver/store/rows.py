"""The few statement shapes every save is made of: insert, upsert, touch, one row, item→row."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields
from functools import lru_cache
from typing import Any

from sqlite_utils import Database

# Columns an upsert never overwrites with NULL: a later page that does not show a value (a
# deleted comment's text, an error page's journal title) keeps what an earlier one showed.
ALWAYS_KEPT = frozenset({"capture_id"})


# Connections saving a page now (`page_scope`), with the journals whose row this page has ensured.
_PAGES: dict[int, set[str]] = {}


@contextmanager
def page_scope(db: Database) -> Iterator[None]:
    """One page's save, in one savepoint: the saves inside it open none of their own (a failed
    save undoes the whole page anyway), which spares two statements a row."""
    with db.atomic():
        _PAGES[id(db.conn)] = set()
        try:
            yield
        finally:
            del _PAGES[id(db.conn)]


@contextmanager
def atomic(db: Database) -> Iterator[None]:
    """`db.atomic()`, unless inside a `page_scope`, which is atomic already."""
    if id(db.conn) in _PAGES:
        yield
    else:
        with db.atomic():
            yield


def first_in_page(db: Database, journal: str) -> bool:
    """Whether `journal`'s row is not yet ensured by the page being saved (outside a page:
    always)."""
    ensured = _PAGES.get(id(db.conn))
    if ensured is None:
        return True
    if journal in ensured:
        return False
    ensured.add(journal)
    return True


def item_row(item: Any, *, drop: Collection[str] = (), **extra: Any) -> dict[str, Any]:
    """An item's fields as a row, without `drop`, with `extra` columns added. The rows' items
    hold plain values only, so no deep copy (`dataclasses.asdict`) is needed."""
    row = {name: getattr(item, name) for name in _field_names(type(item)) if name not in drop}
    row.update(extra)
    return row


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(item_type: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(item_type)
    if names is None:
        names = _FIELD_NAMES[item_type] = tuple(f.name for f in fields(item_type))
    return names


def insert(db: Database, table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(f"[{c}]" for c in row)
    values = ", ".join(f":{c}" for c in row)
    cursor = db.execute(f"INSERT INTO [{table}] ({columns}) VALUES ({values})", row)
    rowid: int | None = cursor.lastrowid
    assert rowid is not None
    return rowid


def upsert(
    db: Database,
    table: str,
    row: dict[str, Any],
    key: Sequence[str],
    *,
    keep_known: Collection[str] = (),
    insert_only: bool = False,
) -> None:
    """Insert `row`, or update the row with the same `key`.

    On update every column takes the new value, except: `first_seen` stays, `last_seen` takes
    the later of the two, and the `keep_known` columns (and `capture_id`) keep their old value
    where the new one is NULL. With `insert_only` an existing row is left as it is.
    """
    statement = _upsert_sql(table, tuple(row), tuple(key), frozenset(keep_known), insert_only)
    db.execute(statement, row)


@lru_cache(maxsize=64)
def _upsert_sql(
    table: str,
    columns: tuple[str, ...],
    key: tuple[str, ...],
    keep_known: frozenset[str],
    insert_only: bool,
) -> str:
    """The statement for one shape of row: built once, not for every comment saved."""
    names = ", ".join(f"[{c}]" for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    conflict = ", ".join(f"[{c}]" for c in key)
    assignments = [
        _assignment(column, keep_known)
        for column in columns
        if column not in key and column != "first_seen"
    ]
    action = "NOTHING" if insert_only or not assignments else "UPDATE SET " + ", ".join(assignments)
    return f"INSERT INTO [{table}] ({names}) VALUES ({values}) ON CONFLICT ({conflict}) DO {action}"


def _assignment(column: str, keep_known: Collection[str]) -> str:
    if column == "last_seen":
        return "[last_seen] = MAX([last_seen], excluded.[last_seen])"
    if column in keep_known or column in ALWAYS_KEPT:
        return f"[{column}] = COALESCE(excluded.[{column}], [{column}])"
    return f"[{column}] = excluded.[{column}]"


def one(db: Database, sql: str, params: Sequence[Any]) -> dict[str, Any] | None:
    return next(iter(db.query(sql, params)), None)


def touch(db: Database, table: str, row_id: int, seen_at: str) -> None:
    """A row seen again unchanged: its `last_seen` moves on."""
    db.execute(
        f"UPDATE [{table}] SET last_seen = MAX(last_seen, ?) WHERE id = ?", [seen_at, row_id]
    )
