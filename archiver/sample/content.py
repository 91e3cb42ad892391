"""What the sample LiveJournal holds: journals, posts, comments, policies, at a given revision.

Everything is derived from fixed seeds, so the same options always give the same content.
Revision R is revision 0 after R rounds of activity (see `_apply_round`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property

from archiver import urls
from archiver.sample import accounts, media, seed_data
from archiver.sample.defaults import DEFAULT_BULK_POSTS

# The sample server's clock at revision 0; each round of activity moves it on by ROUND_LENGTH.
EPOCH_NOW = datetime(2021, 10, 10, 12, 0, 0, tzinfo=UTC)
ROUND_LENGTH = timedelta(days=7)
BULK_JOURNAL = "bulk_journal"

COUNTED_STATES = frozenset({"active", "frozen"})
# The states whose comments show their author and text (the others show a placeholder).
SHOWN_STATES = COUNTED_STATES


@dataclass(frozen=True)
class Comment:
    talkid: int  # the public "dtalkid" seen in ?thread= URLs
    parent: int | None
    poster: str | None  # None: anonymous
    subject: str
    body_html: str
    posted: datetime  # UTC
    state: str  # active, screened, deleted, frozen, spammed, suspended
    depth: int  # 1 for top-level comments


@dataclass(frozen=True)
class CommentPolicy:
    anonymous_allowed: bool
    screening: str  # none, all, anonymous, non-friends
    ip_recorded: bool
    comments_disabled: bool = False


@dataclass(frozen=True)
class Post:
    journal: str
    ditemid: int
    poster: str
    title: str
    published: datetime  # journal-local wall time, naive, as the author typed it
    body_html: str
    tags: tuple[str, ...] = ()
    security: str = "public"  # public, friends, private, custom (accounts.SECURITY_LEVELS)
    groups: tuple[str, ...] = ()  # a custom post: the owner's friends groups that may read it
    mood: str | None = None
    music: str | None = None
    location: str | None = None
    base_comments: int = 0
    added_comments: tuple[tuple[int, int], ...] = ()  # (round, how many) added by revisions
    edited_in_round: int | None = None
    fixed_comments: tuple[Comment, ...] | None = None  # hand-written threads (the seed post)

    @property
    def url(self) -> str:
        return urls.post_url(self.journal, self.ditemid)

    @property
    def is_public(self) -> bool:
        return self.security == "public"

    def readable_by(self, reader: str | None) -> bool:
        """Whether the account `reader` (None: a logged-out reader) may read the post."""
        return accounts.may_read(self.journal, self.security, self.groups, reader)


@dataclass(frozen=True)
class Shelf:
    """The posts of a journal that one reader may read, newest first, and the listings made of
    them: what that reader's index, tag pages, calendar and feeds show."""

    posts: tuple[Post, ...]

    @cached_property
    def position(self) -> dict[int, int]:
        """ditemid -> index in `posts` (0 is the newest): prev/next links in O(1)."""
        return {p.ditemid: i for i, p in enumerate(self.posts)}

    @cached_property
    def by_tag(self) -> dict[str, tuple[Post, ...]]:
        """Each tag's posts, newest first."""
        tagged: dict[str, list[Post]] = {}
        for post in self.posts:
            for tag in post.tags:
                tagged.setdefault(tag, []).append(post)
        return {tag: tuple(posts) for tag, posts in sorted(tagged.items())}

    @cached_property
    def tag_counts(self) -> dict[str, int]:
        return {tag: len(posts) for tag, posts in self.by_tag.items()}

    @cached_property
    def calendar(self) -> dict[int, dict[int, dict[int, tuple[Post, ...]]]]:
        """year -> month -> day -> that day's posts, oldest first; keys ascending."""
        days: dict[int, dict[int, dict[int, list[Post]]]] = {}
        for post in reversed(self.posts):
            when = post.published
            days.setdefault(when.year, {}).setdefault(when.month, {}).setdefault(
                when.day, []
            ).append(post)
        return {
            year: {
                month: {day: tuple(posts) for day, posts in sorted(by_day.items())}
                for month, by_day in sorted(by_month.items())
            }
            for year, by_month in sorted(days.items())
        }


