"""The README's "The database" section documents every table and every column of the schema."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from archiver import store

README = Path(__file__).resolve().parents[1] / "README.md"
SECTION = "## The database"
# A column without a declared type (the FTS5 tables' columns) is written as a dash.
NO_TYPE = "—"

TABLE_HEADING = re.compile(r"^### `([^`]+)`\s*$", re.MULTILINE)
COLUMN_ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+?) \| ([^|]+?) \|\s*$", re.MULTILINE)
SQL_BLOCK = re.compile(r"^```sql\n(.*?)^```", re.MULTILINE | re.DOTALL)


def database_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n{SECTION}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def documented_tables() -> dict[str, str]:
    """Table name -> the README text under its `### \\`name\\`` heading."""
    section = database_section()
    headings = list(TABLE_HEADING.finditer(section))
    return {
        match.group(1): section[match.end() : nxt.start() if nxt else len(section)]
        for match, nxt in zip(headings, [*headings[1:], None], strict=True)
    }


def schema() -> dict[str, list[tuple[str, str]]]:
    """Table name -> [(column, declared type)], as a fresh database has them."""
    db = store.open_db(":memory:")
    tables = [
        name
        for (name,) in db.execute(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' "
            "AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ).fetchall()
    ]
    return {
        table: [(row[1], row[2]) for row in db.execute(f"PRAGMA table_info([{table}])")]
        for table in tables
    }


SCHEMA = schema()


def test_every_table_has_a_readme_heading_and_no_other() -> None:
    assert SECTION in README.read_text(encoding="utf-8")
    # The FTS5 shadow tables (posts_fts_data, ...) are SQLite's, not ours.
    assert "posts_fts" in SCHEMA and "posts_fts_data" not in SCHEMA
    assert sorted(documented_tables()) == sorted(SCHEMA)


@pytest.mark.parametrize("table", sorted(SCHEMA))
def test_every_column_is_documented_with_its_type(table: str) -> None:
    text = documented_tables().get(table)
    assert text is not None, f"README has no ### `{table}` heading under {SECTION!r}"
    rows = COLUMN_ROW.findall(text)
    documented = [(column, kind.strip()) for column, kind, _meaning in rows]
    expected = [(column, kind or NO_TYPE) for column, kind in SCHEMA[table]]
    assert documented == expected, f"README's column table for {table} is out of date"
    assert all(meaning.strip() for _column, _kind, meaning in rows)


def test_the_readme_search_example_runs() -> None:
    examples = SQL_BLOCK.findall(database_section())
    assert examples
    db = store.open_db(":memory:")
    for sql in examples:
        try:
            db.execute(sql).fetchall()
        except sqlite3.Error as error:  # pragma: no cover - the message is the point
            pytest.fail(f"README example failed: {error}\n{sql}")
