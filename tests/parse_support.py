"""Helpers for the parser tests: items as JSON, fixture folders, handmade pages."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from archiver.items import ITEM_TYPES, Item
from archiver.parse import parse_page

FIXTURES = Path(__file__).parent / "fixtures"


def as_json(items: list[Item]) -> list[dict[str, Any]]:
    """Items as the JSON objects of an expected.json: {"type": ..., field: value, ...}."""
    records = [{"type": ITEM_TYPES[type(item)], **dataclasses.asdict(item)} for item in items]
    # Through JSON and back, so that tuples compare equal to lists.
    result: list[dict[str, Any]] = json.loads(json.dumps(records, ensure_ascii=False))
    return result


def without_media(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records without the page's MediaRefs: an expected.json of a whole parse leaves them out
    (they are many; tests/test_requisites.py and tests/test_media_crawl.py check them)."""
    return [r for r in records if r["type"] != "media"]


def load_capture(folder: Path) -> tuple[str, bytes, int, datetime, str | None]:
    """A fixture folder's capture: URL, body, status, capture time, content type."""
    meta = json.loads((folder / "capture.json").read_text("utf-8"))
    status = int(meta.get("status", 200))
    content_type = meta.get("content_type")
    if (folder / "response.http").exists():
        raw = (folder / "response.http").read_bytes()
        head, body = raw.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        content_type = headers.get("Content-Type", content_type)
    else:
        body = body_file(folder).read_bytes()
    return meta["url"], body, status, datetime.fromisoformat(meta["captured_at"]), content_type


def body_file(folder: Path) -> Path:
    """The page's body: page.html, or page.xml for a feed."""
    for name in ("page.html", "page.xml"):
        if (folder / name).exists():
            return folder / name
    raise FileNotFoundError(f"{folder}: no response.http, page.html or page.xml")


def parse_folder(folder: Path) -> list[Item]:
    url, body, status, captured_at, content_type = load_capture(folder)
    return parse_page(url, body, status=status, captured_at=captured_at, content_type=content_type)


def expected_of(folder: Path) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = json.loads((folder / "expected.json").read_text("utf-8"))
    return result


# The field that tells two items of a type apart, for expected.json files of hand-read facts.
FACT_KEYS = {
    "journal": "username",
    "post": "ditemid",
    "locked_post": "ditemid",
    "comment": "talkid",
    "recent_post": "position",
    "comment_policy": "source_url",
    "links": "kind",
    "error": "url",
}


def fact_mismatches(parsed: list[dict[str, Any]], facts: dict[str, Any]) -> list[str]:
    """How parsed items differ from hand-read facts: {"items": [{"type", key, field: value}]}.

    Every type the facts name must be parsed as exactly the items listed (no more, no fewer,
    in page order); of each, only the fields written down are compared. Every other type the
    page gives must be named in `unchecked_types` ({type: why it is not read by hand})."""
    problems: list[str] = []
    expected: list[dict[str, Any]] = facts["items"]
    if not expected:
        return ["the facts name no item: they would pass any page"]
    # Every type the page gives is read by hand, or said not to be (with the reason).
    unchecked = set(facts.get("unchecked_types", {}))
    named = {e["type"] for e in expected}
    for kind in sorted({p["type"] for p in parsed} - named - unchecked):
        problems.append(f"{kind}: parsed but neither in the facts nor in unchecked_types")
    for kind in dict.fromkeys(e["type"] for e in expected):
        key = FACT_KEYS[kind]
        want = [e for e in expected if e["type"] == kind]
        got = [p for p in parsed if p["type"] == kind]
        if [w[key] for w in want] != [g[key] for g in got]:
            problems.append(f"{kind}: {key}s {[g[key] for g in got]} != {[w[key] for w in want]}")
            got_by_key = {g[key]: g for g in got}
            got = [got_by_key.get(w[key], {}) for w in want]
        for w, g in zip(want, got, strict=True):
            for name, value in w.items():
                if name != "type" and g.get(name, "<absent>") != value:
                    shown = g.get(name, "<absent>")
                    problems.append(f"{kind} {w[key]}: {name} is {shown!r}, expected {value!r}")
    return problems
