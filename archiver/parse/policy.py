"""The journal's comment policy, as the reply form shows it (ANATOMY §1f, MARKUP.md).

The form `div.b-watering` carries the policy twice: as classes (`b-watering-user-regonly`,
`b-watering-user-screened[-anon|-notafriend]`, `b-watering-user-ipalert`) and as the notes a
reader sees (`p.b-msgsystem-error-regonly` "Anonymous comments are disabled in this journal",
`-screened` "Your reply will be screened", `-ipalert` "Your IP address will be recorded").
A post whose comments are disabled has no form but `p.b-bubble-alert.b-comments-disabled`.
"""

from __future__ import annotations

from parsel import Selector

from archiver.items import CommentPolicyItem
from archiver.parse.markup import class_set, has_class, text_of
from archiver.parse.page import Page

_PREFIX = "b-watering-user-"
# The 2014 form (SRC) said the same with b-postform-alert-* bubbles.
_NOTE_CLASSES = {
    "regonly": ("b-msgsystem-error-regonly", "b-postform-alert-regonly"),
    "screened": ("b-msgsystem-error-screened", "b-postform-alert-screened"),
    "ipalert": ("b-msgsystem-error-ipalert", "b-postform-alert-ipalert"),
}
_DISABLED_SENTENCES = (
    "comments for this post were disabled",
    "comments for this post were locked",
)


def parse_policy(page: Page, journal: str) -> CommentPolicyItem | None:
    """The policy the page shows, or None when it shows none (S2 pages have no inline form)."""
    forms = page.sel.xpath(f"//div[{has_class('b-watering')}]")
    disabled = _comments_disabled(page)
    if not forms:
        if not disabled:
            return None
        # No form at all: nobody can comment, so nothing is screened or recorded.
        return CommentPolicyItem(
            journal=journal,
            source_url=page.url,
            anonymous_allowed=False,
            screened=False,
            screened_scope=None,
            ip_recorded=False,
            comments_disabled=True,
        )
    form = forms[0]
    flags = {c.removeprefix(_PREFIX) for c in class_set(form) if c.startswith(_PREFIX)}
    notes = {key for key, classes in _NOTE_CLASSES.items() if _has_note(form, classes)}
    screened = "screened" in flags or "screened" in notes
    return CommentPolicyItem(
        journal=journal,
        source_url=page.url,
        anonymous_allowed=not ("regonly" in flags or "regonly" in notes),
        screened=screened,
        screened_scope=_scope(flags) if screened else None,
        # Real pages say it with `logips` ("Your IP address will be recorded"), older ones
        # with `ipalert`.
        ip_recorded=bool({"ipalert", "logips"} & flags) or "ipalert" in notes,
        comments_disabled=disabled,
    )


def _scope(flags: set[str]) -> str:
    if "screened-anon" in flags:
        return "anonymous"
    if "screened-notafriend" in flags:
        return "non-friends"
    return "all"


def _has_note(form: Selector, classes: tuple[str, ...]) -> bool:
    for name in classes:
        for note in form.xpath(f".//*[{has_class(name)}]"):
            if text_of(note):
                return True
    return False


def _comments_disabled(page: Page) -> bool:
    if page.sel.xpath(f"//*[{has_class('b-comments-disabled')}]"):
        return True
    for alert in page.sel.xpath(f"//*[{has_class('b-bubble-alert')}]"):
        text = text_of(alert).casefold()
        if any(sentence in text for sentence in _DISABLED_SENTENCES):
            return True
    return False
