"""How far a run has got with its posts, for the progress display: the post pages it has asked
for and read, and the posts the day pages it has asked for will list (their calendar counts),
so that the total is known long before the last day page is read."""

from __future__ import annotations

from dataclasses import dataclass, field

from archiver import urls


@dataclass
class PostTally:
    asked: int = 0
    done: int = 0
    _days: dict[str, int] = field(default_factory=dict)  # day page asked for -> posts shown
    _day_posts: int = 0

    @property
    def known(self) -> int:
        return max(self.asked + self._day_posts, self.done)

    def on_asked(self, url: str, ref: urls.PageRef, shown: int | None) -> None:
        if ref.kind == "post" and not ref.query:
            self.asked += 1
        elif ref.kind == "day" and shown:
            self._days[url] = shown
            self._day_posts += shown

    def on_answered(self, url: str, ref: urls.PageRef) -> None:
        """A page read or given up on: a post is done; a day page's posts are asked for now."""
        if ref.kind == "post" and not ref.query:
            self.done += 1
        self._day_posts -= self._days.pop(url, 0)
