"""Page frames: the site scheme (schemius, A1) and the journal's S2 style (A2), head to foot."""

from __future__ import annotations

from archiver import urls
from archiver.sample import media
from archiver.sample.content import Journal, Post
from archiver.sample.render.lang import label, lang_of
from archiver.sample.render.markup import (
    esc,
    excerpt,
    journal_ljuser,
    journal_type_letter,
    text_of,
)

DESCRIPTION_CHARS = 300


def feed_links(journal: Journal) -> str:
    user = journal.username
    return (
        f'<link href="{esc(urls.rss_url(user))}" rel="alternate" title="RSS" '
        'type="application/rss+xml"/>\n'
        f'<link href="{esc(urls.atom_url(user))}" rel="alternate" title="Atom" '
        'type="application/atom+xml"/>'
    )


def post_meta(post: Post, *, refresh: str | None) -> str:
    """The post page's canonical link, og/twitter metas and one `article:tag` per tag (A1/A2)."""
    description = esc(excerpt(text_of(post.body_html), DESCRIPTION_CHARS))
    title = esc(post.title)
    url = esc(post.url)
    tags = "".join(f'<meta content="{esc(tag)}" property="article:tag"/>\n' for tag in post.tags)
    noscript = (
        f'<noscript><meta content="0; url={esc(refresh)}" http-equiv="refresh"/></noscript>\n'
        if refresh
        else ""
    )
    return (
        f'<link href="{url}" rel="canonical"/>\n'
        f'<meta content="{description}" name="description"/>\n'
        f'<meta content="{description}" property="og:description"/>\n'
        f'<meta content="{title}" property="og:title"/>\n'
        '<meta content="article" property="og:type"/>\n'
        f'<meta content="{url}" property="og:url"/>\n'
        '<meta content="summary_large_image" property="twitter:card"/>\n'
        f'<meta content="{title}" property="twitter:title"/>\n'
        f"{tags}{noscript}"
    ).rstrip("\n")


# ---------------------------------------------------------------- site scheme (schemius)


def site_title(journal: Journal, post: Post) -> str:
    """A1's `<title>`: "<subject>: <journal> — LiveJournal"."""
    name = f"{post.title}: {journal.username}" if post.title else journal.username
    return f"{name} — LiveJournal"


def schemius_document(journal: Journal, *, title: str, head: str, main: str, script: str) -> str:
    kind = "community" if journal.journal_type == "community" else "personal"
    return f"""<!DOCTYPE html>
<html class="html-schemius html-adaptive" id="no-js" lang="en-us">
<head>
<meta charset="utf-8"/>
<meta content="width=device-width,minimum-scale=1,initial-scale=1" name="viewport"/>
<title>{esc(title)}</title>
{media.links(media.SCHEMIUS_STYLES, media.SCHEMIUS_SCRIPTS)}
{feed_links(journal)}
{head}
</head>
<body class="s-schemius logged-out p-ljtimes body--header-v5">
<div class="s-layout body-content s-logged-out">
<header class="s-header s-header--notown-journal s-header--{kind}-journal s-header--logged-out"
 role="banner">
<div class="s-header-in clearfix">
<div class="s-logo"><a class="s-logo-link" href="https://www.livejournal.com">
<span class="s-logo-title">LiveJournal</span></a></div>
</div>
</header>
<div class="s-body">
{main}
</div><!-- /s-body -->
</div><!-- /s-layout -->
{script}
{media.TRACKERS_HTML}
</body>
</html>
"""


# ---------------------------------------------------------------- the journal's S2 style


def years_list(journal: Journal) -> str:
    """`ul.calendar-years`: every year with posts the reader may read, newest first (MARKUP)."""
    user = journal.username
    items = "".join(
        f'<li><a href="{esc(urls.year_url(user, year))}">{year}</a></li>'
        for year in reversed(journal.shelf.calendar)
    )
    return f'<ul class="calendar-years">{items}</ul>'


def tag_cloud(journal: Journal) -> str:
    """The journal's whole tag list: a sidebar block, not the post's tags (A2, MARKUP)."""
    user = journal.username
    items = "".join(
        f'<li><a href="{esc(urls.tag_url(user, tag))}" rel="tag" '
        f'title="{count} post{"" if count == 1 else "s"}">{esc(tag)}</a></li>'
        for tag, count in journal.shelf.tag_counts.items()
    )
    return f'<ul class="ljtaglist">{items}</ul>'


def s2_sidebar(journal: Journal) -> str:
    language = journal.language
    return (
        f'<dl class="sidebar-block sidebar-cal"><dt>{label(language, "archive")}</dt>'
        f'<dd class="calendar-wrap">{years_list(journal)}</dd></dl>\n'
        '<div class="hr"><hr/></div>\n'
        f'<dl class="sidebar-block sidebar-tags tags-cloud"><dt>{label(language, "tag_cloud")}'
        f'</dt><dd class="tags">{tag_cloud(journal)}</dd></dl>\n'
        '<div class="sidebar-block sidebar-powered">Powered by '
        '<a href="https://www.livejournal.com/">LiveJournal.com</a></div>'
    )


def _nav(journal: Journal) -> str:
    user = journal.username
    root = urls.journal_root(user)
    language = journal.language
    archive = ""
    if journal.shelf.calendar:
        latest = urls.year_url(user, max(journal.shelf.calendar))
        archive = (
            f'<li class="item item-archive"><a href="{esc(latest)}">'
            f"{label(language, 'archive')}</a></li>\n"
        )
    return (
        '<ul class="nav">\n'
        f'<li class="item item-recent"><a href="{esc(root)}" rel="home">'
        f"{label(language, 'recent')}</a></li>\n{archive}"
        f'<li class="item item-profile"><a href="{esc(root)}profile">'
        f"{label(language, 'profile')}</a></li>\n"
        f'<li class="item item-rss"><a class="btn btn-rss" href="{esc(urls.rss_url(user))}">'
        "RSS</a></li>\n</ul>"
    )


def s2_document(
    journal: Journal, *, title: str, head: str, view: str, content: str, script: str
) -> str:
    """The journal's own style around `content` (A2's Minimalism frame, with a sidebar); listing
    views mark the content `div.content.hfeed`, as the real front page does."""
    language = lang_of(journal.language)
    type_letter = journal_type_letter(journal)
    head_block = f"{feed_links(journal)}\n{head}" if head else feed_links(journal)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html class="html-s2-no-adaptive" id="no-js" xml:lang="{language}" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta content="text/html;charset=utf-8" http-equiv="Content-Type"/>
<title>{esc(title)}</title>
{media.links(media.S2_STYLES, media.S2_SCRIPTS)}
{head_block}
</head>
<body class="layout-minimalism theme-x3 view-{view} type-{type_letter} column-right">
<div id="page">
<div class="layout">
<div class="layout-inner">
<div class="header">
<div class="u-wrap"><h1>{journal_ljuser(journal)}</h1></div>
{_nav(journal)}
<h2><span>{esc(journal.title)}</span></h2>
</div>
<div class="{"content" if view == "entry" else "content hfeed"}">
<div class="content-inner">
{content}
</div>
</div>
<div class="sidebar">
<div class="sidebar-inner">
{s2_sidebar(journal)}
</div>
</div>
</div>
</div>
</div>
{script}
{media.TRACKERS_HTML}
</body>
</html>
"""
