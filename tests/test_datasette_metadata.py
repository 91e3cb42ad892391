"""The Datasette metadata describes every table and column; sanitising and the chart, alone."""

from __future__ import annotations

import asyncio
from importlib import resources
from pathlib import Path

import pytest
import yaml

from archiver import store
from archiver.datasette.chart import monthly_svg, months_between
from archiver.datasette.sanitize import sanitize_html
from archiver.sample.seed_data import HOSTILE_BODY_HTML


def schema() -> dict[str, list[str]]:
    db = store.open_db(":memory:")
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' "
            "AND type IN ('table', 'virtual', 'view') AND name NOT LIKE 'sqlite_%'"
        )
    ]
    shadows = {n for n in names if any(n.endswith(s) for s in store.FTS5_SHADOW_SUFFIXES)}
    return {
        name: [row[1] for row in db.execute(f"PRAGMA table_info([{name}])")]
        for name in names
        if name not in shadows
    }


def metadata() -> dict[str, object]:
    text = resources.files("archiver.datasette").joinpath("metadata.yml").read_text("utf-8")
    loaded: dict[str, object] = yaml.safe_load(text)
    return loaded


def test_every_table_and_column_has_a_title_and_description() -> None:
    tables = metadata()["databases"]["archive"]["tables"]  # type: ignore[index]
    assert set(tables) == set(schema())
    for name, columns in schema().items():
        table = tables[name]
        assert table["title"] and table["description"], name
        assert set(table["columns"]) == set(columns), name
        assert all(str(text).strip() for text in table["columns"].values()), name


def test_canned_queries_run_on_an_empty_archive() -> None:
    db = store.open_db(":memory:")
    queries = metadata()["databases"]["archive"]["queries"]  # type: ignore[index]
    assert len(queries) >= 6
    for name, query in queries.items():
        params = {"journal": "", "ditemid": 0}
        db.execute(query["sql"], params).fetchall()  # raises on a bad query
        assert query["title"], name


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p onclick='x()'>hi</p>", "<p>hi</p>"),
        ("<script>x()</script><b>ok</b>", "<b>ok</b>"),
        ('<a href="javascript:x()">l</a>', '<a rel="noopener noreferrer nofollow">l</a>'),
        ('<img src="data:image/png;base64,AA">', "<img>"),
        ('<img src="https://ic.pics.livejournal.com/a.jpg" onerror="x()">',
         '<img src="https://ic.pics.livejournal.com/a.jpg">'),
        ('<div style="background:url(x)">s</div>', "<div>s</div>"),
        ("<iframe src='https://evil.example'></iframe>t", "t"),
        ("<lj-cut>cut</lj-cut><lj user='x'>", "cut"),
    ],
)  # fmt: skip
def test_sanitize_keeps_text_and_drops_what_runs(html: str, expected: str) -> None:
    assert sanitize_html(html) == expected


def test_the_hostile_sample_post_keeps_only_harmless_markup() -> None:
    clean = sanitize_html(HOSTILE_BODY_HTML)
    for gone in ("<script", "onerror", "onclick", 'href="javascript', "<iframe", "<form", "style="):
        assert gone not in clean
    assert "Harmless first paragraph." in clean and "harmless.png" in clean


def test_months_between_fills_the_gaps() -> None:
    assert months_between("2020-11", "2021-02") == ["2020-11", "2020-12", "2021-01", "2021-02"]
    svg = monthly_svg({"2020-11": 2, "2021-02": 1}, {"2020-12": 5})
    assert svg.count('<rect class="posts"') == 2 and svg.count('<rect class="comments"') == 1
    assert "2020-11: 2 posts" in svg and "busiest: 5" in svg


def test_the_chart_keeps_the_instance_permissions(tmp_path: Path) -> None:
    from datasette.app import Datasette

    store.open_db(tmp_path / "archive.db").close()

    async def status(metadata: dict[str, object]) -> int:
        datasette = Datasette([str(tmp_path / "archive.db")], metadata=metadata)
        response = await datasette.client.get("/-/archiver/chart")
        code: int = response.status_code
        return code

    assert asyncio.run(status({})) == 200
    assert asyncio.run(status({"allow": {"id": "admin"}})) == 403


def test_comments_are_put_in_reading_order_even_in_a_loop() -> None:
    from archiver.datasette.post_page import threaded

    def comment(talkid: int, parent: int | None) -> dict[str, object]:
        return {"talkid": talkid, "parent_talkid": parent}

    rows = [
        comment(1, None),
        comment(2, 1),
        comment(3, None),
        comment(4, 2),
        comment(5, 99),  # its parent is not archived: a thread of its own
        comment(6, 7),  # 6 and 7 answer each other: shown all the same
        comment(7, 6),
    ]
    order = [(c.row["talkid"], c.depth) for c in threaded(rows)]
    assert order[:5] == [(1, 1), (2, 2), (4, 3), (3, 1), (5, 1)]
    assert sorted(t for t, _ in order) == [1, 2, 3, 4, 5, 6, 7]