@dataclass(frozen=True)
class Journal:
    username: str
    userid: int
    title: str
    journal_type: str = "personal"  # personal, community
    status: str = "active"  # active, deleted, purged, suspended, blocked, renamed
    renamed_to: str | None = None
    language: str = "en"  # en, ru, uk: the journal style's language layer
    # What /NNN.html serves: "schemius" (LiveJournal's default site scheme), the journal's own
    # "s2" style, or the 2017+ "aentry" page. ?format=light always gives schemius.
    style: str = "schemius"
    adult: bool = False
    utc_offset_minutes: int = 180
    policy: CommentPolicy = CommentPolicy(True, "none", False)
    posts: tuple[Post, ...] = ()
    verbatim: dict[int, str] = field(default_factory=dict)  # ditemid -> bundled page file
    promoted_ditemid: int | None = None
    promo_price_tokens: int = 0
    members: tuple[str, ...] = ()
    # Whose view of the journal this is: an account's name, None for a logged-out reader. The
    # pages render what this reader may read (`read_by` makes the view).
    reader: str | None = None

    @property
    def url(self) -> str:
        return urls.journal_root(self.username)

    @cached_property
    def public(self) -> Shelf:
        """The public posts: what a logged-out reader's listings show."""
        return self._shelf_of(None)

    @cached_property
    def shelf(self) -> Shelf:
        """What `reader` may read: their listings (the public shelf when logged out)."""
        return self._shelf_of(self.reader)

    def _shelf_of(self, reader: str | None) -> Shelf:
        newest_first = sorted(self.posts, key=lambda p: (p.published, p.ditemid), reverse=True)
        return Shelf(tuple(p for p in newest_first if p.readable_by(reader)))

    @property
    def owner_reads(self) -> bool:
        """The journal's own account is reading it: screened comments show in full."""
        return self.reader == self.username

    def read_by(self, reader: str | None) -> Journal:
        """The journal as the account `reader` (None: logged out) sees it."""
        if reader == self.reader:
            return self
        if reader not in self._readings:
            self._readings[reader] = dataclasses.replace(self, reader=reader)
        return self._readings[reader]

    @cached_property
    def _readings(self) -> dict[str | None, Journal]:
        return {}

    @property
    def public_posts(self) -> tuple[Post, ...]:
        """Public posts, newest first: what a logged-out reader's index shows."""
        return self.public.posts

    @cached_property
    def by_ditemid(self) -> dict[int, Post]:
        return {p.ditemid: p for p in self.posts}

    @property
    def tag_counts(self) -> dict[str, int]:
        """The public posts' tags and how many each."""
        return self.public.tag_counts

    @property
    def public_position(self) -> dict[int, int]:
        """ditemid -> index in `public_posts` (0 is the newest): prev/next links in O(1)."""
        return self.public.position

    @property
    def public_by_tag(self) -> dict[str, tuple[Post, ...]]:
        """Each tag's public posts, newest first."""
        return self.public.by_tag

    @property
    def public_calendar(self) -> dict[int, dict[int, dict[int, tuple[Post, ...]]]]:
        """year -> month -> day -> that day's public posts, oldest first; keys ascending."""
        return self.public.calendar


@dataclass(frozen=True)
class Site:
    journals: dict[str, Journal]
    now: datetime
    revision: int
    bulk_posts: int

    def journal(self, username: str) -> Journal | None:
        return self.journals.get(username)


def stable_rng(*parts: object) -> random.Random:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def site_now(revision: int) -> datetime:
    return EPOCH_NOW + revision * ROUND_LENGTH


# ---------------------------------------------------------------- comments


def comments_of(post: Post) -> tuple[Comment, ...]:
    """The post's comment threads in display order (depth-first), as a logged-out reader sees."""
    return _comments(
        post.journal,
        post.ditemid,
        post.published,
        post.base_comments,
        post.added_comments,
        post.fixed_comments,
    )


