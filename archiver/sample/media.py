"""What the sample LiveJournal's pages load: pictures, userpics, stylesheets, scripts, fonts,
and the trackers a crawl must never fetch.

Every answer is a pure function of the URL (same URL, same bytes, always), and every picture is a
real image a browser decodes: PNGs built with zlib, GIFs as a few literal bytes, JPEGs from a
small baseline encoder of flat 8x8 blocks. The hosts (MARKUP.md "What pages load"):

- `ic.pics.livejournal.com/USER/USERID/PICID/PICID_SIZE.jpg`: photos in posts and comments, in
  sizes `_300`, `_600` and `_original`; every size of MISSING_PICID answers 404, and the
  `_original` of HUGE_PICID is HUGE_LENGTH bytes, over the crawler's default cap (MEDIA_CAP).
- `l-userpic.livejournal.com/PICID/USERID`: each user's one userpic (a PNG).
- `l-stat.livejournal.net`, `l-stat.livejournal.com`, `stat.livejournal.com`: LiveJournal's
  combo URLs (`/??a.css,b.css?v=N`, `/js/??a.js,b.js?v=N`) and single files, typed by their
  extension; `www.livejournal.com/img/...` likewise. MISSING_STAT_PATHS answer 404.
- TRACKER_DOMAINS (a host matches itself and its subdomains): a 1x1 GIF, or an empty script for
  a `.js` path. The server counts every request for them (`ServerStats.tracker_requests`).
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from urllib.parse import urlsplit

from archiver import urls
from archiver.sample.seed_data import USERIDS, USERPIC_IDS

PICS_HOST = "ic.pics.livejournal.com"
USERPIC_HOST = "l-userpic.livejournal.com"
STAT_HOST = "l-stat.livejournal.net"
STAT_HOSTS = frozenset({STAT_HOST, "l-stat.livejournal.com", "stat.livejournal.com"})
STAT = f"https://{STAT_HOST}"
# Hosts that count, track or advertise, as the real pages load them (kelijah-266132 and -266579).
TRACKER_DOMAINS = (
    "scorecardresearch.com",
    "rambler.ru",
    "yandex.ru",
    "yandex.net",
    "googletagmanager.com",
    "google-analytics.com",
    "doubleclick.net",
    "tns-counter.ru",
    "xc3.services.livejournal.com",
)

MEDIA_CAP = 8 * 1024 * 1024  # the crawler's default cap on one resource (ARCHIVER_MEDIA_MAX_BYTES)
HUGE_LENGTH = 9 * 1024 * 1024  # the one picture over the cap
MISSING_PICID = 40400404  # a photo whose every size answers 404
HUGE_PICID = 90000009  # a photo whose `_original` is HUGE_LENGTH bytes
PHOTO_SIZES = ("300", "600", "original")
# (pixels, nominal width in the markup) of each size; the nominal height is two thirds of it.
_PHOTO_PIXELS = {"300": (24, 16), "600": (48, 32), "original": (96, 64)}
_PHOTO_NOMINAL = {"300": 300, "600": 600, "original": 1200}
STAT_VERSION = 1633262400  # the `?v=` of the sample's combo URLs
# Files on the static hosts that answer 404 (a stylesheet refers to one of them).
MISSING_STAT_PATHS = frozenset({"/img/schemius/gone-banner.png"})

CSS = "text/css"
JS = "application/javascript"
PNG, GIF, JPEG, SVG = "image/png", "image/gif", "image/jpeg", "image/svg+xml"
NOT_FOUND_TYPE = "text/html"
TYPES = {
    ".css": CSS,
    ".js": JS,
    ".png": PNG,
    ".gif": GIF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".svg": SVG,
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}

_PHOTO_PATH = re.compile(r"^/([a-z0-9_-]+)/(\d+)/(\d+)/(\d+)_(300|600|original)\.jpg$")
_USERPIC_PATH = re.compile(r"^/(\d+)/(\d+)$")
# Picture-host URLs in markup or inline JSON (src, srcset, data-src, href).
PICTURE_URL = re.compile(
    r"(?:https?:)?//(?:ic\.pics|l-userpic)\.livejournal\.com/[^\s\"'<>()\\,]+", re.IGNORECASE
)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes
    cors: bool = False  # static hosts answer fonts and styles to any origin


# ---------------------------------------------------------------- users, userpics, photos


def _number(low: int, high: int, *parts: object) -> int:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return low + int.from_bytes(digest[:8], "big") % (high - low)


def userid_of(username: str) -> int:
    """The user's numeric id: the journal's own for the sample's journals, else made up."""
    return USERIDS.get(username) or _number(10_000_000, 90_000_000, "userid", username)


