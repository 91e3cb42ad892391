"""The forms in which people paste a journal (`archiver crawl`, `--journals-file`, `enqueue`)."""

from __future__ import annotations

import pytest

from archiver.urls import journal_name


@pytest.mark.parametrize(
    "text",
    [
        "zloy_odessit",
        "ZLOY-ODESSIT",
        "  zloy-odessit  ",
        "@zloy_odessit",
        "zloy-odessit.livejournal.com",
        "https://zloy-odessit.livejournal.com/",
        "http://zloy-odessit.livejournal.com/1179162.html?thread=1#t1",
        "zloy-odessit.livejournal.com/2023/05/",
        "https://www.livejournal.com/users/zloy_odessit/",
        "www.livejournal.com/users/zloy-odessit/profile",
        "https://livejournal.com/~zloy_odessit",
        "https://users.livejournal.com/zloy-odessit/",
        "https://community.livejournal.com/zloy_odessit/123.html",
    ],
)
def test_every_form_names_the_same_journal(text: str) -> None:
    assert journal_name(text) == "zloy_odessit"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "https://www.livejournal.com/",
        "https://www.livejournal.com/users/",
        "https://www.livejournal.com/update.bml",
        "https://l-stat.livejournal.com/x.css",
        "https://example.com/users/zloy_odessit/",
        "a/b",
        "x" * 16,
    ],
)
def test_what_names_no_journal_is_refused(text: str) -> None:
    assert journal_name(text) is None