def comment_count(post: Post) -> int:
    """LiveJournal's reply count: screened, deleted and spammed comments are not counted."""
    return sum(1 for c in comments_of(post) if c.state in COUNTED_STATES)


_COMMENT_CACHE: dict[tuple[object, ...], tuple[Comment, ...]] = {}


def _comments(
    journal: str,
    ditemid: int,
    published: datetime,
    base: int,
    added: tuple[tuple[int, int], ...],
    fixed: tuple[Comment, ...] | None,
) -> tuple[Comment, ...]:
    if fixed is not None:
        return fixed
    key = (journal, ditemid, published, base, added)
    cached = _COMMENT_CACHE.get(key)
    if cached is None:
        cached = _generate_comments(journal, ditemid, published, base, added)
        if len(_COMMENT_CACHE) > 50_000:
            _COMMENT_CACHE.clear()
        _COMMENT_CACHE[key] = cached
    return cached


def _generate_comments(
    journal: str,
    ditemid: int,
    published: datetime,
    base: int,
    added: tuple[tuple[int, int], ...],
) -> tuple[Comment, ...]:
    rng = stable_rng("comments", journal, ditemid)
    start = published.replace(tzinfo=UTC) - timedelta(hours=3)
    batches = [(start, base)] + [(site_now(r - 1), n) for r, n in added]
    flat: list[Comment] = []
    talkid = ditemid * 1000 + 1  # unique in the journal, as LiveJournal's are
    for batch_start, count in batches:
        for i in range(count):
            parent = _pick_parent(rng, flat)
            depth = 1 if parent is None else parent.depth + 1
            state = _pick_state(rng)
            poster = None if rng.random() < 0.12 else rng.choice(seed_data.COMMENTERS)
            if state == "suspended":
                poster = "banned_guy"
            subject = rng.choice(seed_data.COMMENT_SUBJECTS) if rng.random() < 0.3 else ""
            text = seed_data.sentence(rng, "en", 6, 20)
            flat.append(
                Comment(
                    talkid=talkid,
                    parent=None if parent is None else parent.talkid,
                    poster=poster,
                    subject=subject,
                    body_html=_comment_body(text, journal, ditemid, talkid, poster),
                    posted=batch_start + timedelta(minutes=37 * (i + 1) + rng.randint(0, 30)),
                    state=state,
                    depth=depth,
                )
            )
            talkid += rng.randint(1, 3)
    return _depth_first(flat)


def _comment_body(
    text: str, journal: str, ditemid: int, talkid: int, poster: str | None, chance: float = 0.08
) -> str:
    """A comment's text; now and then (a separate draw, so the rest stays as it was) with a
    picture of the commenter's after it."""
    if poster is None or stable_rng("comment-photo", journal, ditemid, talkid).random() >= chance:
        return text
    picid = media.photo_id(journal, ditemid, talkid)
    return f"{text}<br>{media.comment_photo_html(poster, picid)}"


def _pick_parent(rng: random.Random, flat: list[Comment]) -> Comment | None:
    if not flat or rng.random() < 0.45:
        return None
    candidate = flat[-1] if rng.random() < 0.6 else rng.choice(flat)
    return candidate if candidate.depth < 6 else None


def _pick_state(rng: random.Random) -> str:
    roll = rng.random()
    for state, upto in (
        ("screened", 0.06),
        ("deleted", 0.11),
        ("frozen", 0.15),
        ("spammed", 0.17),
        ("suspended", 0.19),
    ):
        if roll < upto:
            return state
    return "active"


def _depth_first(flat: list[Comment]) -> tuple[Comment, ...]:
    children: dict[int | None, list[Comment]] = {}
    for c in flat:
        children.setdefault(c.parent, []).append(c)
    ordered: list[Comment] = []

    def walk(parent: int | None) -> None:
        for c in children.get(parent, []):
            ordered.append(c)
            walk(c.talkid)

    walk(None)
    return tuple(ordered)


# ---------------------------------------------------------------- posts


def _ditemid(jitemid: int, rng: random.Random) -> int:
    # ditemid = jitemid * 256 + anum: the public id hides the internal sequence number.
    return jitemid * 256 + rng.randint(0, 255)