def userpic_url(username: str) -> str:
    """The user's default userpic, `l-userpic.livejournal.com/PICID/USERID` (A1, C1)."""
    picid = USERPIC_IDS.get(username) or _number(100_000_000, 200_000_000, "userpic", username)
    return f"https://{USERPIC_HOST}/{picid}/{userid_of(username)}"


def photo_url(owner: str, picid: int, size: str) -> str:
    return f"https://{PICS_HOST}/{owner}/{userid_of(owner)}/{picid}/{picid}_{size}.jpg"


def photo_id(*parts: object) -> int:
    """A photo's PICID, from what identifies it (journal, post, comment, which photo)."""
    return _number(1_000_000, 40_000_000, "photo", *parts)


PHOTO_STYLES = ("plain", "linked", "lazy")


def photo_html(owner: str, picid: int, style: str) -> str:
    """A photo in a post body, as LiveJournal's editor writes it: the `_600` size with a `srcset`
    of the sizes (`plain`), the same linked to its `_original` (`linked`), or lazy-loaded: a
    small `src`, the large picture in `data-src` (`lazy`)."""
    small, medium, large = (photo_url(owner, picid, size) for size in PHOTO_SIZES)
    srcset = f"{small} 300w, {medium} 600w, {large} 1200w"
    if style == "lazy":
        return (
            f'<img alt="" src="{small}" data-src="{large}" loading="lazy" width="600" '
            'height="400" />'
        )
    img = f'<img alt="" src="{medium}" srcset="{srcset}" width="600" height="400" />'
    return f'<a href="{large}">{img}</a>' if style == "linked" else img


def comment_photo_html(owner: str, picid: int) -> str:
    """A picture in a comment's text: the `_300` size linked to the `_600` one. Written as an
    HTML parser writes it back (`<img ...>`, no `/>`), so the text reads the same from the inline
    JSON of schemius pages and from the markup of the others."""
    small, medium = photo_url(owner, picid, "300"), photo_url(owner, picid, "600")
    return f'<a href="{medium}"><img alt="" src="{small}" width="300" height="200"></a>'


def pictures_in(markup: str) -> list[str]:
    """The picture-host URLs (photos, userpics) in markup, in order, each once; protocol-relative
    ones as https."""
    found = (m.group(0) for m in PICTURE_URL.finditer(markup))
    return list(dict.fromkeys(f"https:{u}" if u.startswith("//") else u for u in found))


def role_of(url: str) -> str:
    return "userpic" if urlsplit(url).hostname == USERPIC_HOST else "image"


# ---------------------------------------------------------------- answering a URL


def is_tracker(host: str) -> bool:
    host = host.lower().split(":", 1)[0]
    return any(host == d or host.endswith("." + d) for d in TRACKER_DOMAINS)


