"""`/data/rss` and `/data/atom` (ANATOMY §6, SRC ljfeed.pl): the newest posts the reader may
read (public ones when logged out)."""

from __future__ import annotations

from datetime import datetime

from archiver import urls
from archiver.sample.content import Journal, Post, Site, comment_count, site_now
from archiver.sample.media import userpic_url
from archiver.sample.render.markup import esc, post_utc, rfc822, w3c_utc

FEED_ITEMS = 25
LJ_NS = "http://www.livejournal.org/rss/lj/1.0/"
# lj:security: a custom friends group post is LiveJournal's "usemask" (its allowmask names groups).
FEED_SECURITY = {"custom": "usemask"}


def _updated(journal: Journal, post: Post) -> datetime:
    """When the post last changed: its edit round's clock, else its publication."""
    if post.edited_in_round is not None:
        return site_now(post.edited_in_round)
    return post_utc(journal, post)


def _built(site: Site, journal: Journal, posts: tuple[Post, ...]) -> datetime:
    return max((_updated(journal, p) for p in posts), default=site.now)


def _tag(name: str, value: object) -> str:
    return f"<{name}>{esc(value)}</{name}>"


def _journal_type(journal: Journal) -> str:
    return "community" if journal.journal_type == "community" else "personal"


def _security(post: Post) -> str:
    return FEED_SECURITY.get(post.security, post.security)


BOT_NOTICE = (
    "<!--  If you are running a bot please visit this policy page outlining rules you must "
    "respect. https://www.livejournal.com/bots/  -->"
)


def rss(site: Site, journal: Journal) -> str:
    """The channel and items of the real `/data/rss` (shvarz-rss): lj:journal, lj:journalid,
    lj:journaltype and the userpic `image` on the channel; per item guid, pubDate, title,
    author, link, description, comments (`…#comments`), a category per tag, lj:security and
    lj:reply-count (lj:music, lj:mood and, in communities, lj:poster as ljfeed.pl adds them)."""
    posts = journal.shelf.posts[:FEED_ITEMS]
    user = journal.username
    root = urls.journal_root(user)
    title = journal.title or user
    items = "\n".join(_rss_item(journal, post) for post in posts)
    return f"""<?xml version='1.0' encoding='utf-8' ?>
{BOT_NOTICE}
<rss version='2.0'  xmlns:lj='{LJ_NS}' xmlns:media='http://search.yahoo.com/mrss/' xmlns:atom10='http://www.w3.org/2005/Atom'>
<channel>
  {_tag("title", title)}
  {_tag("link", root)}
  {_tag("description", f"{title} - LiveJournal.com")}
  {_tag("lastBuildDate", rfc822(_built(site, journal, posts)))}
  <generator>LiveJournal / LiveJournal.com</generator>
  {_tag("lj:journal", user)}
  {_tag("lj:journalid", journal.userid)}
  {_tag("lj:journaltype", _journal_type(journal))}
  <image>
    {_tag("url", userpic_url(journal.username))}
    {_tag("title", title)}
    {_tag("link", root)}
    <width>100</width>
    <height>100</height>
  </image>

{items}
</channel>
</rss>
"""


def _rss_item(journal: Journal, post: Post) -> str:
    lines = [
        f"<guid isPermaLink='true'>{esc(post.url)}</guid>",
        _tag("pubDate", rfc822(post_utc(journal, post))),
    ]
    if post.title:
        lines.append(_tag("title", post.title))
    # ljfeed.pl prints no line break after <author>: the real feed has "</author>  <link>".
    lines += [
        f"{_tag('author', journal.username)}  {_tag('link', post.url)}",
        _tag("description", post.body_html),
        _tag("comments", f"{post.url}#comments"),
        *(_tag("category", tag) for tag in post.tags),
    ]
    if post.music:
        lines.append(_tag("lj:music", post.music))
    if post.mood:
        lines.append(_tag("lj:mood", post.mood))
    lines.append(_tag("lj:security", _security(post)))
    if post.poster != journal.username:
        lines.append(_tag("lj:poster", post.poster))
    lines.append(_tag("lj:reply-count", comment_count(post)))
    body = "\n".join(f"  {line}" for line in lines)
    return f"<item>\n{body}\n</item>"


def atom(site: Site, journal: Journal) -> str:
    posts = journal.shelf.posts[:FEED_ITEMS]
    user = journal.username
    entries = "\n".join(_atom_entry(journal, post) for post in posts)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:lj="{LJ_NS}">
  {_tag("id", f"urn:lj:livejournal.com:atom1:{user}")}
  {_tag("title", journal.title or user)}
  {_tag("subtitle", user)}
  <author>{_tag("name", user)}</author>
  <link rel="alternate" type="text/html" href="{esc(urls.journal_root(user))}"/>
  <link rel="self" type="text/xml" href="{esc(urls.atom_url(user))}"/>
  {_tag("updated", w3c_utc(_built(site, journal, posts)))}
  <lj:journal userid="{journal.userid}" username="{esc(user)}" type="{_journal_type(journal)}"/>
{entries}
</feed>
"""


def _atom_entry(journal: Journal, post: Post) -> str:
    user = journal.username
    self_url = f"{urls.atom_url(user)}/?itemid={post.ditemid}"
    lines = [
        _tag("id", f"urn:lj:livejournal.com:atom1:{user}:{post.ditemid}"),
        f'<link rel="alternate" type="text/html" href="{esc(post.url)}"/>',
        f'<link rel="self" type="text/xml" href="{esc(self_url)}"/>',
        _tag("title", post.title),
        _tag("published", w3c_utc(post_utc(journal, post))),
        _tag("updated", w3c_utc(_updated(journal, post))),
        *(f'<category term="{esc(tag)}"/>' for tag in post.tags),
    ]
    if post.poster != journal.username:
        lines.append(f'<lj:poster user="{esc(post.poster)}"/>')
    if post.music:
        lines.append(_tag("lj:music", post.music))
    if post.mood:
        lines.append(_tag("lj:mood", post.mood))
    lines += [
        _tag("lj:security", _security(post)),
        _tag("lj:reply-count", comment_count(post)),
        f'<content type="html">{esc(post.body_html)}</content>',
    ]
    body = "\n".join(f"    {line}" for line in lines)
    return f"  <entry>\n{body}\n  </entry>"
