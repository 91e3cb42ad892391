"""The one error parsing raises."""

from __future__ import annotations


class ParseError(ValueError):
    """A page that cannot be parsed: names the URL and the reason."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"cannot parse {url}: {reason}")
        self.url = url
        self.reason = reason

    def __reduce__(self) -> tuple[type[ParseError], tuple[str, str]]:
        # Pages are parsed in a process of their own: the error crosses back pickled.
        return (ParseError, (self.url, self.reason))
