"""LiveJournal date texts -> datetimes, keeping the text.

LiveJournal writes dates in many shapes: the schemius header's journal-local `2020-01-23 11:18:00`,
S2's `abbr.updated[title]` ISO with offset and its visible `January 3rd, 9:36` (no year), S2
comments' `2020-01-03 12:15 pm (UTC)`, the 2017+ page's `June 6 2013, 09:00`, the site's client-side
Ukrainian and Russian forms (`Вересень 30, 19:05`, `30 вересня 2021, 19:05`, `3 января 2020`), and
RFC-822 / W3C dates in feeds.

Reading them is dateutil's: `dateutil.parser.isoparse` reads ISO 8601, `dateutil.parser.parse` the
rest (RFC 822 included): numbers, month names, am/pm, ordinals, fillers, UTC words and offsets,
with LiveJournal's English, Russian and Ukrainian words in `_LiveJournalWords`; `dateutil.tz` gives
the zones.

What is LiveJournal's: which texts are dates at all (a day and a month; at most one year, time and
zone; numbers only as LiveJournal writes them), that numeric dates are year-first (2020-01-03) or
day-first (03.01.20), what a two-digit year means, and that a date without a year takes it from the
moment the page was captured (`infer_year`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

from dateutil import tz
from dateutil.parser import isoparse, parser, parserinfo

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


def _names(*lists: str) -> list[tuple[str, ...]]:
    """Word lists in calendar order, one word per month or weekday each, as parserinfo's tuples."""
    return [tuple(words) for words in zip(*(names.split() for names in lists), strict=True)]


class _LiveJournalWords(parserinfo):
    """The words of LiveJournal's English, Russian and Ukrainian dates (dateutil lowercases)."""

    # dateutil reads these class attributes as its tables; the stubs type them as lists.
    JUMP = [  # noqa: RUF012
        *parserinfo.JUMP,
        "the",
        *["г", "год", "года", "году", "в", "во"],  # Russian: "3 января 2020 г.", "в 19:05"
        *["р", "рік", "року", "о", "об", "у"],  # Ukrainian: "1 листопада 2019 р.", "о 19:05"
    ]
    # The stubs allow three names a month, two a weekday; dateutil takes any number.
    MONTHS = _names(  # type: ignore[assignment]
        "jan feb mar apr may jun jul aug sep oct nov dec",
        "january february march april may june july august september october november december",
        "jan feb mar apr may jun jul aug sept oct nov dec",
        # Russian: nominative (the site's calendar), genitive (dates), short forms.
        "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
        "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
        "янв фев мар апр май июн июл авг сен окт ноя дек",
        "янв фев мар апр май июн июл авг сент окт нояб дек",
        # Ukrainian: nominative, genitive, short forms.
        "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад "
        "грудень",
        "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
        "січ лют бер кві тра чер лип сер вер жов лис гру",
        "січ лют бер квіт трав черв лип серп вер жовт лист груд",
    )
    WEEKDAYS = _names(  # type: ignore[assignment]
        "mon tue wed thu fri sat sun",
        "monday tuesday wednesday thursday friday saturday sunday",
        "mon tues wed thur fri sat sun",
        "mon tues wed thurs fri sat sun",
        "понедельник вторник среда четверг пятница суббота воскресенье",
        "пн вт ср чт пт сб вс",
        "понеділок вівторок середа четвер пʼятниця субота неділя",
        "пн вт ср чт пт сб нд",
    )
    UTCZONE = ["utc", "gmt", "ut", "z"]  # noqa: RUF012  # matched as written: see _read

    def jump(self, name: str) -> bool:
        # Any punctuation between the parts: "(UTC)", "30 вересня | 19:05". A "+" is an offset.
        return super().jump(name) or _PUNCTUATION.fullmatch(name) is not None

    def convertyear(self, year: int, century_specified: bool = False) -> int:
        if century_specified:
            return year
        # LiveJournal opened in 1999: two-digit years are this century unless they are the 1990s.
        return 1900 + year if year >= 90 else 2000 + year