def answers(url: str) -> bool:
    """Whether `url` is on a host this module answers (so: not a journal page)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return (
        is_tracker(host)
        or host in (PICS_HOST, USERPIC_HOST)
        or host in STAT_HOSTS
        or (host == urls.WWW_HOST and parts.path.startswith("/img/"))
    )


@lru_cache(maxsize=8192)
def answer(url: str) -> Answer | None:
    """What the host of `url` sends back, or None when `url` is not on one of these hosts."""
    if not answers(url):
        return None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if is_tracker(host):
        if parts.path.endswith(".js"):
            return Answer(200, JS, b"")
        if parts.path.endswith(".html"):
            return Answer(200, "text/html; charset=utf-8", b"")
        return Answer(200, GIF, TRACKER_GIF)
    if host == PICS_HOST:
        return _photo(parts.path, url)
    if host == USERPIC_HOST:
        if _USERPIC_PATH.match(parts.path):
            return Answer(200, PNG, png(url, 8, 8))
        return _not_found()
    if parts.query.startswith("?"):  # LiveJournal's combo URL: /??a.css,b.css?v=N
        return _combo(parts.path, parts.query[1:].split("?", 1)[0])
    if parts.path in MISSING_STAT_PATHS:
        return _not_found()
    return _file(parts.path, url, cors=host in STAT_HOSTS)


def answer_length(url: str) -> int | None:
    """The length of a 200 answer's body (without building the big one), else None."""
    if _is_huge(url):
        return HUGE_LENGTH
    found = answer(url)
    return len(found.body) if found is not None and found.status == 200 else None


def answer_status(url: str) -> int | None:
    if _is_huge(url):
        return 200
    found = answer(url)
    return found.status if found is not None else None


def _is_huge(url: str) -> bool:
    parts = urlsplit(url)
    match = _PHOTO_PATH.match(parts.path)
    return (
        parts.hostname == PICS_HOST
        and match is not None
        and int(match.group(3)) == HUGE_PICID
        and match.group(5) == "original"
    )


NOT_FOUND_BODY = (
    b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n"
    b"<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n"
    b"</body>\r\n</html>\r\n"
)


def _not_found() -> Answer:
    return Answer(404, NOT_FOUND_TYPE, NOT_FOUND_BODY)


def _photo(path: str, url: str) -> Answer:
    match = _PHOTO_PATH.match(path)
    if match is None or match.group(3) != match.group(4):
        return _not_found()
    picid, size = int(match.group(3)), match.group(5)
    if picid == MISSING_PICID:
        return _not_found()
    if picid == HUGE_PICID and size == "original":
        return Answer(200, JPEG, huge_jpeg())
    width, height = _PHOTO_PIXELS[size]
    return Answer(200, JPEG, jpeg(url, width, height))


