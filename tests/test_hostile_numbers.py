"""Numbers from pages are data, never sizes: hostile values parse quickly, in little memory, and
anything a page provokes is that page's ParseError."""

from __future__ import annotations

import re
import tracemalloc

import fuzz_pages
import pytest
from parse_support import FIXTURES, load_capture

from archiver.items import CommentItem, PostItem
from archiver.parse import ParseError, comments, parse_page

S2_COMMENTS = FIXTURES / "sample" / "tea_club-1806-s2"


def parse_with(folder_name: str, pattern: str, replacement: str, count: int = 1) -> list[object]:
    url, body, status, captured_at, content_type = load_capture(FIXTURES / "sample" / folder_name)
    text = body.decode("utf-8")
    mutated, done = re.subn(pattern, replacement, text, count=count)
    assert done == count, f"{pattern} not in {folder_name}"
    return list(
        parse_page(
            url,
            mutated.encode("utf-8"),
            status=status,
            captured_at=captured_at,
            content_type=content_type,
        )
    )


@pytest.mark.parametrize("depth", ["400000000", "9" * 30])
def test_a_huge_comment_depth_takes_no_memory(depth: str) -> None:
    tracemalloc.start()
    try:
        items = parse_with("tea_club-1806-s2", r'"depth":3', f'"depth":{depth}')
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50_000_000  # the page itself needs a few MB; 400 million slots would be GBs
    depths = {i.depth for i in items if isinstance(i, CommentItem)}
    if len(depth) < 19:  # a depth is data: kept as the page gave it
        assert int(depth) in depths
    else:  # what no 64-bit INTEGER holds is no number: the depth falls back to the markup's
        assert depths and max(depths) < 2**63


def test_a_thread_as_deep_as_a_page_claims_takes_no_memory() -> None:
    stack: comments.Ancestors = {}
    tracemalloc.start()
    try:
        comments._push(stack, 1, 10)
        comments._push(stack, 400_000_000, 11)  # what b-tree-twig-400000000 says
        assert comments._parent(stack, 400_000_001) == 11
        assert comments._parent(stack, 400_000_000) is None  # its parent is on another page
        comments._push(stack, 2, 12)
        assert stack == {1: 10, 2: 12} and comments._parent(stack, 2) == 10
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000


@pytest.mark.parametrize("stamp", ["1" + "0" * 30, "99999999999999", "-99999999999999"])
def test_a_comment_time_no_calendar_holds_is_no_time(stamp: str) -> None:
    items = parse_with("bulk_journal-9917-page2", r'"ctime_ts":\d+', f'"ctime_ts":{stamp}')
    comments = [i for i in items if isinstance(i, CommentItem)]
    assert comments  # the page still parses; that comment's time comes from its text
    for comment in comments:
        assert comment.posted is None or comment.posted.startswith(("19", "20"))


def test_a_comment_count_beyond_any_integer_is_unknown() -> None:
    url, body, status, captured_at, _type = load_capture(FIXTURES / "sample" / "tea_club-1806-s2")
    text = body.decode("utf-8")
    mutated = re.sub(r'"replycount":\d+', '"replycount":' + "9" * 40, text)
    assert mutated != text
    items = parse_page(url, mutated.encode(), status=status, captured_at=captured_at)
    (post,) = [i for i in items if isinstance(i, PostItem)]
    assert post.comment_count is None or post.comment_count < 2**63


def test_whatever_a_page_provokes_is_its_parse_error() -> None:
    url, body, status, captured_at, _type = load_capture(S2_COMMENTS)
    deep = body.replace(b"<body", b"<body>" + b"<div>" * 100_000 + b"<x", 1)
    try:
        items = parse_page(url, deep, status=status, captured_at=captured_at)
    except ParseError as error:  # lxml may refuse the nesting: then it says so, for this URL
        assert url in str(error)
    else:
        assert any(isinstance(i, PostItem) for i in items)


def test_a_few_hundred_mutated_pages_parse_or_fail_with_their_parse_error() -> None:
    report = fuzz_pages.fuzz(300, seed=7)
    assert report.pages == 300 and set(report.by_mutation) == set(fuzz_pages.MUTATIONS)
    assert dict(report.crashes) == {}
    assert report.parsed > 0 and report.parse_errors > 0
