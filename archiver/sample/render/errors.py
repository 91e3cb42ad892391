"""Error and interstitial pages: A3's error template, journal states, locked posts, adult notice."""

from __future__ import annotations

from urllib.parse import urlsplit

from archiver import urls
from archiver.sample.content import Journal, Site
from archiver.sample.render.markup import WWW, esc
from archiver.sample.render.site_json import script_block

PROTECTED = "You must be logged in to view this protected entry."
NOT_FOUND = "The page you are looking for does not exist."
PURGED = "This journal has been deleted and purged."
SUSPENDED = (
    "This journal has been either temporarily or permanently suspended by LiveJournal for "
    "policy violation."
)
BLOCKED = "The page is blocked due to the decision of the authorities in your area."
ADULT_AGE = 18


def deleted_text(username: str) -> str:
    return (
        f"This journal has been deleted. If you are {username}, you have a period of 30 days "
        "after the deletion time to undelete the journal."
    )


def error_document(kind: str, heading: str, text: str, *, script: str = "") -> str:
    """A3's template: `body.errorpage.errorpage-<kind>` > … > `section.b-errorpage-message`."""
    return f"""<!DOCTYPE HTML>
<html id="no-js" lang="en">
<head>
<title>{esc(heading)}</title>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
</head>
<body class="errorpage errorpage-{kind}">
<div class="s-layout">
<header role="banner" class="s-header">
<div class="s-header-in">
<div class="s-logo"><a href="{WWW}"><span>LiveJournal</span></a></div>
</div>
</header>
<div class="s-body">
<div class="l-errorpage">
<div class="l-errorpage-body" role="main">
<section class="b-errorpage-section b-errorpage-message">
<h1 class="b-errorpage-section-title">{esc(heading)}</h1>
<p class="b-errorpage-section-text">{text}</p>
</section>
<section class="b-errorpage-section b-errorpage-links">
<h2 class="b-errorpage-section-title">Use the links to access more options:</h2>
<ul class="b-errorpage-section-list">
<li class="b-errorpage-list-item"><a href="{WWW}">LJ Home</a></li>
<li class="b-errorpage-list-item"><a href="{WWW}/support/faq/">FAQ</a></li>
<li class="b-errorpage-list-item"><a href="{WWW}/site/">Site Map</a></li>
</ul>
</section>
</div>
</div>
</div>
</div>
{script}
</body>
</html>
"""


def locked_post_page(site: Site, journal: Journal, ditemid: int) -> str:
    """Served with 403 for friends-only and private posts (SRC talk.error.mustlogin)."""
    script = script_block(site, page={}, journal=journal)
    return error_document("protected", "Protected entry", esc(PROTECTED), script=script)


def not_found_page(site: Site, url: str) -> str:
    """Served with 404 for missing posts, journals and paths."""
    text = f'{esc(NOT_FOUND)} <span class="b-errorpage-url">{esc(url)}</span>'
    return error_document("not_found", "Error 404", text)


_STATUS_PAGES = {
    # status: (errorpage kind, heading)
    "deleted": ("deleted", "Journal deleted"),
    "purged": ("purged", "Journal purged"),
    "suspended": ("suspended", "Journal suspended"),
    "blocked": ("region_block", "Error 451"),
    "renamed": ("renamed", "Journal renamed"),
}


def journal_status_page(site: Site, journal: Journal) -> str:
    """What every URL of a deleted, purged, suspended (or blocked, renamed) journal shows."""
    if journal.status not in _STATUS_PAGES:
        raise ValueError(f"journal {journal.username} is {journal.status}: it has no status page")
    kind, heading = _STATUS_PAGES[journal.status]
    if journal.status == "deleted":
        text = esc(deleted_text(journal.username))
    elif journal.status == "purged":
        text = esc(PURGED)
    elif journal.status == "suspended":
        text = esc(SUSPENDED)
    elif journal.status == "blocked":
        text = esc(BLOCKED)
    else:
        target = urls.journal_root(journal.renamed_to or journal.username)
        text = f'This journal has been renamed to <a href="{esc(target)}">{esc(target)}</a>.'
    script = script_block(site, page={}, journal=journal)
    return error_document(kind, heading, text, script=script)


def _safe_return(url: str) -> str:
    """Only http(s) URLs on livejournal.com come back from the notice; anything else goes home."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme in ("http", "https") and (
        host == urls.LJ_DOMAIN or host.endswith(f".{urls.LJ_DOMAIN}")
    ):
        return url
    return f"{WWW}/"


def adult_notice_page(return_url: str) -> str:
    """`www.livejournal.com/misc/adult_explicit.bml?ret=…` (SRC adult_content.bml).

    The button sets the cookie `adult_explicit=1` for every journal host and goes back to `ret`;
    without scripts the form posts `ret` and `adult_check=1` to the same URL.
    """
    ret = esc(_safe_return(return_url))
    cookie = f"adult_explicit=1; path=/; domain=.{urls.LJ_DOMAIN}"
    return f"""<!DOCTYPE html>
<html class="html-schemius" lang="en-us">
<head>
<meta charset="utf-8"/>
<title>Adult Content Notice</title>
</head>
<body class="s-schemius logged-out b-adult-notice">
<div class="s-layout">
<div class="s-body">
<section class="b-msgsystem-warningbox b-adultcontent">
<h1 class="b-adultcontent-title">Adult Content Notice</h1>
<p class="b-adultcontent-text">The content you are about to view may contain material that
is only suitable for adults. You must be at least {ADULT_AGE} years old to view it.</p>
<form action="{WWW}/misc/adult_explicit.bml" class="b-adultcontent-form" method="post"
 onsubmit="document.cookie='{cookie}'; window.location.href=this.ret.value; return false;">
<input name="ret" type="hidden" value="{ret}"/>
<input name="adult_check" type="hidden" value="1"/>
<button class="b-flatbutton b-adultcontent-confirm" name="adult_agree" type="submit" value="1">
Yes, I am at least {ADULT_AGE} years old.</button>
<a class="b-adultcontent-decline" href="{WWW}/">No, return to the homepage</a>
</form>
</section>
</div>
</div>
</body>
</html>
"""
