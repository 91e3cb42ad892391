"""The real LiveJournal pages (../shared/lj/pages) parse to the facts read from them by hand.

Each folder under fixtures/real holds the capture (page.html or a byte-exact response.http), its
capture.json (URL, time) and expected.json: the whole parsed result, written from SOURCES.md's
facts. The bodies in expected.json are the page's own bytes between the body element's tags
(`<br/>` written back as `<br>`, as lxml serialises it). test_parse_fixtures.py compares each
folder's whole parsed result with its expected.json (with the sample server's folders); this file
holds the facts read from the pages by hand.
"""

from __future__ import annotations

import parsel.selector
import pytest
from parse_support import FIXTURES, parse_folder

from archiver.items import CommentItem, CommentPolicyItem, JournalItem, PostItem

REAL = sorted(p for p in (FIXTURES / "real").iterdir() if (p / "capture.json").exists())


def test_every_real_page_has_a_fixture() -> None:
    assert {p.name for p in REAL} >= {
        "kelijah-266579",
        "kelijah-266132",
        "alstrangers-error451-1",
        "alstrangers-error451-2",
        "alstrangers-error451-3",
    }


def test_schemius_facts() -> None:
    items = parse_folder(FIXTURES / "real" / "kelijah-266579")
    journal = next(i for i in items if isinstance(i, JournalItem))
    post = next(i for i in items if isinstance(i, PostItem))
    policy = next(i for i in items if isinstance(i, CommentPolicyItem))
    assert (journal.username, journal.journal_id, journal.title, journal.journal_type) == (
        "kelijah",
        7519330,
        "Компьютерная лингвистика",
        "personal",
    )
    assert (post.ditemid, post.poster, post.published, post.tags) == (
        266579,
        "kelijah",
        "2020-01-23T11:18:00",
        ("github", "nlp"),
    )
    assert (post.comment_count, post.security, post.skin) == (0, "public", "schemius")
    assert not any(isinstance(i, CommentItem) for i in items)
    assert (policy.anonymous_allowed, policy.screened, policy.ip_recorded) == (False, True, False)
    # The body is the post only: no tags block, share buttons, navigation or widgets.
    for junk in ("Tags:", "b-singlepost-tags", "Share", "b-controls", "lj-likus", "Subscribe"):
        assert junk not in post.body_html
    assert post.body_html.startswith("NLP pipeline включает")
    assert post.body_text.startswith("NLP pipeline включает несколько")
    assert "\n\nКроме того" in post.body_text


def test_s2_facts() -> None:
    items = parse_folder(FIXTURES / "real" / "kelijah-266132")
    post = next(i for i in items if isinstance(i, PostItem))
    comments = [i for i in items if isinstance(i, CommentItem)]
    assert post.published == "2020-01-03T09:36:00+03:00"
    assert post.published_text == "January 3rd, 9:36"
    # The post's six tags, not the journal's tag cloud in the sidebar (python, keras, ...).
    assert sorted(post.tags) == sorted(
        ["dataset", "chatbot", "chunker", "nlp", "chunking", "существительное"]
    )
    assert "ljtags" not in post.body_html and "Tags:" not in post.body_text
    assert [(c.talkid, c.parent_talkid, c.depth) for c in comments] == [
        (71316, None, 1),
        (71572, 71316, 2),
        (71828, 71572, 3),
    ]
    assert post.comment_count == len(comments) == 3


@pytest.mark.parametrize("name", ["kelijah-266579", "kelijah-266132"])
def test_a_page_is_parsed_once(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = parsel.selector.create_root_node

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(parsel.selector, "create_root_node", counting)
    parse_folder(FIXTURES / "real" / name)
    assert len(calls) == 1