def generate_posts(
    journal: str,
    count: int,
    first: datetime,
    last: datetime,
    language: str,
    first_jitemid: int = 1,
    posters: tuple[str, ...] = (),
    skip_jitemids: frozenset[int] = frozenset(),
) -> list[Post]:
    """`count` posts between `first` and `last`; every 7th shares a day with the one before."""
    rng = stable_rng("posts", journal)
    span = (last - first).total_seconds()
    step = span / max(count, 1)
    posts: list[Post] = []
    jitemid = first_jitemid
    when = first
    for i in range(count):
        while jitemid in skip_jitemids:
            jitemid += 1
        if i % 7 == 6 and posts:
            when = posts[-1].published + timedelta(minutes=rng.randint(20, 240))
        else:
            when = first + timedelta(seconds=step * i + rng.uniform(0, step * 0.5))
        when = when.replace(second=0, microsecond=0)
        posts.append(_generated_post(journal, jitemid, when, language, rng, posters))
        jitemid += 1
    return posts


def _generated_post(
    journal: str,
    jitemid: int,
    when: datetime,
    language: str,
    rng: random.Random,
    posters: tuple[str, ...],
) -> Post:
    tags = tuple(sorted(set(rng.sample(seed_data.TAGS[language], rng.randint(0, 3)))))
    roll = rng.random()
    security = "friends" if roll < 0.04 else "private" if roll < 0.05 else "public"
    meta_roll = rng.random()
    base_comments = rng.choice((0, 0, 1, 2, 3, 5, 8)) if rng.random() < 0.97 else 24
    ditemid = _ditemid(jitemid, rng)
    poster = rng.choice(posters) if posters else journal
    title = seed_data.title(rng, language) if rng.random() < 0.93 else ""
    text, pictured = seed_data.body(rng, language)
    return Post(
        journal=journal,
        ditemid=ditemid,
        poster=poster,
        title=title,
        published=when,
        body_html=_with_photos(text, journal, ditemid, poster, pictured),
        tags=tags,
        security=security,
        mood=rng.choice(seed_data.MOODS) if meta_roll < 0.2 else None,
        music=rng.choice(seed_data.MUSIC) if 0.1 < meta_roll < 0.25 else None,
        location=rng.choice(seed_data.LOCATIONS) if 0.2 < meta_roll < 0.28 else None,
        base_comments=base_comments,
    )


def _with_photos(text: str, journal: str, ditemid: int, owner: str, pictured: bool) -> str:
    """The body with its photos, each a paragraph after the text: one or two when the body's
    own draw asked for a picture, else one for about one post in eight (a separate draw)."""
    rng = stable_rng("photos", journal, ditemid)
    count = (2 if rng.random() < 0.3 else 1) if pictured else (1 if rng.random() < 0.12 else 0)
    photos = [
        media.photo_html(owner, media.photo_id(journal, ditemid, i), rng.choice(media.PHOTO_STYLES))
        for i in range(count)
    ]
    return "<br /><br />".join([text, *photos])


def _add_photo(text: str, owner: str, picid: int, style: str) -> str:
    return f"{text}<br /><br />{media.photo_html(owner, picid, style)}"


# The posts that carry the photo answering 404 and the one over the crawler's cap.
MISSING_PHOTO_POST = ("zloy_odessit", 6635)
HUGE_PHOTO_POST = ("zloy_odessit", 1290 * 256 + 77)  # the promoted post


# ---------------------------------------------------------------- journals at revision 0


