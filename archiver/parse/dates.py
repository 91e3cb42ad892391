"""LiveJournal date texts -> datetimes, keeping the text.

LiveJournal writes dates in many shapes: the schemius header's journal-local `2020-01-23 11:18:00`,
S2's `abbr.updated[title]` ISO with offset and its visible `January 3rd, 9:36` (no year), S2
comments' `2020-01-03 12:15 pm (UTC)`, the 2017+ page's `June 6 2013, 09:00`, the site's client-side
Ukrainian and Russian forms (`Вересень 30, 19:05`, `30 вересня 2021, 19:05`, `3 января 2020`), and
RFC-822 / W3C dates in feeds. `parse_date` reads them all; a date without a year takes its year
from the moment the page was captured.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo

__all__ = [
    "DateParseError",
    "LJDate",
    "from_timestamp",
    "infer_year",
    "parse_date",
]


class DateParseError(ValueError):
    """A text that is not a date LiveJournal writes."""


@dataclass(frozen=True)
class LJDate:
    text: str  # exactly as shown on the page
    value: datetime  # aware only when the text carried a zone
    has_year: bool
    has_time: bool

    @property
    def has_zone(self) -> bool:
        return self.value.tzinfo is not None

    def iso(self) -> str:
        """ISO 8601: with an offset only when the text gave a zone."""
        return self.value.isoformat()

    def utc_iso(self) -> str:
        """ISO 8601 in UTC when the text gave a zone, else the naive local ISO form."""
        if self.value.tzinfo is None:
            return self.value.isoformat()
        return self.value.astimezone(UTC).isoformat()


def _month_table() -> dict[str, int]:
    names = {
        # English: full names and the usual abbreviations.
        "en": "january february march april may june july august september october november "
        "december",
        "en_abbr": "jan feb mar apr may jun jul aug sep oct nov dec",
        # Russian: nominative (calendar, site ML), genitive (dates), short forms.
        "ru_nom": "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
        "ru_gen": "января февраля марта апреля мая июня июля августа сентября октября ноября "
        "декабря",
        "ru_abbr": "янв фев мар апр май июн июл авг сен окт ноя дек",
        # Ukrainian: nominative, genitive, short forms.
        "uk_nom": "січень лютий березень квітень травень червень липень серпень вересень жовтень "
        "листопад грудень",
        "uk_gen": "січня лютого березня квітня травня червня липня серпня вересня жовтня "
        "листопада грудня",
        "uk_abbr": "січ лют бер кві тра чер лип сер вер жов лис гру",
    }
    table: dict[str, int] = {}
    for words in names.values():
        for number, word in enumerate(words.split(), start=1):
            table[word] = number
    extra = {
        "sept": 9,
        "сент": 9,
        "нояб": 11,
        "квіт": 4,
        "трав": 5,
        "черв": 6,
        "серп": 8,
        "жовт": 10,
        "лист": 11,
        "груд": 12,
    }
    table.update(extra)
    return table


MONTHS: dict[str, int] = _month_table()

_FILLER = frozenset(
    " ".join(
        (
            # English glue and weekdays
            "at on of the t monday tuesday wednesday thursday friday saturday sunday",
            "mon tue tues wed thu thur thurs fri sat sun",
            # Russian: year words, prepositions, weekdays
            "г года году год в во понедельник вторник среда четверг пятница суббота воскресенье",
            "пн вт ср чт пт сб вс",
            # Ukrainian: year words, prepositions, weekdays
            "р року рік о об у понеділок вівторок середа четвер пʼятниця п'ятниця субота неділя",
            "нд",
        )
    ).split()
)
_UTC_WORDS = frozenset({"utc", "gmt", "ut", "z"})
_MERIDIEM = {"am": False, "pm": True}

_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?"
)
_TOKEN = re.compile(
    r"""
      (?P<ymd>\d{4})[-/](?P<ymd_m>\d{1,2})[-/](?P<ymd_d>\d{1,2})(?!\d)
    | (?P<dmy>\d{1,2})\.(?P<dmy_m>\d{1,2})\.(?P<dmy_y>\d{4}|\d{2})(?!\d)
    | (?P<zone>[+-]\d{2}:?\d{2})(?!\d)
    | (?P<time>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?(?:\.\d+)?
    | (?P<num>\d+)(?P<ord>st|nd|rd|th)?(?![^\W\d_])
    | (?P<word>[^\W\d_]+(?:['ʼ][^\W\d_]+)?)\.?
    | (?P<space>\s+)
    | (?P<punct>[^\w\s])
    | (?P<other>.)
    """,
    re.VERBOSE,
)


@dataclass
class _Fields:
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int = 0
    second: int = 0
    pm: bool | None = None
    zone: tzinfo | None = None


def parse_date(text: str, *, captured_at: datetime | None = None) -> LJDate:
    """Parse one LiveJournal date text.

    A text without a year takes the year of `captured_at`, or the year before when the date would
    otherwise lie more than a day after the capture (a page seen in January showing "December 30");
    see `infer_year`.
    """
    shown = text
    cleaned = " ".join(text.split())
    if not cleaned:
        raise DateParseError("empty date text")
    if _ISO.fullmatch(cleaned):
        try:
            value = datetime.fromisoformat(cleaned)
        except ValueError as exc:
            raise DateParseError(f"bad ISO date {text!r}: {exc}") from exc
        return LJDate(shown, value, has_year=True, has_time=len(cleaned) > 10)
    fields = _tokenize(cleaned)
    return _build(shown, fields, captured_at)


def from_timestamp(seconds: float) -> datetime | None:
    """A unix timestamp (LiveJournal's `ctime_ts`, `data-updated-ts`) as an aware UTC datetime;
    None for one no calendar holds (a page can say anything)."""
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def infer_year(
    month: int, day: int, hour: int, minute: int, second: int, captured_at: datetime
) -> int:
    """The year of a year-less date seen at `captured_at` (see `parse_date`).

    The capture's year, or the year before when the date would lie more than a day after the
    capture. The day of slack is for time zones; for the same reason a capture late on 31 December
    (UTC) may show "1 January" of the next year, which is taken when it lies within that day.
    """
    seen = captured_at
    if seen.tzinfo is not None:
        seen = seen.astimezone(UTC).replace(tzinfo=None)
    limit = seen + timedelta(days=1)
    for year in range(limit.year, seen.year - 9, -1):
        try:
            candidate = datetime(year, month, day, hour, minute, second)
        except ValueError:
            continue  # 29 February outside a leap year
        if candidate <= limit:
            return year
    raise DateParseError(f"no year fits month {month} day {day} before {captured_at.isoformat()}")


def _tokenize(cleaned: str) -> _Fields:
    lowered = cleaned.casefold().replace("ё", "е")
    lowered = re.sub(r"\b([ap])\.\s?m\.", r"\1m", lowered)
    fields = _Fields()
    for match in _TOKEN.finditer(lowered):
        kind = match.lastgroup
        if kind in ("space", "punct"):
            continue
        if kind == "other":
            raise DateParseError(f"unexpected {match.group()!r} in {cleaned!r}")
        if match.group("ymd"):
            _set_date(
                fields, match.group("ymd"), match.group("ymd_m"), match.group("ymd_d"), cleaned
            )
        elif match.group("dmy"):
            year = _full_year(match.group("dmy_y"))
            _set_date(fields, str(year), match.group("dmy_m"), match.group("dmy"), cleaned)
        elif match.group("zone"):
            fields.zone = _offset(match.group("zone"))
        elif match.group("time"):
            if fields.hour is not None:
                raise DateParseError(f"two times in {cleaned!r}")
            fields.hour = int(match.group("time"))
            fields.minute = int(match.group("minute"))
            fields.second = int(match.group("second") or 0)
        elif match.group("num"):
            _take_number(fields, match.group("num"), bool(match.group("ord")), cleaned)
        else:
            _take_word(fields, match.group("word"), cleaned)
    if fields.month is None or fields.day is None:
        raise DateParseError(f"no day and month in {cleaned!r}")
    return fields


def _set_date(fields: _Fields, year: str, month: str, day: str, cleaned: str) -> None:
    if fields.year is not None or fields.month is not None or fields.day is not None:
        raise DateParseError(f"two dates in {cleaned!r}")
    fields.year, fields.month, fields.day = int(year), int(month), int(day)


def _take_number(fields: _Fields, digits: str, ordinal: bool, cleaned: str) -> None:
    if len(digits) == 4 and not ordinal:
        if fields.year is not None:
            raise DateParseError(f"two years in {cleaned!r}")
        fields.year = int(digits)
    elif len(digits) <= 2 and fields.day is None:
        fields.day = int(digits)
    else:
        raise DateParseError(f"unexpected number {digits!r} in {cleaned!r}")


def _take_word(fields: _Fields, word: str, cleaned: str) -> None:
    if word in MONTHS:
        if fields.month is not None:
            raise DateParseError(f"two months in {cleaned!r}")
        fields.month = MONTHS[word]
    elif word in _MERIDIEM:
        fields.pm = _MERIDIEM[word]
    elif word in _UTC_WORDS:
        fields.zone = UTC
    elif word not in _FILLER:
        raise DateParseError(f"unexpected word {word!r} in {cleaned!r}")


def _build(shown: str, fields: _Fields, captured_at: datetime | None) -> LJDate:
    assert fields.month is not None and fields.day is not None
    hour = fields.hour if fields.hour is not None else 0
    if fields.pm is not None:
        if fields.hour is None or not 1 <= hour <= 12:
            raise DateParseError(f"am/pm without a 12-hour time in {shown!r}")
        hour = hour % 12 + (12 if fields.pm else 0)
    year = fields.year
    if year is None:
        if captured_at is None:
            raise DateParseError(f"{shown!r} has no year and no capture time to take it from")
        year = infer_year(fields.month, fields.day, hour, fields.minute, fields.second, captured_at)
    try:
        value = datetime(
            year, fields.month, fields.day, hour, fields.minute, fields.second, tzinfo=fields.zone
        )
    except ValueError as exc:
        raise DateParseError(f"impossible date {shown!r}: {exc}") from exc
    return LJDate(shown, value, has_year=fields.year is not None, has_time=fields.hour is not None)


def _full_year(digits: str) -> int:
    if len(digits) == 4:
        return int(digits)
    short = int(digits)
    # LiveJournal opened in 1999: two-digit years are this century unless they are the 1990s.
    return 1900 + short if short >= 90 else 2000 + short


def _offset(text: str) -> tzinfo:
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return UTC if not delta else timezone(sign * delta)