def _extension(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return name[name.rfind(".") :].lower() if "." in name else ""


def _file(path: str, url: str, *, cors: bool) -> Answer:
    kind = TYPES.get(_extension(path))
    if kind is None:
        return _not_found()
    if kind == CSS:
        return Answer(200, CSS, stylesheet(path.lstrip("/")).encode(), cors)
    if kind == JS:
        return Answer(200, JS, script(path.lstrip("/")).encode(), cors)
    return Answer(200, kind, picture(kind, url), cors)


def _combo(path: str, listing: str) -> Answer:
    folder = path.lstrip("/")
    names = [folder + name for name in listing.split(",") if name]
    kinds = {TYPES.get(_extension(name)) for name in names}
    if kinds == {CSS}:
        return Answer(200, CSS, "".join(stylesheet(n) for n in names).encode(), True)
    if kinds == {JS}:
        return Answer(200, JS, "".join(script(n) for n in names).encode(), True)
    return _not_found()


def picture(kind: str, url: str) -> bytes:
    if kind == PNG:
        return png(url, 4, 4)
    if kind == GIF:
        return gif(url)
    if kind == JPEG:
        return jpeg(url, 16, 16)
    if kind == SVG:
        return svg(url)
    return font(url)


# ---------------------------------------------------------------- stylesheets and scripts

_V = f"?v={STAT_VERSION}"

# The schemius frame links `??schemius_v4/header_v5.css,schemius_v4/layout.css` and
# `??lj_base.css,common-post.css`; the S2 frame `??lj_base.css,common-post.css` and
# `??sup/s/style.css,sup/s/x-3.css`. Relative `url()`s resolve against the combo URL (the host's
# root); header_v5.css, first in its combo, imports the font's stylesheet.
STYLESHEETS: dict[str, str] = {
    "schemius_v4/header_v5.css": f"""@import "{STAT}/??proximanova-opentype.css{_V}";
.s-header {{ background: #004359 url(img/schemius/header-bg.png) repeat-x; min-height: 48px; }}
.s-logo-link {{ display: block; width: 120px; height: 32px;
  background: url("/img/schemius/logo.svg") no-repeat; }}
.s-logo-title {{ position: absolute; left: -9999px; }}
""",
    "schemius_v4/layout.css": f""".s-body {{ max-width: 1000px; margin: 0 auto;
  font-family: "ProximaNova", Arial, sans-serif; }}
.b-singlepost-author-userpic img {{ border-radius: 50%; }}
.b-grove {{ background: url({STAT}/img/schemius/grove-bg.gif) repeat-y; }}
.b-xylem {{ background-image: url('https://stat.livejournal.com/img/schemius/xylem.png'); }}
.threeposts__item--pic {{ background: url(img/schemius/gone-banner.png) no-repeat; }}
""",
    "lj_base.css": f"""body {{ margin: 0; color: #222;
  background: #fff url(/img/bg-body.png) repeat-x; }}
.i-ljuser-userhead {{ width: 17px; height: 17px; vertical-align: text-bottom;
  background: url({STAT}/img/userinfo_v8.svg?v=17080) no-repeat; }}
""",
    "common-post.css": """/* What a replay reads back: the archived stylesheet applied. */
.b-singlepost-body, .entry-content, .aentry-post__text {
  border-left: 3px solid rgb(1, 2, 3); padding-left: 12px; }
.b-singlepost-body img, .entry-content img { max-width: 100%; height: auto; }
.ljtags, .b-singlepost-tags { background: url(img/icons/tag.gif) no-repeat 0 50%;
  padding-left: 18px; }
""",
    "sup/s/style.css": f""".layout-minimalism .header {{
  background: #f4f4f4 url(/img/s2/minimalism/header.png) repeat-x; }}
.comment-upic img {{ border: 1px solid #ccc; }}
.entrymenu .btn-comments {{ background: url("{STAT}/img/s2/minimalism/comments.gif") no-repeat; }}
""",
    "sup/s/x-3.css": """.theme-x3 .sidebar { background: url(img/s2/x-3/sidebar.png) repeat-y; }
""",
    "proximanova-opentype.css": f"""@font-face {{ font-family: "ProximaNova";
  src: url({STAT}/fonts/proximanova-regular.woff2) format("woff2");
  font-weight: normal; font-style: normal; }}
""",
}
SCHEMIUS_STYLES = (
    f"{STAT}/??schemius_v4/header_v5.css,schemius_v4/layout.css{_V}",
    f"{STAT}/??lj_base.css,common-post.css{_V}",
)
S2_STYLES = (
    f"{STAT}/??lj_base.css,common-post.css{_V}",
    f"{STAT}/??sup/s/style.css,sup/s/x-3.css{_V}",
)
SCHEMIUS_SCRIPTS = (f"{STAT}/js/??.ljlib.js,scheme/schemius.js{_V}",)
S2_SCRIPTS = (f"{STAT}/js/??.ljlib.js,s2.js{_V}",)
# The distinctive computed style common-post.css gives the post body in every skin.
POST_BORDER = "3px solid rgb(1, 2, 3)"


def stylesheet(name: str) -> str:
    """One file of a combo: the sample's own text, or a small rule for the real pages' others."""
    known = STYLESHEETS.get(name)
    if known is not None:
        return f"/* {name} */\n{known}"
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower().removesuffix(".css")).strip("-")
    return f"/* {name} */\n.sample-{stem} {{ color: #{_hex_colour(name)}; }}\n"