def _zloy_odessit() -> Journal:
    name = "zloy_odessit"
    posts = generate_posts(
        name, 36, datetime(2017, 3, 1, 9, 0), datetime(2021, 9, 20, 9, 0), "uk", first_jitemid=4
    )
    seed_post = Post(
        journal=name,
        ditemid=1281 * 256 + 154,
        poster=name,
        title="Afghan Trap 2.0",
        published=datetime(2021, 7, 12, 10, 24),
        body_html=_add_photo(
            seed_data.SEED_BODY_HTML, name, media.photo_id(name, 1281 * 256 + 154, 0), "linked"
        ),
        tags=("english",),
        fixed_comments=(),
    )
    promo = Post(
        journal=name,
        ditemid=1290 * 256 + 77,
        poster=name,
        title=seed_data.PROMO_TITLE,
        published=datetime(2021, 9, 30, 19, 5),
        body_html=_add_photo(seed_data.PROMO_BODY_HTML, name, media.HUGE_PICID, "linked"),
        tags=("азербайджан", "відео"),
        fixed_comments=promo_comments(name, 1290 * 256 + 77),
    )
    posts = [
        dataclasses.replace(
            p, body_html=_add_photo(p.body_html, name, media.MISSING_PICID, "plain")
        )
        if (name, p.ditemid) == MISSING_PHOTO_POST
        else p
        for p in posts
    ]
    return Journal(
        username=name,
        userid=seed_data.USERIDS[name],
        title="Злой одессит",
        language="uk",
        style="schemius",
        policy=CommentPolicy(anonymous_allowed=False, screening="all", ip_recorded=True),
        posts=(*posts, seed_post, promo),
        promoted_ditemid=promo.ditemid,
        promo_price_tokens=50,
    )


# zloy_odessit's posts for logged-in readers (issue 13): (security, groups, published). Their
# jitemids lie between the generated posts' (4-39) and the seed post's (1281), where no revision's
# new posts (above the newest jitemid) ever land.
READERS_POSTS_FIRST_JITEMID = 1100
READERS_POSTS: tuple[tuple[str, tuple[str, ...], datetime], ...] = (
    ("friends", (), datetime(2017, 6, 4, 20, 15)),
    ("friends", (), datetime(2018, 9, 18, 22, 40)),  # a day with two public posts
    ("friends", (), datetime(2020, 2, 14, 8, 5)),
    ("friends", (), datetime(2021, 9, 25, 17, 30)),  # second newest: in every feed
    ("private", (), datetime(2019, 1, 7, 23, 50)),
    ("private", (), datetime(2021, 3, 3, 6, 45)),
    ("custom", (accounts.ODESA_CIRCLE,), datetime(2019, 11, 2, 12, 20)),
    ("custom", (accounts.FAMILY,), datetime(2020, 12, 31, 23, 10)),
)


def _readers_posts(name: str, language: str) -> tuple[Post, ...]:
    """Friends-only, private and custom-group posts, each with comments, some of them screened.
    They have their own draws, so that nothing a logged-out reader sees changes with them."""
    rng = stable_rng("readers-posts", name)
    posts = []
    for jitemid, (security, groups, when) in enumerate(
        READERS_POSTS, start=READERS_POSTS_FIRST_JITEMID
    ):
        post = _generated_post(name, jitemid, when, language, rng, (name,))
        base = rng.randint(3, 9)
        comments = _generate_comments(name, post.ditemid, when, base, ())
        posts.append(
            dataclasses.replace(
                post,
                security=security,
                groups=groups,
                base_comments=base,
                fixed_comments=_with_screened(comments, rng),
            )
        )
    return tuple(posts)


def _with_screened(comments: tuple[Comment, ...], rng: random.Random) -> tuple[Comment, ...]:
    """The comments with one or two active ones screened (the generated draw may screen none)."""
    active = [i for i, c in enumerate(comments) if c.state == "active"]
    chosen = set(rng.sample(active, min(len(active), rng.randint(1, 2))))
    return tuple(
        dataclasses.replace(c, state="screened") if i in chosen else c
        for i, c in enumerate(comments)
    )


def _with_readers_posts(journal: Journal) -> Journal:
    if journal.username != "zloy_odessit":
        return journal
    extra = _readers_posts(journal.username, journal.language)
    return dataclasses.replace(journal, posts=(*journal.posts, *extra))