_PUNCTUATION = re.compile(r"[^\w\s+]")
_PARSER = parser(_LiveJournalWords())
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The numbers of LiveJournal's dates, each one of these. dateutil reads far more (20200103, 7pm,
# 10:0012) and guesses at what it reads: "3 January 20" as 2020, "32 January 20" as 2032.
_NUMBER = re.compile(r"[+-]?\d+(?:[:./-]\d+)*[^\W\d_]*")
_LIVEJOURNAL_NUMBER = re.compile(
    r"(?P<day>\d{1,2}(?:st|nd|rd|th)?)"  # 3, 03, 3rd
    r"|(?P<year>\d{4})"
    r"|(?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:am|pm)?)"  # 9:36, 09:57:17, 12:15pm
    r"|(?P<offset>[+-]\d{2}:?\d{2})"  # +0300, -05:00
    r"|(?P<year_first>\d{4}[-/]\d{1,2}[-/]\d{1,2}t?)"  # 2020-01-03, 2020/1/3
    r"|(?P<day_first>\d{1,2}\.\d{1,2}\.(?:\d{2}|\d{4}))",  # uk, ru: 03.01.20, 03.01.2020
    re.IGNORECASE,
)
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])['’](?=[^\W\d_])")  # п'ятниця, п’ятниця: one word
_LONGEST = 120  # far more than any date LiveJournal writes; dateutil reads every token first
# Two defaults differing in every field: a field the text gave is the same in both readings.
# Both years are leap years, so a year-less "29 лютого" reads.
_DEFAULTS = (datetime(2000, 1, 1), datetime(2004, 2, 2, 1, 1, 1))


def parse_date(text: str, *, captured_at: datetime | None = None) -> LJDate:
    """Parse one LiveJournal date text.

    A text without a year takes the year of `captured_at`, or the year before when the date would
    otherwise lie more than a day after the capture (a page seen in January showing "December 30");
    see `infer_year`.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        raise DateParseError("empty date text")
    if len(cleaned) > _LONGEST:
        raise DateParseError(f"too long for a date: {cleaned[:_LONGEST]!r}…")
    if _ISO_DATE.match(cleaned):
        try:
            value = isoparse(cleaned)
        except (ValueError, OverflowError):
            pass  # "2020-01-03 12:15 pm (UTC)": not ISO, though it starts like it
        else:
            return LJDate(text, value, has_year=True, has_time=len(cleaned) > 10)
    return _from_fields(text, cleaned, captured_at)


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


def _from_fields(shown: str, cleaned: str, captured_at: datetime | None) -> LJDate:
    read = _fields(cleaned)
    if isinstance(read, str):
        raise DateParseError(read)
    value, has_year, has_time = read
    if not has_year:
        if captured_at is None:
            raise DateParseError(f"{shown!r} has no year and no capture time to take it from")
        fields = (value.month, value.day, value.hour, value.minute, value.second)
        value = value.replace(year=infer_year(*fields, captured_at))
    return LJDate(shown, value, has_year=has_year, has_time=has_time)


CACHED_DATES = 2048


@lru_cache(maxsize=CACHED_DATES)
def _fields(cleaned: str) -> tuple[datetime, bool, bool] | str:
    """What the text says (its value, whether it has a year, a time), or why it is no date.
    Cached: every post page of a journal shows the same few dates in its widget and sidebar,
    and dateutil takes a tenth of a millisecond for each."""
    try:
        numbers = _number_kinds(cleaned)
        days = numbers["day"] + numbers["year_first"] + numbers["day_first"]
        years = numbers["year"] + numbers["year_first"] + numbers["day_first"]
        if max(days, years, numbers["time"], numbers["offset"]) > 1:
            return f"two days, years, times or zones in {cleaned!r}"
        if days != 1:  # "Fri Jan 2020": dateutil would take the weekday for a day
            return f"no day of the month in {cleaned!r}"
        if _POSIX_OFFSET.search(cleaned):  # dateutil reads "UTC-05:00" the POSIX way, as +05:00
            return f"an offset after a zone name in {cleaned!r}"
        day_first = bool(numbers["day_first"])
        value, other = (_read(cleaned, default, day_first) for default in _DEFAULTS)
    except DateParseError as error:
        return str(error)
    if value.month != other.month or value.day != other.day:
        return f"no day and month in {cleaned!r}"
    has_year, has_time = value.year == other.year, value.hour == other.hour
    if (has_year, has_time) != (years == 1, numbers["time"] == 1):  # "2020 pm": 2020 o'clock
        return f"dateutil misread {cleaned!r}"
    return value, has_year, has_time


_POSIX_OFFSET = re.compile(r"\b(?:UTC|GMT|UT)\s*[+-]", re.IGNORECASE)


def _number_kinds(cleaned: str) -> Counter[str]:
    """How many days, years, times, offsets and numeric dates the text shows."""
    kinds: Counter[str] = Counter()
    for number in _NUMBER.findall(cleaned):
        match = _LIVEJOURNAL_NUMBER.fullmatch(number)
        if match is None or match.lastgroup is None:
            raise DateParseError(f"{number!r} is no part of a date, in {cleaned!r}")
        kinds[match.lastgroup] += 1
    return kinds


def _read(cleaned: str, default: datetime, day_first: bool) -> datetime:
    # Lower case: dateutil takes any capitals after a time for a zone name ("P.M." has "M").
    words = _APOSTROPHE.sub("ʼ", cleaned.lower())
    try:
        return _PARSER.parse(words, default=default, dayfirst=day_first, tzinfos=_zone)
    except (ValueError, OverflowError) as exc:  # dateutil's ParserError is a ValueError
        raise DateParseError(f"not a date {cleaned!r}: {exc}") from exc


def _zone(name: str | None, offset: int | None) -> tzinfo | None:
    """The zone of a date: none, UTC or a numeric offset; a named zone is none LiveJournal uses."""
    if offset == 0:  # dateutil gives UTC words an offset of 0
        return tz.UTC
    if name is not None:
        raise ValueError(f"unknown time zone {name!r}")
    if offset is None:
        return None
    if abs(offset) >= 24 * 3600:
        raise ValueError(f"offset of a day or more: {offset} s")
    return tz.tzoffset(None, offset)
