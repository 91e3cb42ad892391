"""Which comments a post page shows: a page of top-level threads, or one `?thread=` subtree."""

from __future__ import annotations

from dataclasses import dataclass

from archiver.sample.content import Comment, Post, comment_count, comments_of

THREADS_PER_PAGE = 10
COLLAPSE_BELOW = 3  # on a post page, comments deeper than this show no body (ANATOMY §1d)
# A collapsed comment on a post page lists its first two replies; the rest, with everything under
# them, fold into one "more" record, as the real evo_lutio-1179162 page folds six replies after
# two collapsed ones. Only replies to a collapsed (listed, not placeholder) comment fold, so the
# comment's own `?thread=` page, already linked, shows them.
MORE_AFTER = 2
PLACEHOLDER_STATES = frozenset({"screened", "deleted", "spammed", "suspended"})
PLACEHOLDER_TEXT = {
    "screened": "Screened comment",
    "deleted": "Deleted comment",
    "spammed": "Spammed comment",
    "suspended": "Suspended comment",
}
FROZEN_TEXT = "Replies frozen"


@dataclass(frozen=True)
class Shown:
    comment: Comment
    collapsed: bool
    replies: tuple[int, ...]  # talkids of the direct replies
    owner_reads: bool = False  # the journal's owner sees screened comments in full

    @property
    def hidden(self) -> bool:
        """A placeholder: LiveJournal shows only the state, never the author or the text."""
        state = self.comment.state
        return state in PLACEHOLDER_STATES and not (self.owner_reads and state == "screened")


@dataclass(frozen=True)
class More:
    """Replies a page does not list: LiveJournal's `{"more": N, "parent": …}` record."""

    parent: Comment
    replies: tuple[Comment, ...]  # the folded direct replies of `parent`
    folded: tuple[Comment, ...]  # every comment not listed: the replies and their subtrees
    position: int  # how many listed comments come before the record

    @property
    def depth(self) -> int:
        return self.parent.depth + 1


@dataclass(frozen=True)
class CommentView:
    shown: tuple[Shown, ...]
    page: int  # 1-based; 1 in a thread view
    pages: int
    thread: int | None  # the subtree's root when the page shows one thread
    reply_count: int
    more: tuple[More, ...] = ()

    @property
    def paginated(self) -> bool:
        return self.thread is None and self.pages > 1


def comment_view(
    post: Post, page: int = 1, thread: int | None = None, *, owner_reads: bool = False
) -> CommentView:
    """The comments of one page. An unknown `thread` falls back to the paged view. The journal's
    owner (`owner_reads`) sees screened comments as they were written."""
    comments = comments_of(post)
    starts = [i for i, c in enumerate(comments) if c.parent is None]
    pages = max(1, -(-len(starts) // THREADS_PER_PAGE))
    root = _subtree(comments, thread) if thread is not None else None
    if root is not None:
        chosen, collapse, page, shown_thread = root, False, 1, thread
    else:
        page = min(max(page, 1), pages)
        first = (page - 1) * THREADS_PER_PAGE
        bounds = [*starts, len(comments)]
        end = bounds[min(first + THREADS_PER_PAGE, len(starts))]
        chosen = comments[bounds[first] : end]
        collapse, shown_thread = True, None
    replies: dict[int, list[int]] = {}
    for c in chosen:
        if c.parent is not None:
            replies.setdefault(c.parent, []).append(c.talkid)
    shown: list[Shown] = []
    by_id: dict[int, Shown] = {}
    listed_replies: dict[int, int] = {}  # talkid -> how many of its replies are listed
    folds: dict[int, tuple[list[Comment], list[Comment], int]] = {}  # parent -> its fold
    fold_of: dict[int, int] = {}  # folded talkid -> the parent whose fold holds it
    for c in chosen:
        parent = by_id.get(c.parent) if c.parent is not None else None
        if c.parent is not None and c.parent in fold_of:  # under a folded reply
            fold_of[c.talkid] = fold_of[c.parent]
            folds[fold_of[c.parent]][1].append(c)
            continue
        if (
            parent is not None
            and parent.collapsed
            and not parent.hidden
            and listed_replies.get(parent.comment.talkid, 0) >= MORE_AFTER
        ):
            direct, every, _at = folds.setdefault(parent.comment.talkid, ([], [], len(shown)))
            direct.append(c)
            every.append(c)
            fold_of[c.talkid] = parent.comment.talkid
            continue
        if c.parent is not None:
            listed_replies[c.parent] = listed_replies.get(c.parent, 0) + 1
        collapsed = collapse and c.depth > COLLAPSE_BELOW
        item = Shown(c, collapsed, tuple(replies.get(c.talkid, ())), owner_reads)
        shown.append(item)
        by_id[c.talkid] = item
    more = tuple(
        More(by_id[parent].comment, tuple(direct), tuple(every), position)
        for parent, (direct, every, position) in folds.items()
    )
    return CommentView(tuple(shown), page, pages, shown_thread, comment_count(post), more)


def _subtree(comments: tuple[Comment, ...], talkid: int) -> tuple[Comment, ...] | None:
    """The comment and everything under it: a contiguous run of the depth-first order."""
    for i, c in enumerate(comments):
        if c.talkid == talkid:
            end = i + 1
            while end < len(comments) and comments[end].depth > c.depth:
                end += 1
            return comments[i:end]
    return None