def _kelijah() -> Journal:
    name = "kelijah"
    skip = frozenset({1039, 1041})
    before = generate_posts(
        name,
        30,
        datetime(2019, 3, 2, 10, 0),
        datetime(2019, 12, 28, 10, 0),
        "ru",
        first_jitemid=1005,
        skip_jitemids=skip,
    )
    after = generate_posts(
        name + "-2020",
        3,
        datetime(2020, 2, 1, 10, 0),
        datetime(2020, 3, 1, 10, 0),
        "ru",
        first_jitemid=1042,
    )
    after = [dataclasses.replace(p, journal=name) for p in after]
    real = [
        Post(**fields, fixed_comments=_kelijah_real_comments(fields["ditemid"]))
        for fields in seed_data.KELIJAH_REAL_POSTS
    ]
    return Journal(
        username=name,
        userid=seed_data.USERIDS[name],
        title="Компьютерная лингвистика",
        language="en",
        style="s2",
        policy=CommentPolicy(anonymous_allowed=False, screening="anonymous", ip_recorded=False),
        posts=(*before, *real, *after),
        verbatim={
            266579: "kelijah-266579-schemius.html",
            266132: "kelijah-266132-s2-comments.html",
        },
    )


def _kelijah_real_comments(ditemid: int) -> tuple[Comment, ...]:
    """The one thread on the real S2 page 266132: 71316 -> 71572 -> 71828."""
    if ditemid != 266132:
        return ()
    chain = (
        (71316, None, "p2004r", 12),
        (71572, 71316, "kelijah", 13),
        (71828, 71572, "p2004r", 14),
    )
    return tuple(
        Comment(
            talkid,
            parent,
            poster,
            "",
            "",
            datetime(2020, 1, 3, hour, 15, tzinfo=UTC),
            "active",
            depth,
        )
        for depth, (talkid, parent, poster, hour) in enumerate(chain, start=1)
    )


def _small(
    name: str,
    userid: int,
    title: str,
    language: str = "en",
    count: int = 12,
    posters: tuple[str, ...] = (),
) -> Journal:
    posts = generate_posts(
        name,
        count,
        datetime(2015, 5, 1, 12, 0),
        datetime(2021, 8, 1, 12, 0),
        language,
        posters=posters,
    )
    return Journal(username=name, userid=userid, title=title, language=language, posts=tuple(posts))


def _community() -> Journal:
    members = ("tea_lover", "oolong_fan", "puerh_man")
    base = _small("tea_club", 5550001, "Tea club", posters=members, count=14)
    hostile = Post(
        journal="tea_club",
        ditemid=900 * 256 + 13,
        poster="oolong_fan",
        title="Hostile markup",
        published=datetime(2021, 8, 15, 21, 0),
        body_html=seed_data.HOSTILE_BODY_HTML,
        tags=("test",),
    )
    return dataclasses.replace(
        base,
        journal_type="community",
        style="s2",
        members=members,
        posts=(*base.posts, hostile),
        policy=CommentPolicy(anonymous_allowed=True, screening="anonymous", ip_recorded=True),
    )


def _bulk(count: int) -> Journal:
    posts = generate_posts(
        BULK_JOURNAL, count, datetime(2008, 1, 1, 8, 0), datetime(2021, 10, 1, 8, 0), "en"
    )
    return Journal(
        username=BULK_JOURNAL,
        userid=6000001,
        title="Bulk journal",
        policy=CommentPolicy(anonymous_allowed=True, screening="none", ip_recorded=False),
        posts=tuple(posts),
    )


def _base_journals(bulk_posts: int) -> list[Journal]:
    return [
        _zloy_odessit(),
        _kelijah(),
        _community(),
        dataclasses.replace(
            _small("moskvich", 7100001, "Московский дневник", language="ru"),
            style="aentry",
            policy=CommentPolicy(True, "non-friends", False),
        ),
        dataclasses.replace(_small("adult_notes", 7200001, "Notes for grown-ups"), adult=True),
        dataclasses.replace(_small("new_name", 7300001, "A journal that was renamed"), style="s2"),
        Journal("old_name", 0, "", status="renamed", renamed_to="new_name"),
        Journal("gone_away", 7400001, "", status="deleted"),
        Journal("purged_user", 7400002, "", status="purged"),
        Journal("banned_user", 7400003, "", status="suspended"),
        Journal("alstrangers", 7400004, "", status="blocked"),
        _bulk(bulk_posts),
    ]


