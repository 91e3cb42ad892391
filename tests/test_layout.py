"""The house rules of the code, checked: Scrapy only in `crawl/`, SQL only in `store/`, a thin
spider, no import cycles, and a CLI that loads nothing it does not need."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "archiver"
SQL = re.compile(
    r"\b(select\b.+\bfrom|insert\s+into|update\s+\[?\w+\]?\s+set|delete\s+from|"
    r"create\s+(table|view|index|virtual)|alter\s+table|pragma\s+\w+|on\s+conflict)\b",
    re.IGNORECASE | re.DOTALL,
)


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imported(path: Path, known: dict[str, Path]) -> set[str]:
    """The archiver modules `path` imports anywhere in it (at the top or inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in names if name in known}


def test_only_the_crawl_package_imports_scrapy_or_twisted() -> None:
    outside = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            roots = []
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                roots = [node.module.split(".")[0]]
            if {"scrapy", "twisted"} & set(roots) and not name.startswith("archiver.crawl"):
                outside.append(name)
    assert outside == []


def test_no_sql_outside_the_store_package() -> None:
    found = []
    for name, path in modules().items():
        if name.startswith("archiver.store"):
            continue
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        for token in tokens:
            if token.type == tokenize.STRING and SQL.search(token.string):
                found.append(f"{name}:{token.start[0]}: {token.string[:60]}")
    assert found == []


def test_the_sql_check_finds_sql() -> None:
    for statement in (
        '"SELECT id FROM captures WHERE url = ?"',
        "'insert into posts values (?)'",
        '"UPDATE [journals] SET listed_in_run = ?"',
        '"PRAGMA foreign_keys = ON"',
    ):
        assert SQL.search(statement), statement
    assert not SQL.search('"Pick the journal from the list"')


def test_the_spider_is_thin() -> None:
    spider = PACKAGE / "crawl" / "spider.py"
    assert len(spider.read_text().splitlines()) <= 140
    source = spider.read_text()
    # It asks the plan; it does not classify URLs or read the database itself.
    assert "urls.classify" not in source and ".execute(" not in source


def test_no_import_cycles() -> None:
    known = modules()
    graph = {name: imported(path, known) - {name} for name, path in known.items()}
    cycles = []

    def visit(name: str, trail: list[str]) -> None:
        for target in sorted(graph[name]):
            if target in trail:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in done:
                visit(target, [*trail, target])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    # A package importing its own modules is how packages work; anything else is a cycle.
    real = [c for c in cycles if not all(m.startswith(c[0] + ".") for m in c[1:-1])]
    assert real == []


def test_the_cli_loads_neither_the_sample_journals_nor_scrapy_at_start_up() -> None:
    code = (
        "import sys, archiver.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted', "
        "'datasette') or m in ('archiver.sample.content', 'archiver.sample.server')))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_tests_read_nothing_outside_the_checkout() -> None:
    here = Path(__file__).resolve()
    beside = re.compile(r"parents\[[2-9]\]|/ \"shared\"|[\"']\.\./shared")
    reaching_out = [
        path.name
        for path in sorted(here.parent.glob("*.py"))
        if path != here and beside.search(path.read_text())
    ]
    assert reaching_out == []
