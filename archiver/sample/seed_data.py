"""Fixed texts and word lists the sample journals are made from."""

from __future__ import annotations

import html
import random
from datetime import datetime
from importlib import resources
from typing import Any

DATA = resources.files("archiver.sample") / "data"


def data_bytes(name: str) -> bytes:
    return (DATA / name).read_bytes()


def _paragraphs_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    return "<br /><br />".join(html.escape(p, quote=False) for p in paragraphs)


# The seed post, word for word (../shared/seed/journal-post.txt).
SEED_BODY_HTML = _paragraphs_to_html(data_bytes("zloy_odessit-seed-body.txt").decode("utf-8"))

PROMO_TITLE = "Азербайджан. Часть первая"
PROMO_EXCERPT_SOURCE = (
    "Это первое видео из цикла, посвященного моей поездке в Азербайджан. Каждый день я посещал "
    "то или иное место, и сразу же, пока были живы первые впечатления и эмоции, записывал их. "
    "Потому, что самое сильное впечатление то, которое ты буквально только что пережил. Лишь "
    "после возвращения в Одессу я смонтировал всё это в один ролик."
)
PROMO_BODY_HTML = (
    html.escape(PROMO_EXCERPT_SOURCE, quote=False)
    + '<br /><br /><a href="https://www.youtube.com/watch?v=azerbaijan1">Смотреть видео</a>'
)

HOSTILE_BODY_HTML = (
    "<p>Harmless first paragraph.</p>"
    "<script>window.__pwned = 'script tag';</script>"
    "<p onclick=\"window.__pwned='onclick'\" onmouseover=\"window.__pwned='hover'\">Hover me</p>"
    '<img src="x" onerror="window.__pwned=\'onerror\'" />'
    "<a href=\"javascript:window.__pwned='link'\">A javascript: link</a>"
    "<iframe src=\"javascript:window.__pwned='iframe'\"></iframe>"
    "<svg><script>window.__pwned='svg'</script></svg>"
    '<form action="https://evil.example/steal"><input name="q" /></form>'
    '<div style="background:url(javascript:alert(1))">styled</div>'
    '<object data="https://evil.example/x.swf"></object>'
    '<img src="https://l-stat.livejournal.net/img/harmless.png" alt="a real image" />'
)

# Users' numeric ids: the journals' own (Site.journal.id), p2004r's and his userpic's from the real
# page kelijah-266132; everyone else's are made up from the name (archiver.sample.media.userid_of).
USERIDS: dict[str, int] = {
    "zloy_odessit": 9843211,
    "kelijah": 7519330,
    "tea_club": 5550001,
    "moskvich": 7100001,
    "adult_notes": 7200001,
    "new_name": 7300001,
    "gone_away": 7400001,
    "purged_user": 7400002,
    "banned_user": 7400003,
    "alstrangers": 7400004,
    "bulk_journal": 6000001,
    "p2004r": 37697966,
}
USERPIC_IDS: dict[str, int] = {"p2004r": 110181423}

COMMENTERS = ("tea_lover", "oolong_fan", "puerh_man", "p2004r", "odessa_mama", "bystander")

COMMENT_SUBJECTS = ("Re: question", "Agreed", "Hmm", "Не согласен", "Дякую!", "A thought")

MOODS = ("amused", "tired", "contemplative", "cheerful", "annoyed")
MUSIC = ("Okean Elzy — Obijmy", "Kino — Gruppa krovi", "Bach — Goldberg Variations")
LOCATIONS = ("Odesa, Ukraine", "Moscow, Russia", "Kyiv, Ukraine")

TAGS: dict[str, tuple[str, ...]] = {
    "en": ("politics", "travel", "books", "photo", "music", "notes", "cooking", "history"),
    "ru": ("политика", "путешествия", "книги", "фото", "nlp", "заметки", "история"),
    "uk": ("політика", "подорожі", "книги", "фото", "english", "нотатки", "історія"),
}

_WORDS: dict[str, tuple[str, ...]] = {
    "en": tuple(
        [
            "the",
            "city",
            "harbour",
            "morning",
            "letter",
            "river",
            "winter",
            "train",
            "market",
            "garden",
            "evening",
            "friend",
            "story",
            "window",
            "street",
            "bridge",
            "light",
            "quiet",
            "old",
            "new",
            "long",
            "short",
            "walk",
            "read",
            "write",
            "think",
            "remember",
            "today",
            "yesterday",
            "again",
            "always",
            "never",
            "people",
            "house",
            "summer",
            "sea",
            "wind",
        ]
    ),
    "ru": tuple(
        [
            "город",
            "утро",
            "письмо",
            "река",
            "зима",
            "поезд",
            "рынок",
            "сад",
            "вечер",
            "друг",
            "история",
            "окно",
            "улица",
            "мост",
            "свет",
            "тихий",
            "старый",
            "новый",
            "долгий",
            "короткий",
            "гулять",
            "читать",
            "писать",
            "думать",
            "помнить",
            "сегодня",
            "вчера",
            "снова",
            "всегда",
            "никогда",
            "люди",
            "дом",
            "лето",
            "море",
            "ветер",
        ]
    ),
    "uk": tuple(
        [
            "місто",
            "ранок",
            "лист",
            "річка",
            "зима",
            "потяг",
            "ринок",
            "сад",
            "вечір",
            "друг",
            "історія",
            "вікно",
            "вулиця",
            "міст",
            "світло",
            "тихий",
            "старий",
            "новий",
            "довгий",
            "короткий",
            "гуляти",
            "читати",
            "писати",
            "думати",
            "пам'ятати",
            "сьогодні",
            "вчора",
            "знову",
            "завжди",
            "ніколи",
            "люди",
            "дім",
            "літо",
            "море",
            "вітер",
        ]
    ),
}


def sentence(rng: random.Random, language: str, shortest: int, longest: int) -> str:
    words = [rng.choice(_WORDS[language]) for _ in range(rng.randint(shortest, longest))]
    return " ".join(words).capitalize() + "."


def title(rng: random.Random, language: str) -> str:
    return sentence(rng, language, 2, 6).rstrip(".")


def body(rng: random.Random, language: str) -> tuple[str, bool]:
    """A generated post body, and whether it ends with a photo (the caller makes its markup: the
    photo's URL names the post's author)."""
    paragraphs = [
        " ".join(sentence(rng, language, 5, 14) for _ in range(rng.randint(1, 4)))
        for _ in range(rng.randint(1, 4))
    ]
    parts = [html.escape(p, quote=False) for p in paragraphs]
    if rng.random() < 0.15:
        parts.insert(1, '<a name="cutid1"></a>')
    return "<br /><br />".join(parts), rng.random() < 0.1


# The two real kelijah pages are served verbatim; these are their facts (SOURCES.md).
KELIJAH_REAL_POSTS: tuple[dict[str, Any], ...] = (
    {
        "journal": "kelijah",
        "ditemid": 266132,
        "poster": "kelijah",
        "title": "Датасет для тренировки NP chunker'а",
        "published": datetime(2020, 1, 3, 9, 36),
        "body_html": "",
        "tags": ("dataset", "chatbot", "chunker", "nlp", "chunking", "существительное"),
    },
    {
        "journal": "kelijah",
        "ditemid": 266579,
        "poster": "kelijah",
        "title": "NLP pipeline в чатботе - текущее состояние и задачи",
        "published": datetime(2020, 1, 23, 11, 18),
        "body_html": "",
        "tags": ("github", "nlp"),
    },
)