def script(name: str) -> str:
    return (
        f"/* {name} */\n;(function () {{ var s = window.LJ_SAMPLE_SCRIPTS = "
        f'window.LJ_SAMPLE_SCRIPTS || []; s.push("{name}"); }})();\n'
    )


def links(styles: tuple[str, ...], scripts: tuple[str, ...]) -> str:
    """The `<link rel=stylesheet>` and `<script src>` lines of a page head."""
    lines = [f'<link href="{href}" rel="stylesheet" type="text/css"/>' for href in styles]
    lines += [f'<script src="{src}" type="text/javascript"></script>' for src in scripts]
    return "\n".join(lines)


# The counters at the foot of every page, as the real pages load them; never to be fetched.
TRACKERS_HTML = "\n".join(
    (
        '<script async="async" src="https://www.googletagmanager.com/gtm.js?id=GTM-KJBSQR">'
        "</script>",
        '<noscript><div><img alt="" src="//mc.yandex.ru/watch/27737346" '
        'style="position:absolute; left:-9999px;"/></div></noscript>',
        '<img alt="Топ-100" height="1" src="//counter.rambler.ru/top100.cnt?pid=5098520" '
        'width="1"/>',
        '<img alt="" height="1" '
        'src="https://sb.scorecardresearch.com/p?c1=2&amp;c2=10463284&amp;cv=2.0&amp;cj=1" '
        'width="1"/>',
    )
)


# ---------------------------------------------------------------- pictures


def _digest(url: str) -> bytes:
    return hashlib.sha256(url.encode()).digest()


def _rgb(url: str) -> tuple[int, int, int]:
    d = _digest(url)
    return d[0], d[1], d[2]


