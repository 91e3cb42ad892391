"""Small helpers over the one parsed tree: class tests, inner HTML, plain text, decoding."""

from __future__ import annotations

import codecs
import copy
import html
import re
from collections.abc import Iterable
from typing import Any

from lxml import etree
from lxml.html import HtmlElement
from parsel import Selector

# Elements that end a line in plain text; the first group also leaves a blank line after them.
_PARAGRAPH_TAGS = frozenset(
    {"p", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table"}
    | {"hr", "figure", "section", "article", "header", "footer", "center"}
)
_LINE_TAGS = frozenset(
    ("div", "li", "dt", "dd", "tr", "caption", "figcaption", "address", "details", "summary")
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})
_SPACE = re.compile(r"\s+")
_LINE_BREAK, _PARAGRAPH_BREAK, _PRE_START, _PRE_END = "\x00", "\x01", "\x02", "\x03"
_PRE_SLOT = "\x04"
_BREAK_RUN = re.compile(r"[ \t]*[\x00\x01][\x00\x01\s]*")
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


def has_class(name: str) -> str:
    """An XPath predicate body true for elements whose class list holds `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def class_set(node: Selector) -> frozenset[str]:
    return frozenset(str(node.attrib.get("class", "")).split())


def first(node: Selector, query: str) -> Selector | None:
    """The first match of a CSS query, or None."""
    found = node.css(query)
    return found[0] if found else None


def get_str(node: Selector, query: str) -> str | None:
    """The first string an XPath query returns (attribute value or text), or None."""
    value: Any = node.xpath(query).get()
    return None if value is None else str(value)


def text_of(node: Selector | None) -> str:
    """All text under a node, whitespace collapsed, scripts skipped."""
    if node is None:
        return ""
    parts: list[str] = node.xpath(
        ".//text()[not(ancestor::script) and not(ancestor::style)]"
    ).getall()
    return " ".join("".join(parts).split())


MAX_DIGITS = 18  # a count read from a page; more digits than a 64-bit INTEGER holds is junk


def int_in(text: str | None) -> int | None:
    """The first whole number in a text ("3 comments" -> 3, "1,204" -> 1204), or None."""
    if not text:
        return None
    match = re.search(r"\d[\d,\u00a0\u202f ]*", text)
    if not match:
        return None
    digits = re.sub(r"\D", "", match.group())
    return int(digits) if digits and len(digits) <= MAX_DIGITS else None


def cleaned_copy(node: Selector, drop_xpath: str | None) -> HtmlElement:
    """A copy of the node's element with the elements matched by `drop_xpath` removed."""
    element: HtmlElement = node.root
    if not drop_xpath:
        return element
    duplicate: HtmlElement = copy.deepcopy(element)
    for unwanted in duplicate.xpath(drop_xpath):
        if isinstance(unwanted, HtmlElement) and unwanted is not duplicate:
            unwanted.drop_tree()
    return duplicate


def inner_html(element: HtmlElement) -> str:
    """The element's content as HTML (without the element's own tag), trimmed."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        parts.append(etree.tostring(child, encoding="unicode", method="html", with_tail=True))
    return "".join(parts).strip()


def html_to_text(element: HtmlElement) -> str:
    """Plain text of an element: `<br>` becomes a newline, paragraphs end with a blank line.

    Whitespace collapses as a browser collapses it, except inside `<pre>`, which is kept as is.
    """
    out: list[str] = []
    _walk(element, out, in_pre=False)
    chunks = re.split(f"{_PRE_START}(.*?){_PRE_END}", "".join(out), flags=re.DOTALL)
    kept: list[str] = []  # the <pre> texts, put back once the breaks around them are settled
    flowing: list[str] = []
    for index, chunk in enumerate(chunks):
        if index % 2:
            kept.append(chunk.strip("\n"))
            flowing.append(f"{_PARAGRAPH_BREAK}{_PRE_SLOT}{len(kept) - 1}{_PRE_SLOT}")
            flowing.append(_PARAGRAPH_BREAK)
        else:
            flowing.append(re.sub(r"[ \t]*\n[ \t]*", "\n", chunk))
    text = _BREAK_RUN.sub(_resolve_breaks, "".join(flowing))
    text = re.sub(r"\n{3,}", "\n\n", text)
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    return re.sub(f"{_PRE_SLOT}(\\d+){_PRE_SLOT}", lambda m: kept[int(m.group(1))], text)


def _resolve_breaks(match: re.Match[str]) -> str:
    run = match.group()
    wanted = 2 if _PARAGRAPH_BREAK in run else 1
    return "\n" * max(wanted, run.count("\n"))


def _walk(element: HtmlElement, out: list[str], in_pre: bool) -> None:
    _emit(out, element.text, in_pre)
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            name = tag.lower()
            if name == "br":
                out.append("\n")
            elif name not in _SKIP_TAGS:
                _walk_block(child, name, out, in_pre)
        _emit(out, child.tail, in_pre)


def _walk_block(child: HtmlElement, name: str, out: list[str], in_pre: bool) -> None:
    mark = (
        _PARAGRAPH_BREAK if name in _PARAGRAPH_TAGS else _LINE_BREAK if name in _LINE_TAGS else ""
    )
    starts_pre = name == "pre" and not in_pre
    out.append(mark)
    if starts_pre:
        out.append(_PRE_START)
    _walk(child, out, in_pre or name == "pre")
    if starts_pre:
        out.append(_PRE_END)
    out.append(mark)


def _emit(out: list[str], text: str | None, in_pre: bool) -> None:
    if text:
        out.append(text if in_pre else _SPACE.sub(" ", text))


def decode_body(body: bytes, content_type: str | None) -> str:
    """Bytes to text: the HTTP charset, a BOM, the XML or meta declaration, else UTF-8."""
    encoding = _declared_encoding(body, content_type)
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")):
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace")
    if body.startswith(codecs.BOM_UTF16_BE):
        return body[2:].decode("utf-16-be", errors="replace")
    return body.decode(encoding, errors="replace")


def _declared_encoding(body: bytes, content_type: str | None) -> str:
    candidates: Iterable[bytes | str | None] = (
        _charset_param(content_type),
        _match_group(_XML_ENCODING, body[:200]),
        _match_group(_META_CHARSET, body[:4096]),
    )
    for candidate in candidates:
        if candidate is None:
            continue
        name = candidate.decode("ascii", "replace") if isinstance(candidate, bytes) else candidate
        try:
            return codecs.lookup(name.strip()).name
        except LookupError:
            continue
    return "utf-8"


def _charset_param(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([^\"';\s]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def _match_group(pattern: re.Pattern[bytes], data: bytes) -> bytes | None:
    match = pattern.search(data)
    return match.group(1) if match else None
