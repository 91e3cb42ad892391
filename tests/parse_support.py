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
