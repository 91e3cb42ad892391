"""The post page in the journal's own S2 style (ANATOMY §1c/§1e, A2)."""

from __future__ import annotations

from archiver import urls
from archiver.sample.content import Journal, Post, Site
from archiver.sample.render.comment_view import CommentView
from archiver.sample.render.comments import lj_cmtinfo, s2_comments, s2_pager
from archiver.sample.render.frame import post_meta, s2_document
from archiver.sample.render.lang import comments_text, label, s2_entry_date
from archiver.sample.render.markup import (
    WWW,
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
from archiver.sample.render.site_json import controlstrip_json, script_block


def s2_post_page(site: Site, journal: Journal, post: Post, view: CommentView) -> str:
    title = f"{post.title} - {journal.title}" if post.title else journal.title
    page = {
        "LJ_cmtinfo": lj_cmtinfo(journal, post, view),
        "controlstrip": controlstrip_json(site, journal),
        "styleSystem": "s2",
        "replycount": view.reply_count,
        "styleLayout": "Minimalism",
    }
    script = script_block(
        site, page=page, journal=journal, entry=post, adult=journal.adult, remote=journal.reader
    )
    content = (
        f'{_entry(journal, post)}\n<div class="hr"><hr/></div>\n{_comments(journal, post, view)}'
    )
    return s2_document(
        journal,
        title=f"{title} — LiveJournal",
        head=post_meta(post, refresh=None),
        view="entry",
        content=content,
        script=script,
    )


def _linkbar(journal: Journal, post: Post) -> str:
    """Previous = the next older post the reader may read, Next = the next newer one (A2 links
    them)."""
    posts = journal.shelf.posts
    at = journal.shelf.position.get(post.ditemid)
    older = posts[at + 1] if at is not None and at + 1 < len(posts) else None
    newer = posts[at - 1] if at is not None and at > 0 else None

    def button(target: Post | None, alt: str, image: str) -> str:
        if target is None:
            return ""
        return (
            f'<a href="{esc(target.url)}"><img alt="{alt}" border="0" height="24" '
            f'src="{WWW}/img/{image}" title="{alt}" width="24"/></a> '
        )

    flag = f"{WWW}/tools/content_flag.bml?user={journal.username}&itemid={post.ditemid}"
    return (
        '<dt class="entry-title entry-linkbar"><span class="entry-linkbar-inner">'
        f"{button(older, 'Previous Entry', 'btn_prev.gif')}"
        f'<a href="{esc(flag)}"><img alt="Flag" border="0" height="24" '
        f'src="{WWW}/img/button-flag.gif" title="Flag" width="24"/></a> '
        f"{button(newer, 'Next Entry', 'btn_next.gif')}</span></dt>"
    )


def _metadata(journal: Journal, post: Post) -> str:
    rows = "".join(
        f'<div class="metadata-{key}"><strong>{label(journal.language, key)}</strong>: '
        f"{esc(value)}</div>"
        for key, value in currents(post)
    )
    return f'<div class="metadata">{rows}</div>\n' if rows else ""


def ljtags(journal: Journal, tags: tuple[str, ...]) -> str:
    """`div.ljtags` with `a[rel=tag]`: the post's own tags (also used by listing pages)."""
    if not tags:
        return ""
    links = ", ".join(
        f'<a href="{esc(urls.tag_url(journal.username, tag))}" rel="tag">{esc(tag)}</a>'
        for tag in tags
    )
    return f'<div class="ljtags">{label(journal.language, "tags")}{links}</div>'


def _entry(journal: Journal, post: Post) -> str:
    community = (
        f'<dd class="community">{journal_ljuser(journal)}</dd>\n'
        if journal.journal_type == "community"
        else ""
    )
    date = s2_entry_date(journal.language, post.published)
    return (
        '<div class="entry-wrap entry-wrap--post js-emojis">\n'
        f'<dl class="entry hentry" id="post-{esc(journal.username)}-{post.ditemid}">\n'
        f"{_linkbar(journal, post)}\n"
        f'<dt class="entry-title">{security_icon(post)}{esc(post.title)}'
        f'<a href="{esc(post.url)}" rel="bookmark" '
        'style="display:none;"></a></dt>\n'
        '<dd class="entry-text">\n<dl class="vcard author">\n'
        f"<dt>{userpic_img(post.poster, alt=post.poster, height=100, width=100)}</dt>\n"
        f'<dd class="username">{ljuser(post.poster)}</dd>\n{community}'
        f'<dd class="entry-date"><abbr class="updated" '
        f'title="{local_iso(journal, post.published)}">{date}</abbr></dd>\n</dl>\n'
        f"{_metadata(journal, post)}"
        f'<div class="entry-content">{post.body_html}{ljtags(journal, post.tags)}</div>\n'
        "</dd>\n</dl>\n</div>"
    )


def _comments(journal: Journal, post: Post, view: CommentView) -> str:
    count = (
        f'<span class="comments-count">{comments_text(journal.language, view.reply_count)}</span>'
    )
    reply = (
        ""
        if journal.policy.comments_disabled
        else f' <span class="emdash">—</span> <span class="replylink">'
        f'<a href="{esc(post_link(post, mode="reply"))}" rel="nofollow">'
        f"{label(journal.language, 'post_comment')}</a></span>"
    )
    links = f"( {count}{reply} )"
    pager = s2_pager(view, lambda n: post_link(post, page=n) + "#comments")
    return lines(
        '<div class="entry-wrap entry-comments" id="comments">\n<div class="entry">',
        '<div class="entry-text">\n<div class="entry-comments-text">\n<a name="comments"></a>',
        f'<div class="comments-links comments-links-top">{links}</div>',
        pager,
        s2_comments(journal, post, view),
        f'<div class="comments-footer comments-links comments-links-footer">{links}</div>',
        pager,
        "</div>\n</div>\n</div>\n</div>",
    )
