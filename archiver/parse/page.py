"""One parsed page: everything the per-part parsers share, built once per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parsel import Selector

from archiver import urls
from archiver.parse.site_json import SiteData
from archiver.parse.skin import Skin


@dataclass(frozen=True)
class Page:
    url: str
    status: int
    captured_at: datetime
    sel: Selector  # the page's one parse
    site: SiteData
    skin: Skin
    ref: urls.PageRef

    @property
    def journal(self) -> str | None:
        """The journal the page belongs to: `Site.journal`, else the URL's host."""
        for value in (
            self.site.journal.get("username"),
            self.site.name("currentJournal"),
            self.ref.journal,
        ):
            if isinstance(value, str) and value:
                return value
        return None

    def absolute(self, href: str) -> str:
        """An href of this page as an absolute URL without its fragment."""
        return urls.join(self.url, href)
