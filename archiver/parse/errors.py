"""The one error parsing raises."""

from __future__ import annotations


class ParseError(ValueError):
    """A page that cannot be parsed: names the URL and the reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot parse {url}: {reason}")
        self.url = url
        self.reason = reason
