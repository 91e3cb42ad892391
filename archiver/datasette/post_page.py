"""What the post page shows, built from its rows: the comments in thread order, each with how
deep it sits and what LiveJournal showed of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

# How a comment's state reads on the page (LiveJournal's states, and a fold).
STATE_NOTES = {
    "active": "",
    "deleted": "deleted",
    "screened": "screened",
    "frozen": "frozen",
    "suspended": "from a suspended account",
}


@dataclass(frozen=True)
class ThreadedComment:
    row: Mapping[str, Any]
    depth: int  # 1 for a reply to the post, as LiveJournal counts (`comments.depth`)
    body: Any = None  # its text as the page shows it (sanitised), once the plugin has made it

    @property
    def notes(self) -> list[str]:
        state = str(self.row.get("state") or "")
        notes = [STATE_NOTES.get(state, state)]
        if self.row.get("collapsed"):
            notes.append("folded (its thread page was read for its text)")
        if self.row.get("body_html") is None and state == "active":
            notes.append("its text was never shown to the crawler")
        return [note for note in notes if note]


def threaded(comments: Sequence[Mapping[str, Any]]) -> list[ThreadedComment]:
    """Comments in reading order: each after its parent, replies in the order written (talkid).
    A reply whose parent is not archived starts a thread of its own."""
    known = {row["talkid"] for row in comments}
    children: dict[int | None, list[Mapping[str, Any]]] = {}
    for row in comments:
        parent = row["parent_talkid"] if row["parent_talkid"] in known else None
        children.setdefault(parent, []).append(row)
    ordered: list[ThreadedComment] = []
    placed: set[int] = set()
    roots = children.get(None, [])
    while len(placed) < len(known):
        stack = [(row, 1) for row in reversed(roots)]
        while stack:
            row, depth = stack.pop()
            if row["talkid"] in placed:
                continue
            placed.add(row["talkid"])
            ordered.append(ThreadedComment(row, depth))
            stack.extend((child, depth + 1) for child in reversed(children.get(row["talkid"], [])))
        # What no root reaches (its parents answer each other in a loop) starts its own thread.
        roots = [row for row in comments if row["talkid"] not in placed][:1]
    return ordered


def replay_link(replay_base: str, fetched_at: str, url: str) -> str | None:
    """The capture in a pywb collection (ARCHIVER_REPLAY_URL), or None without one."""
    if not replay_base.strip():
        return None
    stamp = "".join(ch for ch in fetched_at if ch.isdigit())[:14]
    return f"{replay_base.strip().rstrip('/')}/{stamp}/{quote(url, safe=':/?=&%')}"