def _hex_colour(text: str) -> str:
    return "".join(f"{c:02x}" for c in _rgb(text))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(url: str, width: int, height: int) -> bytes:
    """An RGB PNG: four quadrants of two colours taken from the URL's hash."""
    d = _digest(url)
    colours = (bytes(d[0:3]), bytes(d[3:6]))
    rows = b"".join(
        b"\x00" + b"".join(colours[(x * 2 // width + y * 2 // height) % 2] for x in range(width))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows, 9))
        + _chunk(b"IEND", b"")
    )


# A 1x1 GIF89a: the colour table's first entry is the pixel. The tracker pixel is transparent.
_GIF_HEAD = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
_GIF_IMAGE = b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
_GIF_TRANSPARENT = b"!\xf9\x04\x01\x00\x00\x00\x00"
TRACKER_GIF = _GIF_HEAD + b"\xff\xff\xff\x00\x00\x00" + _GIF_TRANSPARENT + _GIF_IMAGE


def gif(url: str) -> bytes:
    return _GIF_HEAD + bytes(_rgb(url)) + b"\x00\x00\x00" + _GIF_IMAGE


def svg(url: str) -> bytes:
    colour = _hex_colour(url)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">'
        f'<rect width="16" height="16" rx="3" fill="#{colour}"/></svg>\n'
    ).encode()


def font(url: str) -> bytes:
    """Not a usable font: the WOFF2 signature and a few bytes (a browser falls back)."""
    return b"wOF2" + _digest(url)[:28]


# ---------------------------------------------------------------- a small baseline JPEG encoder
#
# Flat 8x8 blocks need only their DC coefficient: with a quantisation table of ones, a block of
# value v (0..255) has DC 8 * (v - 128), coded as the difference to the previous block of the
# same component with the standard luminance DC Huffman table (JPEG Annex K.3), then an
# end-of-block, the one code of an AC table that holds nothing else.

_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_VALUES = tuple(range(12))
_AC_BITS = (1,) + (0,) * 15
_AC_VALUES = (0x00,)  # EOB


def _huffman_codes(bits: tuple[int, ...], values: tuple[int, ...]) -> dict[int, tuple[int, int]]:
    """symbol -> (code, length), the canonical codes of a DHT table."""
    codes: dict[int, tuple[int, int]] = {}
    code, k = 0, 0
    for length, count in enumerate(bits, start=1):
        for _ in range(count):
            codes[values[k]] = (code, length)
            code += 1
            k += 1
        code <<= 1
    return codes


_DC_CODES = _huffman_codes(_DC_BITS, _DC_VALUES)
_EOB = _huffman_codes(_AC_BITS, _AC_VALUES)[0x00]


class _Bits:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.count = 0

    def put(self, code: int, length: int) -> None:
        for shift in range(length - 1, -1, -1):
            self.acc = (self.acc << 1) | ((code >> shift) & 1)
            self.count += 1
            if self.count == 8:
                self._byte()

    def _byte(self) -> None:
        self.out.append(self.acc)
        if self.acc == 0xFF:
            self.out.append(0x00)  # byte stuffing
        self.acc, self.count = 0, 0

    def flush(self) -> bytes:
        while self.count:
            self.put(1, 1)  # pad with ones
        return bytes(self.out)


def _ycbcr(r: int, g: int, b: int) -> tuple[int, int, int]:
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = 128 - 0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 128 + 0.5 * r - 0.418688 * g - 0.081312 * b
    return tuple(min(255, max(0, round(v))) for v in (y, cb, cr))  # type: ignore[return-value]


def _segment(marker: int, data: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data


def _blocks(url: str, columns: int, rows: int) -> Iterator[tuple[int, int, int]]:
    """Each block's colour, row by row: a gradient from the URL's colour."""
    r, g, b = _rgb(url)
    for by in range(rows):
        for bx in range(columns):
            yield (r + 9 * bx) % 256, (g + 9 * by) % 256, (b + 5 * (bx + by)) % 256


def jpeg(url: str, width: int, height: int, comment: bytes = b"") -> bytes:
    """A baseline JPEG of `width` x `height` pixels (multiples of 8), colours from the URL."""
    columns, rows = width // 8, height // 8
    bits = _Bits()
    previous = [0, 0, 0]
    for colour in _blocks(url, columns, rows):
        for component, value in enumerate(_ycbcr(*colour)):
            dc = 8 * (value - 128)
            diff = dc - previous[component]
            previous[component] = dc
            size = abs(diff).bit_length()
            bits.put(*_DC_CODES[size])
            if size:
                bits.put(diff if diff > 0 else diff + (1 << size) - 1, size)
            bits.put(*_EOB)
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    quant = b"\x00" + b"\x01" * 64
    frame = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    dht = (
        b"\x00"
        + bytes(_DC_BITS)
        + bytes(_DC_VALUES)
        + b"\x10"
        + bytes(_AC_BITS)
        + bytes(_AC_VALUES)
    )
    scan = b"\x03\x01\x00\x02\x00\x03\x00\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + _segment(0xE0, jfif)
        + comment
        + _segment(0xDB, quant)
        + _segment(0xC0, frame)
        + _segment(0xC4, dht)
        + _segment(0xDA, scan)
        + bits.flush()
        + b"\xff\xd9"
    )


_PADDING = b"sample LiveJournal: a photo too large to archive. "


@cache
def huge_jpeg() -> bytes:
    """HUGE_PICID's `_original`: a real JPEG, padded with comment segments to HUGE_LENGTH bytes.
    Made on first use and kept."""
    url = photo_url("zloy_odessit", HUGE_PICID, "original")
    base = len(jpeg(url, 96, 64))
    padding = HUGE_LENGTH - base
    segments = []
    while padding:
        size = min(padding, 65535 + 2)  # a segment: marker (2), length (2), up to 65533 bytes
        if 0 < padding - size < 4:  # leave room for one more whole segment
            size -= 4
        data_length = size - 4
        segments.append(
            _segment(0xFE, (_PADDING * (data_length // len(_PADDING) + 1))[:data_length])
        )
        padding -= size
    body = jpeg(url, 96, 64, b"".join(segments))
    assert len(body) == HUGE_LENGTH
    return body