# ---------------------------------------------------------------- revisions


def _apply_round(journal: Journal, round_no: int) -> Journal:
    """One round of activity: new posts, an edit, new comments, a deletion, a policy change."""
    if journal.status != "active" or not journal.posts:
        return journal
    rng = stable_rng("round", journal.username, round_no)
    posts = list(journal.posts)
    editable = [i for i, p in enumerate(posts) if p.ditemid not in journal.verbatim]
    start = site_now(round_no - 1).replace(tzinfo=None) + timedelta(
        hours=journal.utc_offset_minutes / 60
    )
    top_jitemid = max(p.ditemid >> 8 for p in posts)
    for k in range(3):
        when = (start + timedelta(hours=20 * k + rng.randint(1, 10))).replace(second=0)
        post = _generated_post(
            journal.username, top_jitemid + 1 + k, when, journal.language, rng, journal.members
        )
        posts.append(dataclasses.replace(post, security="public"))
    # Activity gathers where readers are: an edit to one of the five newest public posts, new
    # comments on posts a little older (still on the index pages); a deletion can hit any post.
    recent = (
        sorted(
            (i for i in editable if posts[i].is_public),
            key=lambda i: (posts[i].published, posts[i].ditemid),
            reverse=True,
        )
        or editable
    )
    edit_at = recent[rng.randrange(min(5, len(recent)))]
    edited = posts[edit_at]
    posts[edit_at] = dataclasses.replace(
        edited,
        title=(edited.title or "Untitled") + " (updated)",
        body_html=edited.body_html
        + f"<p>UPD {round_no}: {seed_data.sentence(rng, 'en', 5, 9)}</p>",
        edited_in_round=round_no,
    )
    commented = recent[10:60] or editable
    for i in rng.sample(commented, min(2, len(commented))):
        post = posts[i]
        if post.fixed_comments is None:
            posts[i] = dataclasses.replace(
                post, added_comments=(*post.added_comments, (round_no, rng.randint(1, 4)))
            )
    deletable = [i for i in editable if i != edit_at]
    del posts[deletable[rng.randrange(len(deletable))]]
    # A journal with real pages served verbatim keeps the policy those pages show.
    policy = (
        journal.policy
        if journal.verbatim
        else dataclasses.replace(
            journal.policy, anonymous_allowed=not journal.policy.anonymous_allowed
        )
    )
    return dataclasses.replace(journal, posts=tuple(posts), policy=policy)


def build_site(revision: int = 0, bulk_posts: int = DEFAULT_BULK_POSTS) -> Site:
    if revision < 0:
        raise ValueError("revision must be 0 or more")
    if not 1 <= bulk_posts <= 100_000:
        raise ValueError("posts must be between 1 and 100000")
    journals = {}
    for journal in _base_journals(bulk_posts):
        for round_no in range(1, revision + 1):
            journal = _apply_round(journal, round_no)
        # Added after the rounds, whose draws run over the journal's posts: they stay as they were.
        journals[journal.username] = _with_readers_posts(journal)
    return Site(journals=journals, now=site_now(revision), revision=revision, bulk_posts=bulk_posts)


def iter_manifest(site: Site, reader: str | None = None) -> Iterator[dict[str, object]]:
    """One record per journal, then one per post: every post, public or not, or with `reader`
    (an account's name) the posts that account may read, each post's `media` as they see it."""
    for journal in site.journals.values():
        yield {
            "type": "journal",
            "journal": journal.username,
            "status": journal.status,
            "journal_type": journal.journal_type,
            "title": journal.title,
            "language": journal.language,
            "style": journal.style,
            "adult": journal.adult,
            "renamed_to": journal.renamed_to,
            "url": journal.url,
            "policy": dataclasses.asdict(journal.policy),
        }
    for journal in site.journals.values():
        seen = journal.read_by(reader)
        for post in sorted(journal.posts, key=lambda p: (p.published, p.ditemid)):
            if reader is not None and not post.readable_by(reader):
                continue
            yield _post_record(seen, post)


