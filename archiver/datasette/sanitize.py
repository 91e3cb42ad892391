"""Archived HTML made safe to show: no scripts, no handlers, no remote loads but images.

Post bodies and comments are whatever their authors (or spammers) wrote. They are shown as
HTML in Datasette, so everything that could run or phone home is removed: script, style,
iframe, object, form and the like with their content, every `on*` attribute, `style`, and any
URL that is not http(s) (`javascript:`, `data:`, `vbscript:`...). Images stay, but each is
shown from the archive (`rewrite_image`), never fetched from where the author put it.
"""

from __future__ import annotations

from collections.abc import Callable

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div",
        "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li",
        "ol", "p", "pre", "q", "s", "small", "span", "strike", "strong", "sub", "sup", "table",
        "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "name"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "*": {"lang"},
}
# Dropped together with everything inside them.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "form", "svg", "math", "noscript",
     "template", "textarea", "select", "button", "frame", "frameset", "applet"}
)  # fmt: skip
ALLOWED_SCHEMES = frozenset({"http", "https"})


def sanitize_html(html: str, rewrite_image: Callable[[str], str] | None = None) -> str:
    """The HTML with only harmless markup left; links open no window on this page; every
    image's `src` (an http(s) URL by then) passed through `rewrite_image`."""

    def keep(element: str, attribute: str, value: str) -> str | None:
        if rewrite_image is not None and element == "img" and attribute == "src":
            return rewrite_image(value)
        return value

    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=keep,
    )
