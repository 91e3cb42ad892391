"""robots.txt of a journal host: what a crawler of public posts needs, and nothing of the forms."""

from __future__ import annotations

from archiver import urls
from archiver.sample.content import Journal

_RULES = """User-agent: *
Disallow: /tools/
Disallow: /*?mode=reply
Disallow: /*&mode=reply
Disallow: /*?replyto=
Disallow: /*&replyto=
Disallow: /friends
Disallow: /manage/
Allow: /
"""


def robots_txt(journal: Journal) -> str:
    return f"# {urls.journal_host(journal.username)}\n{_RULES}"
