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
    """Served with 403 for posts the reader may not read (SRC talk.error.mustlogin)."""
    script = script_block(site, page={}, journal=journal, remote=journal.reader)
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
    script = script_block(site, page={}, journal=journal, remote=journal.reader)
    return error_document(kind, heading, text, script=script)


def safe_return(url: str) -> str:
    """Only http(s) URLs on livejournal.com come back from the notice; anything else goes home."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme in ("http", "https") and (
        host == urls.LJ_DOMAIN or host.endswith(f".{urls.LJ_DOMAIN}")
    ):
        return url
    return f"{WWW}/"


def adult_notice_page(return_url: str) -> str:
    """`www.livejournal.com/misc/adult_explicit.bml?ret=…`, in the markup of the real notice
    (rarelitslash-271960-adult-notice): the "18" / "Adult Content Notice" table, then
    `center > form[method=POST][action=…/misc/adult_explicit.bml]` with a hidden `ret` and the
    submit button `input[name=adult_check]` "Yes, I am at least 18 years old.".

    The sample server does not act on the form's POST, so the form also sets the cookie
    `adult_explicit=1` for every journal host by script (`onsubmit`) and goes back to `ret`.
    """
    ret = esc(safe_return(return_url))
    cookie = f"adult_explicit=1; path=/; domain=.{urls.LJ_DOMAIN}"
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en" xml:lang="en">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"/>
<title>Adult Content Notice</title>
</head>
<body class="logged-out ">
<div id="big-content-wrapper">
<div id="content">
<div id="content-inner">
<h1 class="logged-out"></h1>
<div id="content-wrapper" class="">
<!-- Content -->
<table cellpadding="8" cellspacing="0" border="1"
 style="background-color: #FFFFD4; border: 1px solid black;">
<tr>
<td align="center"><h1>{ADULT_AGE}</h1></td>
<td align="center"><h1>Adult Content Notice</h1></td>
</tr>
<tr>
<td colspan="2">
The content that you are about to view <strong>may contain material only suitable for
adults</strong>. To continue, you must confirm that you are at least {ADULT_AGE} years of age.
</td>
</tr>
</table>
<br />
<center>
<form method="POST" action="{WWW}/misc/adult_explicit.bml"
 onsubmit="document.cookie='{cookie}'; window.location.href=this.ret.value; return false;">
<input type="hidden" name="ret" value="{ret}" />
<input type="submit" name="adult_check" value="Yes, I am at least {ADULT_AGE} years old." />
<a href="{WWW}/site/search.bml">No, return me to Explore LJ.</a></form></center>
<div class="clear"></div>
</div>
</div>
</div>
<div class="push"></div>
</div>
<!-- End #content -->
</body>
</html>
"""
