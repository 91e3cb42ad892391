"""The `MediaRef`s of a parsed page: what it loads, and whose each thing is.

On a post page the post owns what its own element shows (the body's images, the poster's
userpic, the mood icon) and the page's stylesheets and scripts; each comment owns the images of
its text and its commenter's userpic. What is left (the header's logos, buttons, counters) and
everything a listing page loads belongs to no post: it is fetched for replay, not linked.
"""

from __future__ import annotations

from parsel import Selector

from archiver.items import CommentItem, MediaRef
from archiver.parse.page import Page
from archiver.parse.requisites import (
    USERPIC,
    images_in,
    images_in_html,
    role_of_image,
    styles_and_scripts,
)


def post_page_media(
    page: Page,
    journal: str,
    ditemid: int,
    post_root: Selector,
    comments: list[CommentItem],
    userpics: dict[int, str],
) -> list[MediaRef]:
    def ref(url: str, role: str, owner: int | None, talkid: int | None = None) -> MediaRef:
        return MediaRef(journal, page.url, url, role, owner, talkid)

    refs = [ref(url, role, ditemid) for url, role in styles_and_scripts(page.sel, page.url)]
    owned = images_in(post_root, page.url)
    refs += [ref(url, role_of_image(url), ditemid) for url in owned]
    for comment in comments:
        userpic = userpics.get(comment.talkid)
        if userpic:
            refs.append(ref(userpic, USERPIC, ditemid, comment.talkid))
        for url in images_in_html(comment.body_html or "", page.url):
            refs.append(ref(url, role_of_image(url), ditemid, comment.talkid))
    claimed = {r.url for r in refs}
    for url in images_in(page.sel, page.url):
        if url not in claimed:
            refs.append(ref(url, role_of_image(url), None))
    return list(dict.fromkeys(refs))


def listing_page_media(page: Page, journal: str) -> list[MediaRef]:
    refs = [
        MediaRef(journal, page.url, url, role)
        for url, role in styles_and_scripts(page.sel, page.url)
    ]
    refs += [
        MediaRef(journal, page.url, url, role_of_image(url))
        for url in images_in(page.sel, page.url)
    ]
    return list(dict.fromkeys(refs))
