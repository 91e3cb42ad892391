"""The 2017+ "new style" post page, `article.aentry` (ANATOMY §1b end, C2; MARKUP "aentry")."""

from __future__ import annotations

from archiver import urls
from archiver.sample.content import Journal, Post, Site
from archiver.sample.render.comment_view import CommentView
from archiver.sample.render.comments import aentry_threads, b_pager
from archiver.sample.render.frame import post_meta, schemius_document, site_title
from archiver.sample.render.lang import english_comments, site_long_date
from archiver.sample.render.markup import (
    currents,
    esc,
    journal_ljuser,
    lines,
    ljuser,
    local_iso,
    post_link,
    security_icon,
    userpic_img,
)
from archiver.sample.render.policy import POST_COMMENT, comment_form
from archiver.sample.render.site_json import controlstrip_json, page_entry_json, script_block
from archiver.sample.render.widget import recent_posts_widget


def aentry_post_page(site: Site, journal: Journal, post: Post, view: CommentView) -> str:
    page = {
        "entry": page_entry_json(post, version2=True),
        "replycount": view.reply_count,
        "comments_page": view.page,
        "scheme": "schemius",
        "allow_commenting": 0 if journal.policy.comments_disabled else 1,
        "controlstrip": controlstrip_json(site, journal),
    }
    script = script_block(
        site, page=page, journal=journal, entry=post, adult=journal.adult, remote=journal.reader
    )
    main = lines(
        _article(journal, post, view),
        recent_posts_widget(journal, site.now),
        _comments(journal, post, view),
    )
    return schemius_document(
        journal,
        title=site_title(journal, post),
        head=post_meta(post, refresh=None),
        main=main,
        script=script,
    )


def _currents(post: Post) -> str:
    items = "".join(
        f'<li class="aentry-post__current aentry-post__current--{key}">'
        f'<span class="aentry-post__current-label">{key.capitalize()}:</span> '
        f'<span class="aentry-post__current-value">{esc(value)}</span></li>'
        for key, value in currents(post)
    )
    return f'<ul class="aentry-post__currents">{items}</ul>\n' if items else ""


def _tags(journal: Journal, post: Post) -> str:
    links = "".join(
        f'<a class="aentry-tags__link" href="{esc(urls.tag_url(journal.username, tag))}">'
        f"{esc(tag)}</a>"
        for tag in post.tags
    )
    return f'<div class="aentry-tags">{links}</div>\n' if links else ""


def _security(post: Post) -> str:
    """A non-public post's icon in the header, after the author."""
    icon = security_icon(post)
    return f'<span class="aentry-head__security">{icon}</span>\n' if icon else ""


def _article(journal: Journal, post: Post, view: CommentView) -> str:
    author = ljuser(post.poster)
    if journal.journal_type == "community":
        author += f" in {journal_ljuser(journal)}"
    date = site_long_date(journal.language, post.published)
    return (
        '<article class="aentry aentry--post2017 hentry h-entry" role="main">\n'
        '<header class="aentry-head">\n'
        f'<a class="aentry-head__userpic" href="{esc(urls.journal_root(post.poster))}">'
        f"{userpic_img(post.poster, alt=post.poster, width=50, height=50)}</a>\n"
        f'<div class="aentry-head__author">{author}</div>\n{_security(post)}'
        f'<p class="aentry-head__date"><time datetime="{local_iso(journal, post.published)}">'
        f"{date}</time></p>\n</header>\n"
        '<h1 class="aentry-post__title entry-title">'
        f'<span class="aentry-post__title-text">{esc(post.title)}</span></h1>\n'
        '<div class="aentry-post__content">\n'
        '<div class="aentry-post__text aentry-post__text--view entry-content">'
        f"{post.body_html}</div>\n</div>\n{_currents(post)}{_tags(journal, post)}"
        '<div class="aentry-post__footer"><div class="mdspost-comments-controls">'
        f'<a class="mdspost-comments-controls__count" href="{esc(post.url)}#comments">'
        f"{english_comments(view.reply_count)}</a></div></div>\n</article>"
    )


def _comments(journal: Journal, post: Post, view: CommentView) -> str:
    add = (
        ""
        if journal.policy.comments_disabled
        else f'<a class="b-addcomment mdspost-comments-controls__add" '
        f'href="{esc(post_link(post, mode="reply"))}#add_comment">{POST_COMMENT}</a>\n'
    )
    pager = b_pager(view, lambda n: post_link(post, page=n) + "#comments")
    return lines(
        '<div class="acomments" id="comments">',
        '<div class="mdspost-comments-controls mdspost-comments-controls--top">',
        f"{add}{comment_form(journal, post)}\n</div>",
        aentry_threads(post, view),
        pager,
        "</div>",
    )
