"""The seed page's facts, on handmade markup that follows MARKUP.md: the widget and the policy."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from handmade import (
    PROMO_DITEMID,
    SEED_CLASSES,
    SEED_DITEMID,
    SEED_NOTES,
    SEED_WIDGET,
    ZLOY_ROOT,
    schemius_post,
    watering,
)

from archiver.items import CommentPolicyItem, PostItem, RecentPostItem
from archiver.parse import parse_page

SEEN = datetime(2021, 10, 10, 12, 0, tzinfo=UTC)
URL = f"{ZLOY_ROOT}{SEED_DITEMID}.html?format=light"


def parse(html: str, url: str = URL, seen: datetime = SEEN) -> list[object]:
    return list(parse_page(url, html.encode(), captured_at=seen))


def widget_items(html: str, seen: datetime = SEEN) -> list[RecentPostItem]:
    return [i for i in parse(html, seen=seen) if isinstance(i, RecentPostItem)]


def policy_of(html: str) -> CommentPolicyItem:
    (policy,) = [i for i in parse(html) if isinstance(i, CommentPolicyItem)]
    return policy


def test_seed_widget_promoted_item() -> None:
    promo, regular = widget_items(schemius_post(SEED_WIDGET))
    assert promo == RecentPostItem(
        journal="zloy_odessit",
        source_url=URL,
        position=1,
        title="Азербайджан. Часть первая",
        url=f"{ZLOY_ROOT}{PROMO_DITEMID}.html",
        author="zloy_odessit",
        date_text="Вересень 30, 19:05",
        date="2021-09-30T19:05:00",
        comment_count=18,
        promoted=True,
        price_tokens=50,
        excerpt=(
            "Это первое видео из цикла, посвященного моей поездке в Азербайджан. Каждый день я "
            "посещал то или иное место, и сразу же, пока были живы первые впечатления и эмоции, "
            "записывал их. Потому, что самое сильное впечатление то, которое ты буквально только "
            "что пережил. Лишь после возвращения в…"
        ),
    )
    assert (regular.position, regular.promoted, regular.price_tokens) == (2, False, None)
    assert (regular.date, regular.comment_count, regular.title) == (
        "2021-09-20T09:00:00",
        3,
        "Місто вечір",
    )


def test_widget_date_year_comes_from_the_capture() -> None:
    # The same widget seen in January 2022: "Вересень 30" is last September.
    (promo, _regular) = widget_items(
        schemius_post(SEED_WIDGET), seen=datetime(2022, 1, 15, tzinfo=UTC)
    )
    assert promo.date == "2021-09-30T19:05:00"


def test_the_same_widget_on_later_pages_is_read_against_each_page() -> None:
    # Post pages of one journal share their widget, which the parser reads once per distinct
    # HTML; the page's own URL and capture time must still shape every item.
    html = schemius_post(SEED_WIDGET)
    first_page = widget_items(html)
    other_url = f"{ZLOY_ROOT}1234.html"
    later = [
        i
        for i in parse(html, url=other_url, seen=datetime(2023, 3, 1, tzinfo=UTC))
        if isinstance(i, RecentPostItem)
    ]
    assert [i.date for i in first_page] == ["2021-09-30T19:05:00", "2021-09-20T09:00:00"]
    assert [i.date for i in later] == ["2022-09-30T19:05:00", "2022-09-20T09:00:00"]
    assert {i.source_url for i in later} == {other_url}
    assert [i.title for i in later] == [i.title for i in first_page]


def test_widget_is_not_the_post() -> None:
    items = parse(schemius_post(SEED_WIDGET))
    (post,) = [i for i in items if isinstance(i, PostItem)]
    assert "Азербайджан" not in post.body_html
    assert post.tags == ("english",)


def test_no_widget_no_items() -> None:
    assert widget_items(schemius_post()) == []


def test_seed_policy_three_notes() -> None:
    policy = policy_of(schemius_post(watering(SEED_CLASSES, SEED_NOTES)))
    assert policy == CommentPolicyItem(
        journal="zloy_odessit",
        source_url=URL,
        anonymous_allowed=False,
        screened=True,
        screened_scope="all",
        ip_recorded=True,
        comments_disabled=False,
    )


@pytest.mark.parametrize(
    ("classes", "notes", "expected"),
    [
        ("", "", (True, False, None, False)),
        ("b-watering-user-regonly", "", (False, False, None, False)),
        (
            "b-watering-user-screened b-watering-user-screened-anon",
            "",
            (True, True, "anonymous", False),
        ),
        (
            "b-watering-user-screened b-watering-user-screened-notafriend",
            "",
            (True, True, "non-friends", False),
        ),
        ("b-watering-user-ipalert", "", (True, False, None, True)),
        # The notes alone say the same as the classes.
        ("", SEED_NOTES, (False, True, "all", True)),
        # An empty note element (the page's AJAX error slot) says nothing.
        (
            "",
            '<p class="b-msgsystem-error b-msgsystem-error-ipalert"></p>',
            (True, False, None, False),
        ),
    ],
)  # fmt: skip
def test_policy_variants(
    classes: str, notes: str, expected: tuple[bool, bool, str | None, bool]
) -> None:
    policy = policy_of(schemius_post(watering(classes, notes)))
    assert (
        policy.anonymous_allowed,
        policy.screened,
        policy.screened_scope,
        policy.ip_recorded,
    ) == expected
    assert not policy.comments_disabled


def test_comments_disabled_post() -> None:
    html = schemius_post(
        '<p class="b-bubble b-bubble-alert b-comments-disabled">'
        "Comments for this post were disabled by the author</p>"
    )
    policy = policy_of(html)
    assert policy.comments_disabled
    assert (policy.anonymous_allowed, policy.screened, policy.ip_recorded) == (False, False, False)


def test_no_form_no_policy() -> None:
    assert not [i for i in parse(schemius_post()) if isinstance(i, CommentPolicyItem)]
