"""Which skin a LiveJournal page is in, read from the one parsed tree.

One URL can answer in several skins: the site scheme "schemius" (`?format=light`), the journal's own
S2 style, the 2017+ "aentry" post page, LiveJournal's error page template, or the adult-content
interstitial; archived pages from before 2013 show the light page in the older site schemes
("lynx", `body.scheme-lynx`; "horizon", `body.s-horizon`), whose post markup is schemius's
`b-singlepost` family in `div`s and tables. Everything else in `archiver.parse` dispatches on the
answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from parsel import Selector

from archiver.parse.markup import get_str, has_class, text_of
from archiver.parse.site_json import SiteData

SCHEMIUS = "schemius"
S2 = "s2"
AENTRY = "aentry"
ERROR = "error"
ADULT = "adult"
UNKNOWN = "unknown"

# The pre-2013 site schemes whose light page is read: named by `scheme-NAME` or `s-NAME`.
OLD_SCHEMES = frozenset({"lynx", "horizon"})
POST_SKINS = frozenset({SCHEMIUS, S2, AENTRY, *OLD_SCHEMES})

_ADULT_PATHS = ("/misc/adult_concepts.bml", "/misc/adult_explicit.bml")
_ADULT_TITLE = "adult content notice"


@dataclass(frozen=True)
class Skin:
    name: str  # schemius, s2, aentry, error, adult, unknown
    error_kind: str | None = None  # for `error`: the `errorpage-<kind>` suffix, e.g. region_block

    @property
    def is_post_skin(self) -> bool:
        return self.name in POST_SKINS


def detect_skin(url: str, sel: Selector, site: SiteData) -> Skin:
    body_class = get_str(sel, "//body/@class") or ""
    body_classes = body_class.split()
    if "errorpage" in body_classes:
        kinds = [c.removeprefix("errorpage-") for c in body_classes if c.startswith("errorpage-")]
        return Skin(ERROR, kinds[0] if kinds else "generic")
    if _is_adult_notice(url, sel):
        return Skin(ADULT)
    html_classes = (get_str(sel, "/html/@class") or "").split()
    old_scheme = next((name for name in map(_scheme_named, body_classes) if name), None)
    if old_scheme and sel.xpath(f"//*[{has_class('b-singlepost')}]"):
        return Skin(old_scheme)
    if sel.xpath(f"//article[{has_class('aentry')}]"):
        return Skin(AENTRY)
    scheme = site.page_value("scheme")
    if (
        "html-schemius" in html_classes
        or scheme == "schemius"
        or sel.xpath(f"//article[{has_class('b-singlepost')}]")
    ):
        return Skin(SCHEMIUS)
    if any(c.startswith("html-s2") for c in html_classes) or sel.xpath(
        f"//*[{has_class('hentry')} or {has_class('entry-wrap')} or {has_class('entryunit')}]"
    ):
        return Skin(S2)
    return Skin(UNKNOWN)


def _scheme_named(body_class: str) -> str | None:
    """`scheme-lynx` or `s-horizon` -> the old scheme it names; anything else -> None."""
    for prefix in ("scheme-", "s-"):
        name = body_class.removeprefix(prefix)
        if body_class.startswith(prefix) and name in OLD_SCHEMES:
            return name
    return None


def _is_adult_notice(url: str, sel: Selector) -> bool:
    if urlsplit(url).path in _ADULT_PATHS:
        return True
    titles = sel.xpath("//title")
    title = text_of(titles[0]) if titles else ""
    if title.casefold().startswith(_ADULT_TITLE):
        return True
    return bool(sel.xpath("//form[.//input[@name='adult_check']]"))


# The classes that tell the skins apart, named in a ParseError for a page of no known skin.
_SKIN_MARKERS = ("b-singlepost", "hentry", "entry-wrap", "entryunit", "aentry", "errorpage")


def skin_markers(sel: Selector, site: SiteData) -> str:
    """What the page shows of the markers `detect_skin` looks for, in one line."""
    body = get_str(sel, "//body/@class") or ""
    html = get_str(sel, "/html/@class") or ""
    found = [name for name in _SKIN_MARKERS if sel.xpath(f"//*[{has_class(name)}]")]
    scheme = site.page_value("scheme")
    objects = sorted({key.split(".", 1)[0] for key in site.values})
    return (
        f"body class {' '.join(body.split())[:80] or 'none'!r}, "
        f"html class {' '.join(html.split())[:80] or 'none'!r}, "
        f"skin classes {', '.join(found) or 'none'}, "
        f"Site.page.scheme {scheme or 'none'!r}, Site objects {', '.join(objects) or 'none'}"
    )
