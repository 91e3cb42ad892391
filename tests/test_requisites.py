"""archiver.parse.requisites on small inputs and on the real pages: what a page loads."""

from __future__ import annotations

from parse_support import FIXTURES
from parsel import Selector

from archiver.parse.requisites import (
    FONT,
    IMAGE,
    SCRIPT,
    STYLE,
    USERPIC,
    images_in,
    images_in_html,
    role_of_image,
    srcset_urls,
    styles_and_scripts,
    stylesheet_references,
)

PICS = "https://ic.pics.livejournal.com/zloy_odessit/1234/5678"


def test_a_srcset_gives_every_size_even_with_commas_in_a_url() -> None:
    srcset = (
        f"{PICS}/5678_300.jpg 300w, {PICS}/5678_600.jpg 600w,"
        f"{PICS}/5678_original.jpg 1600w, https://l-stat.livejournal.net/??a.css,b.png 2x"
    )
    assert srcset_urls(srcset) == [
        f"{PICS}/5678_300.jpg",
        f"{PICS}/5678_600.jpg",
        f"{PICS}/5678_original.jpg",
        "https://l-stat.livejournal.net/??a.css,b.png",
    ]
    assert srcset_urls(f"{PICS}/a.jpg") == [f"{PICS}/a.jpg"]


def test_images_come_from_every_attribute_and_from_links_to_originals() -> None:
    body = Selector(
        text=f"""<div class="entry">
<a href="{PICS}/5678_original.jpg"><img src="{PICS}/5678_600.jpg"
  srcset="{PICS}/5678_300.jpg 300w, {PICS}/5678_600.jpg 600w" alt=""></a>
<img data-src="/img/lazy.png" src="data:image/gif;base64,R0lGOD">
<picture><source srcset="https://example.org/a.webp"><img src="https://example.org/a.jpg"></picture>
<a href="https://example.org/page.html"><img src="https://example.org/thumb.gif"></a>
<img src="https://l-userpic.livejournal.com/111/222">
</div>"""
    )
    assert images_in(body, "https://zloy-odessit.livejournal.com/7.html") == [
        f"{PICS}/5678_600.jpg",
        f"{PICS}/5678_300.jpg",
        "https://zloy-odessit.livejournal.com/img/lazy.png",
        "https://example.org/a.webp",
        "https://example.org/a.jpg",
        "https://example.org/thumb.gif",
        "https://l-userpic.livejournal.com/111/222",
        f"{PICS}/5678_original.jpg",  # the original the body links its picture to
    ]
    assert role_of_image("https://l-userpic.livejournal.com/111/222") == USERPIC
    assert role_of_image(f"{PICS}/5678_600.jpg") == IMAGE


def test_a_comment_fragment_is_read_without_the_page() -> None:
    fragment = f'Look: <img src="{PICS}/9_600.jpg"> <b>bold</b>'
    assert images_in_html(fragment, "https://x.livejournal.com/7.html") == [f"{PICS}/9_600.jpg"]
    assert images_in_html("no pictures here", "https://x.livejournal.com/7.html") == []
    assert images_in_html("<img src='", "https://x.livejournal.com/7.html") == []


def test_a_stylesheet_loads_imports_fonts_and_images_relative_to_itself() -> None:
    css = """@import "base.css"; /* url(commented-out.png) */
.a { background: url(../img/bg.png) } .b { background-image: url( 'sprite.svg#x' ) }
@font-face { src: url("/fonts/pn.woff2") format("woff2"), url(/fonts/pn.ttf) }
.c { background: url(data:image/png;base64,AAAA) }"""
    base = "https://l-stat.livejournal.net/css/schemius/layout.css?v=1"
    assert stylesheet_references(css, base) == [
        ("https://l-stat.livejournal.net/css/schemius/base.css", STYLE),
        ("https://l-stat.livejournal.net/css/img/bg.png", IMAGE),
        ("https://l-stat.livejournal.net/css/schemius/sprite.svg", IMAGE),
        ("https://l-stat.livejournal.net/fonts/pn.woff2", FONT),
        ("https://l-stat.livejournal.net/fonts/pn.ttf", FONT),
    ]


def test_the_real_pages_styles_scripts_and_userpics() -> None:
    """Read by hand from the pages: the combo stylesheets of schemius and S2 pages, the poster's
    and commenters' userpics, the trackers a crawl must leave alone (the plan's deny list)."""
    page = FIXTURES / "real" / "evo_lutio-1180335" / "page.html"
    sel = Selector(text=page.read_text("utf-8"))
    url = "https://evo-lutio.livejournal.com/1180335.html"
    loaded = styles_and_scripts(sel, url)
    styles = [u for u, role in loaded if role == STYLE]
    assert styles[0].startswith("https://l-stat.livejournal.net/??schemius_v4/header_v5.css,")
    assert all(u.startswith("https://l-stat.livejournal.net/??") for u in styles)
    assert any(role == SCRIPT for _, role in loaded)
    images = images_in(sel, url)
    assert "https://l-userpic.livejournal.com/125882817/43573826" in images  # the poster's
    assert any("scorecardresearch.com" in u for u in images)  # a tracker pixel, to be denied
    lynx = FIXTURES / "real" / "rebecca2525-3562-2011-lynx-light" / "page.html"
    old = Selector(text=lynx.read_text("utf-8"))
    old_url = "https://rebecca2525.livejournal.com/3562.html?format=light"
    assert styles_and_scripts(old, old_url)[0] == (
        "http://l-stat.livejournal.com/??lj_base.css,esn.css,contextualhover.css,"
        "commentmanage.css,share.css,lj_base-app.css,lynx/layout.css?v=1324670318",
        STYLE,
    )
    assert images_in(old, old_url)[0] == "http://l-userpic.livejournal.com/97605406/2903240"