def _post_record(journal: Journal, post: Post) -> dict[str, object]:
    record: dict[str, object] = {
        "type": "post",
        "journal": journal.username,
        "ditemid": post.ditemid,
        "url": post.url,
        "title": post.title,
        "poster": post.poster,
        "published": post.published.isoformat(sep=" "),
        "tags": list(post.tags),
        "comment_count": comment_count(post),
        "security": post.security,
        "edited_in_round": post.edited_in_round,
        "media": post_media(journal, post),
    }
    if post.security == "custom":
        record["groups"] = list(post.groups)
    return record


def promo_comments(journal: str, ditemid: int) -> tuple[Comment, ...]:
    """Eighteen visible comments on the promoted post, as the seed page's widget counts them."""
    rng = random.Random(ditemid)
    start = datetime(2021, 9, 30, 16, 30, tzinfo=UTC)
    comments = []
    for i in range(18):
        parent = None if i % 3 == 0 else 7000 + (i - i % 3)
        comments.append(
            Comment(
                talkid=7000 + i,
                parent=parent,
                poster=seed_data.COMMENTERS[i % len(seed_data.COMMENTERS)],
                subject="",
                body_html=_comment_body(
                    seed_data.sentence(rng, "ru", 4, 12),
                    journal,
                    ditemid,
                    7000 + i,
                    seed_data.COMMENTERS[i % len(seed_data.COMMENTERS)],
                    chance=1.0 if i == 4 else 0.0,
                ),
                posted=start.replace(minute=31 + i),
                state="active",
                depth=1 if parent is None else 2,
            )
        )
    return tuple(comments)


def post_media(journal: Journal, post: Post) -> list[dict[str, object]]:
    """The pictures the post's pages show: its author's userpic and its body's photos (`talkid`
    null), then each shown comment's userpic and photos, in page order. Every URL on the picture
    hosts (`ic.pics`, `l-userpic`) that any page of the post (comment pages, `?thread=` pages,
    every skin) shows to the journal's reader (`Journal.reader`) is here, with its answer: status,
    length, and whether it exceeds the crawler's default cap. A post the reader may not read
    shows none; a real page served verbatim, what it shows."""
    if not post.readable_by(journal.reader):
        return []
    found: list[tuple[str, int | None]] = []
    if post.ditemid in journal.verbatim:
        found = _verbatim_pictures(seed_data.data_bytes(journal.verbatim[post.ditemid]).decode())
    else:
        found.append((media.userpic_url(post.poster), None))
        found += [(url, None) for url in media.pictures_in(post.body_html)]
        shown = SHOWN_STATES | {"screened"} if journal.owner_reads else SHOWN_STATES
        for c in comments_of(post):
            if c.state not in shown:
                continue
            if c.poster:
                found.append((media.userpic_url(c.poster), c.talkid))
            found += [(url, c.talkid) for url in media.pictures_in(c.body_html)]
    records: list[dict[str, object]] = []
    for url, talkid in dict.fromkeys(found):
        length = media.answer_length(url)
        records.append(
            {
                "url": url,
                "role": media.role_of(url),
                "talkid": talkid,
                "status": media.answer_status(url),
                "length": length,
                "over_cap": length is not None and length > media.MEDIA_CAP,
            }
        )
    return records


def _verbatim_pictures(page: str) -> list[tuple[str, int | None]]:
    """The picture-host URLs of a real page, each with the S2 comment (`ljcmtN`) it stands in."""
    marks = [(m.start(), int(m.group(1))) for m in re.finditer(r'id="ljcmt(\d+)"', page)]
    found: list[tuple[str, int | None]] = []
    for match in media.PICTURE_URL.finditer(page):
        owner = [talkid for at, talkid in marks if at < match.start()]
        url = match.group(0)
        found.append(
            (f"https:{url}" if url.startswith("//") else url, owner[-1] if owner else None)
        )
    return found
