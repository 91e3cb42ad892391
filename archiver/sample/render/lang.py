"""The language layers: month names, date formats and labels in English, Russian and Ukrainian.

Two families of dates (ANATOMY "Month names", §8):
- the journal's S2 layer: genitive month in long dates ("03 вересня 2020, 09:36"); the English
  layer writes "January 3rd, 9:36" as in A2;
- the site's own client-side strings (the widget, the 2017+ "aentry" page): nominative month,
  capitalised, then the day ("Вересень 30, 19:05").
Calendars use the nominative month.
"""

from __future__ import annotations

from datetime import datetime

LANGUAGES = ("en", "ru", "uk")

_GENITIVE = {
    "en": "January February March April May June July August September October November December",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
}
_NOMINATIVE = {
    "en": "January February March April May June July August September October November December",
    "ru": "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    "uk": "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад "
    "грудень",
}
GENITIVE: dict[str, tuple[str, ...]] = {k: tuple(v.split()) for k, v in _GENITIVE.items()}
NOMINATIVE: dict[str, tuple[str, ...]] = {k: tuple(v.split()) for k, v in _NOMINATIVE.items()}

# S2 layer labels. Comment placeholders and the site scheme (schemius) stay English: they come
# from the site's strings, not the journal's layer.
_LABELS: dict[str, tuple[str, str, str]] = {
    # key: (en, ru, uk)
    "tags": ("Tags: ", "Метки: ", "Мітки: "),
    "mood": ("Mood", "Настроение", "Настрій"),
    "music": ("Music", "Музыка", "Зараз грає"),
    "location": ("Location", "Местонахождение", "Місцезнаходження"),
    "recent": ("Recent Entries", "Последние записи", "Останні записи"),
    "archive": ("Archive", "Архив", "Архів"),
    "profile": ("Profile", "Профиль", "Профіль"),
    "tag_cloud": ("Tags", "Метки", "Мітки"),
    "previous_n": ("Previous {n}", "Предыдущие {n}", "Попередні {n}"),
    "next_n": ("Next {n}", "Следующие {n}", "Наступні {n}"),
    "leave_comment": ("Leave a comment", "Оставить комментарий", "Залишити коментар"),
    "post_comment": ("Post a new comment", "Комментировать", "Коментувати"),
    "reply": ("Reply", "Ответить", "Відповісти"),
    "parent": ("Parent", "Родитель", "Батьківський"),
    "thread": ("Thread", "Ветвь", "Гілка"),
    "expand": ("Expand", "Развернуть", "Розгорнути"),
    "tagged": ("Entries tagged with {tag}", "Записи с меткой {tag}", "Записи з міткою {tag}"),
    "no_subject": ("(no subject)", "(без темы)", "(без теми)"),
}

_PLURAL_COMMENTS = {
    "en": ("comment", "comments", "comments"),
    "ru": ("комментарий", "комментария", "комментариев"),
    "uk": ("коментар", "коментарі", "коментарів"),
}


def lang_of(language: str) -> str:
    return language if language in LANGUAGES else "en"


def label(language: str, key: str, **values: object) -> str:
    text = _LABELS[key][LANGUAGES.index(lang_of(language))]
    return text.format(**values) if values else text


def _plural_form(n: int) -> int:
    """Slavic plural class: 0 one, 1 few, 2 many (English uses 0 and 2)."""
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


def comments_text(language: str, n: int) -> str:
    """The count with its noun: "3 comments", "1 comment"; Russian and Ukrainian decline it."""
    language = lang_of(language)
    form = _plural_form(n)
    if language == "en":
        form = 0 if n == 1 else 2
    return f"{n} {_PLURAL_COMMENTS[language][form]}"


def english_comments(n: int) -> str:
    return comments_text("en", n)


def ordinal(day: int) -> str:
    if 11 <= day % 100 <= 13:
        return f"{day}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def month_nominative(language: str, month: int) -> str:
    """Capitalised nominative month, as calendars and the site's scripts show it."""
    return NOMINATIVE[lang_of(language)][month - 1].capitalize()


def s2_entry_date(language: str, when: datetime) -> str:
    """The visible text of `abbr.updated` on S2 pages (A2: "January 3rd, 9:36")."""
    language = lang_of(language)
    if language == "en":
        return (
            f"{GENITIVE['en'][when.month - 1]} {ordinal(when.day)}, {when.hour}:{when.minute:02d}"
        )
    # uk/ru lang_fmt_date_long: "DD month YYYY", then the time as HH:MM.
    month = GENITIVE[language][when.month - 1]
    return f"{when.day:02d} {month} {when.year}, {when:%H:%M}"


def site_short_date(language: str, when: datetime) -> str:
    """The widget's date: "Вересень 30, 19:05" (nominative month, day, HH:MM; no year)."""
    return f"{month_nominative(language, when.month)} {when.day}, {when:%H:%M}"


def site_long_date(language: str, when: datetime) -> str:
    """The 2017+ page's date: "June 6 2013, 09:00" in the journal's language."""
    return f"{month_nominative(language, when.month)} {when.day} {when.year}, {when:%H:%M}"


def s2_long_date(language: str, year: int, month: int, day: int) -> str:
    """A day with its year in the S2 layer ("September 30th, 2021" / "30 вересня 2021")."""
    language = lang_of(language)
    if language == "en":
        return f"{GENITIVE['en'][month - 1]} {ordinal(day)}, {year}"
    return f"{day} {GENITIVE[language][month - 1]} {year}"
