"""What a page loads that its reader saw: images, userpics, stylesheets, scripts, and what
stylesheets load in turn (fonts, images, other stylesheets).

Images are read from every attribute LiveJournal and its users put them in: `src`, `srcset`
(`ic.pics.livejournal.com` lists a photo's `_original`, `_600`, `_300`… sizes there), the
lazy-loading `data-*` attributes, and the full-size original a body links an image to. A userpic
is any image on `l-userpic.livejournal.com`, whatever markup shows it. Which of them a crawl
fetches (trackers never) is the plan's business, not this module's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from parsel import Selector

from archiver import urls

IMAGE, USERPIC, STYLE, SCRIPT, FONT = "image", "userpic", "style", "script", "font"
ROLES = (IMAGE, USERPIC, STYLE, SCRIPT, FONT)

_IMAGE_ATTRIBUTES = ("src", "data-src", "data-original", "data-lazy-src", "data-url")
_SRCSET_ATTRIBUTES = ("srcset", "data-srcset")
_IMAGE_PATH = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|svg|avif)$", re.IGNORECASE)
_FONT_PATH = re.compile(r"\.(?:woff2?|ttf|otf|eot)$", re.IGNORECASE)
USERPIC_HOSTS = frozenset({"l-userpic.livejournal.com", "userpic.livejournal.com"})
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]+))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def absolute(base: str, href: str) -> str | None:
    """An http(s) URL for `href` on the page at `base`, without its fragment; None for data:,
    javascript: and other URLs nothing can be fetched from."""
    href = href.strip()
    if not href or href.startswith(("data:", "javascript:", "about:", "#", "blob:")):
        return None
    url = urls.join(base, href)
    return url if urlsplit(url).scheme in ("http", "https") else None


def role_of_image(url: str) -> str:
    return USERPIC if urlsplit(url).hostname in USERPIC_HOSTS else IMAGE


def srcset_urls(value: str) -> list[str]:
    """The URLs of a `srcset`: candidates are a URL and an optional descriptor (`600w`, `2x`),
    separated by commas; a URL may hold commas itself, so it ends at white space."""
    found: list[str] = []
    expecting_url = True
    for token in value.split():
        if expecting_url:
            found.append(token.rstrip(","))
            expecting_url = token.endswith(",")
        elif "," in token:  # a descriptor ends at its comma: `600w,` or `600w,NEXT-URL`
            rest = token.split(",", 1)[1]
            if rest:
                found.append(rest.rstrip(","))
            expecting_url = not rest or rest.endswith(",")
    return [url for url in found if url]


def images_in(node: Selector, base: str) -> list[str]:
    """Every image URL under `node` (an element of the page's one parse), in page order."""
    found: list[str] = []
    for element in node.xpath(".//img | .//source | .//input[@type='image']"):
        attributes = element.attrib
        found += [attributes[a] for a in _IMAGE_ATTRIBUTES if a in attributes]
        for name in _SRCSET_ATTRIBUTES:
            if name in attributes:
                found += srcset_urls(attributes[name])
    for href in node.xpath(".//a[@href][.//img]/@href").getall():
        if _IMAGE_PATH.search(urlsplit(href).path):  # a body linking a picture to its original
            found.append(href)
    return unique(absolute(base, href) for href in found)


def images_in_html(fragment: str, base: str) -> list[str]:
    """The same for an HTML fragment that is not part of the page's tree (a comment's text in
    `Site.page.comments`)."""
    if "<img" not in fragment and "<source" not in fragment and "<input" not in fragment:
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return []
    return images_in(Selector(root=root), base)


def styles_and_scripts(sel: Selector, base: str) -> list[tuple[str, str]]:
    """The page's stylesheets and scripts, (url, role), in page order; LiveJournal's combo URLs
    (`/??a.css,b.css?v=N`) are one URL each."""
    found: list[tuple[str, str]] = []
    for element in sel.xpath("//link[@href] | //script[@src]"):
        if element.root.tag == "link":
            rel = str(element.attrib.get("rel", "")).casefold().split()
            if "stylesheet" not in rel:
                continue
            url = absolute(base, element.attrib["href"])
            role = STYLE
        else:
            url = absolute(base, element.attrib["src"])
            role = SCRIPT
        if url:
            found.append((url, role))
    return list(dict.fromkeys(found))


def stylesheet_references(css: str, base: str) -> list[tuple[str, str]]:
    """What a stylesheet loads, (url, role): other stylesheets by `@import`, fonts and images by
    `url(...)`; relative URLs against the stylesheet's own URL."""
    css = _CSS_COMMENT.sub("", css)
    found: list[tuple[str, str]] = []
    imports = [next(g for g in m.groups() if g is not None) for m in _CSS_IMPORT.finditer(css)]
    for href in imports:
        url = absolute(base, href)
        if url:
            found.append((url, STYLE))
    for match in _CSS_URL.finditer(css):
        href = next(g for g in match.groups() if g is not None)
        url = absolute(base, href)
        if url is None or (url, STYLE) in found:
            continue
        path = urlsplit(url).path
        role = FONT if _FONT_PATH.search(path) else STYLE if path.endswith(".css") else IMAGE
        found.append((url, role))
    return list(dict.fromkeys(found))


def unique(urls: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(url for url in urls if url))


def userpics_in(values: Iterable[object]) -> Iterator[str]:
    """The userpic URLs among JSON values (`Site.page.comments[].userpic`)."""
    for value in values:
        if isinstance(value, str) and urlsplit(value).hostname in USERPIC_HOSTS:
            yield value
