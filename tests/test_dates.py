"""LiveJournal date texts in English, Russian and Ukrainian, with and without year or zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from archiver.parse.dates import DateParseError, LJDate, from_timestamp, infer_year, parse_date

# The sample server's clock at revision 0; the seed page was seen then.
SEEN = datetime(2021, 10, 10, 12, 0, tzinfo=UTC)


def iso(text: str, seen: datetime = SEEN) -> str:
    return parse_date(text, captured_at=seen).iso()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # schemius post header: journal-local, no zone (ANATOMY §1b, A1)
        ("2020-01-23 11:18:00", "2020-01-23T11:18:00"),
        ("2020-01-23 11:18", "2020-01-23T11:18:00"),
        # S2 abbr.updated[title]: ISO with the journal's offset (A2)
        ("2020-01-03T09:36:00+03:00", "2020-01-03T09:36:00+03:00"),
        ("2020-01-03T09:36:00-05:00", "2020-01-03T09:36:00-05:00"),
        # W3C / Atom and export XML: UTC with Z
        ("2003-10-20T17:11:02Z", "2003-10-20T17:11:02+00:00"),
        # S2 comment: 12-hour clock, (UTC) (A2)
        ("2020-01-03 12:15 pm (UTC)", "2020-01-03T12:15:00+00:00"),
        ("2020-01-03 01:42 pm (UTC)", "2020-01-03T13:42:00+00:00"),
        ("2004-02-09 05:46 am (UTC)", "2004-02-09T05:46:00+00:00"),
        ("2004-02-09 12:05 am (UTC)", "2004-02-09T00:05:00+00:00"),
        # S1-era and hand-made mirrors
        ("June 18th, 2003 09:57 am (UTC)", "2003-06-18T09:57:00+00:00"),
        ("January 1 2004, 09:57:17 UTC", "2004-01-01T09:57:17+00:00"),
        # 2017+ aentry header
        ("June 6 2013, 09:00", "2013-06-06T09:00:00"),
        ("Jun. 6th, 2013", "2013-06-06T00:00:00"),
        # RFC-822 (RSS pubDate)
        ("Fri, 03 Jan 2020 06:36:00 GMT", "2020-01-03T06:36:00+00:00"),
        ("Sat, 09 Oct 2021 18:00:00 +0000", "2021-10-09T18:00:00+00:00"),
        ("Sat, 09 Oct 2021 21:00:00 +0300", "2021-10-09T21:00:00+03:00"),
        # Ukrainian: genitive (uk1.s2 lang_fmt_date_long) with year
        ("30 вересня 2021, 19:05", "2021-09-30T19:05:00"),
        ("03 січня 2020", "2020-01-03T00:00:00"),
        ("1 листопада 2019 р., 08:15", "2019-11-01T08:15:00"),
        ("14 ЛЮТОГО 2018", "2018-02-14T00:00:00"),
        # Ukrainian: nominative with year
        ("Вересень 30, 2021, 19:05", "2021-09-30T19:05:00"),
        ("травень 9 2015", "2015-05-09T00:00:00"),
        # Russian: genitive with year
        ("3 января 2020", "2020-01-03T00:00:00"),
        ("3 января 2020 г., 21:40", "2020-01-03T21:40:00"),
        ("25 ДЕКАБРЯ 2019, 23:59", "2019-12-25T23:59:00"),
        ("1 мая 2010", "2010-05-01T00:00:00"),
        # Russian: nominative ("Month, DDth, YYYY", ru lang_fmt_date_long)
        ("Январь, 3rd, 2020", "2020-01-03T00:00:00"),
        ("май 9, 2015 10:00", "2015-05-09T10:00:00"),
        # Short numeric forms (uk DD.MM.YY)
        ("03.01.20", "2020-01-03T00:00:00"),
        ("03.01.1999", "1999-01-03T00:00:00"),
        ("31.12.98", "1998-12-31T00:00:00"),
    ],
)
def test_dates_with_year(text: str, expected: str) -> None:
    parsed = parse_date(text, captured_at=SEEN)
    assert parsed.iso() == expected
    assert parsed.has_year
    assert parsed.text == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The seed page's widget: nominative Ukrainian, no year (seen 2021-10-10)
        ("Вересень 30, 19:05", "2021-09-30T19:05:00"),
        ("вересень 30, 19:05", "2021-09-30T19:05:00"),
        ("ВЕРЕСЕНЬ 30, 19:05", "2021-09-30T19:05:00"),
        ("30 вересня, 19:05", "2021-09-30T19:05:00"),
        ("30 ВЕРЕСНЯ 19:05", "2021-09-30T19:05:00"),
        # Russian, both cases, no year
        ("Сентябрь 30, 19:05", "2021-09-30T19:05:00"),
        ("сентябрь 30, 19:05", "2021-09-30T19:05:00"),
        ("30 сентября, 19:05", "2021-09-30T19:05:00"),
        ("30 Сентября 19:05", "2021-09-30T19:05:00"),
        # S2 English entry date, no year
        ("October 10th, 9:36", "2021-10-10T09:36:00"),
        ("January 3rd, 9:36", "2021-01-03T09:36:00"),
        ("Oct 1st, 12:00 pm", "2021-10-01T12:00:00"),
        # A date after the capture (by more than a day) is last year's
        ("December 30th, 10:00", "2020-12-30T10:00:00"),
        ("Жовтень 12, 08:00", "2020-10-12T08:00:00"),
        ("12 октября, 08:00", "2020-10-12T08:00:00"),
        # ... but within a day of it (zones differ) it is this year's
        ("Жовтень 11, 08:00", "2021-10-11T08:00:00"),
    ],
)
def test_dates_without_year_take_the_capture_year(text: str, expected: str) -> None:
    parsed = parse_date(text, captured_at=SEEN)
    assert parsed.iso() == expected
    assert not parsed.has_year


@pytest.mark.parametrize(
    ("text", "seen", "expected"),
    [
        # Seen on 2 January: "December 31" is the day before yesterday, last year.
        ("Грудень 31, 23:00", datetime(2022, 1, 2, 9, 0), "2021-12-31T23:00:00"),
        ("31 декабря, 23:00", datetime(2022, 1, 2, 9, 0), "2021-12-31T23:00:00"),
        ("December 31st, 11:00 pm", datetime(2022, 1, 2, 9, 0), "2021-12-31T23:00:00"),
        # Seen late on 31 December (UTC), a journal ahead of UTC already shows 1 January: within
        # the day of slack, so next year's. Seen on 30 December, "1 January 23:30" is more than a
        # day ahead: last year's.
        ("Січень 1, 00:30", datetime(2021, 12, 31, 22, 0), "2022-01-01T00:30:00"),
        ("Січень 1, 23:30", datetime(2021, 12, 30, 12, 0), "2021-01-01T23:30:00"),
        ("1 января, 10:00", datetime(2021, 12, 30, 12, 0), "2021-01-01T10:00:00"),
        # Seen on New Year's Day in UTC; the text is already there.
        ("Січень 1, 02:00", datetime(2022, 1, 1, 0, 5, tzinfo=UTC), "2022-01-01T02:00:00"),
        # 29 February takes the latest leap year that fits.
        ("29 лютого, 10:00", datetime(2021, 10, 10), "2020-02-29T10:00:00"),
        ("February 29th, 10:00", datetime(2024, 3, 1), "2024-02-29T10:00:00"),
        # An aware capture time in another zone is compared in UTC.
        (
            "Вересень 30, 19:05",
            datetime(2021, 10, 10, 3, 0, tzinfo=timezone(timedelta(hours=3))),
            "2021-09-30T19:05:00",
        ),
    ],
)
def test_year_inference_across_new_year(text: str, seen: datetime, expected: str) -> None:
    assert iso(text, seen) == expected


def test_each_month_in_every_language_and_case() -> None:
    names = {
        "en": "January February March April May June July August September October November "
        "December",
        "ru_gen": "января февраля марта апреля мая июня июля августа сентября октября ноября "
        "декабря",
        "ru_nom": "Январь Февраль Март Апрель Май Июнь Июль Август Сентябрь Октябрь Ноябрь Декабрь",
        "uk_gen": "січня лютого березня квітня травня червня липня серпня вересня жовтня "
        "листопада грудня",
        "uk_nom": "січень лютий березень квітень травень червень липень серпень вересень жовтень "
        "листопад грудень",
    }
    for words in names.values():
        for month, word in enumerate(words.split(), start=1):
            for shown in (word, word.lower(), word.upper(), word.capitalize()):
                assert parse_date(f"5 {shown} 2019", captured_at=SEEN).value == datetime(
                    2019, month, 5
                ), shown
                assert parse_date(f"{shown} 5, 10:00", captured_at=SEEN).value.month == month


def test_short_month_names() -> None:
    assert iso("3 янв 2020") == "2020-01-03T00:00:00"
    assert iso("3 сент. 2020") == "2020-09-03T00:00:00"
    assert iso("3 лист. 2020") == "2020-11-03T00:00:00"
    assert iso("Sept 3, 2020") == "2020-09-03T00:00:00"


def test_the_text_is_kept_as_shown() -> None:
    parsed = parse_date("  Вересень 30,\n 19:05 ", captured_at=SEEN)
    assert parsed.text == "  Вересень 30,\n 19:05 "
    assert parsed.iso() == "2021-09-30T19:05:00"


def test_zone_and_time_flags() -> None:
    local = parse_date("2020-01-23 11:18:00")
    assert not local.has_zone and local.has_time
    assert local.utc_iso() == "2020-01-23T11:18:00"  # no zone given: nothing to convert
    s2 = parse_date("2020-01-03T09:36:00+03:00")
    assert s2.has_zone
    assert s2.utc_iso() == "2020-01-03T06:36:00+00:00"
    day = parse_date("3 января 2020")
    assert not day.has_time


def test_no_year_needs_a_capture_time() -> None:
    with pytest.raises(DateParseError, match="no year"):
        parse_date("Вересень 30, 19:05")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "yesterday",
        "Leave a comment",
        "Вересень",
        "19:05",
        "2020-13-01 10:00",
        "31 лютого 2020",
        "30 вересня 2021 вересня",
        "January 3rd, 9:36, 10:00",
        "13:00 pm",
        "3 Smarch 2020",
    ],
)
def test_not_dates(text: str) -> None:
    with pytest.raises(DateParseError):
        parse_date(text, captured_at=SEEN)


def test_errors_are_value_errors() -> None:
    assert issubclass(DateParseError, ValueError)


def test_from_timestamp_is_utc() -> None:
    assert from_timestamp(1578053700) == datetime(2020, 1, 3, 12, 15, tzinfo=UTC)


def test_infer_year_directly() -> None:
    assert infer_year(9, 30, 19, 5, 0, datetime(2021, 10, 10)) == 2021
    assert infer_year(12, 31, 0, 0, 0, datetime(2021, 1, 5)) == 2020


def test_ljdate_is_a_value() -> None:
    a = parse_date("2020-01-23 11:18:00")
    assert a == LJDate("2020-01-23 11:18:00", datetime(2020, 1, 23, 11, 18), True, True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Weekdays and fillers, in every language (the apostrophe of пʼятниця in all three forms)
        ("пятница, 3 января 2020 г. в 21:40", "2020-01-03T21:40:00"),
        ("пʼятниця, 1 жовтня 2021 р. о 08:15", "2021-10-01T08:15:00"),
        ("п'ятниця, 1 жовтня 2021", "2021-10-01T00:00:00"),
        ("п’ятниця, 1 жовтня 2021", "2021-10-01T00:00:00"),
        ("Wednesday, September 30th, 2020 at 11:59 pm", "2020-09-30T23:59:00"),
        # 12-hour clocks as S1 and hand-made pages write them
        ("June 18th, 2003 09:57 a.m. (UTC)", "2003-06-18T09:57:00+00:00"),
        ("June 18th, 2003 09:57 P.M.", "2003-06-18T21:57:00"),
        ("2020-01-03 12:15pm (UTC)", "2020-01-03T12:15:00+00:00"),
        # Year-first with slashes; Ukrainian genitive short forms
        ("2020/1/3 10:00", "2020-01-03T10:00:00"),
        ("3 квіт. 2020", "2020-04-03T00:00:00"),
        ("3 груд 2020, 19:05", "2020-12-03T19:05:00"),
        # Feeds: RFC 822 with GMT, UT and offsets; W3C with a fraction of a second
        ("Tue, 28 Apr 2020 14:05:16 GMT", "2020-04-28T14:05:16+00:00"),
        ("Sun, 1 Jan 2006 00:00:00 UT", "2006-01-01T00:00:00+00:00"),
        ("Tue, 28 Apr 2020 14:05:16 -0500", "2020-04-28T14:05:16-05:00"),
        ("2020-01-03T09:36:00.25+03:00", "2020-01-03T09:36:00.250000+03:00"),
    ],
)
def test_more_dates_with_year(text: str, expected: str) -> None:
    parsed = parse_date(text, captured_at=SEEN)
    assert parsed.iso() == expected
    assert parsed.has_year


def test_zones_in_utc() -> None:
    assert parse_date("Sat, 09 Oct 2021 21:00:00 +0300").utc_iso() == "2021-10-09T18:00:00+00:00"
    assert parse_date("2020-01-03 01:42 pm (UTC)").has_zone
    assert not parse_date("30 вересня 2021, 19:05").has_zone


@pytest.mark.parametrize(
    "text",
    [
        "3 января 2020 10:00 MSK",  # a named zone LiveJournal does not use
        "3 января 2020 10:00 +9999",  # an offset of more than a day
        "3 January 20",  # two-digit years only in numeric dates
        "32 January 20",
        "3 January 2020 pm 10:00",  # dateutil would take 2020 for the hour, and lose the year
        "3 January 2020 7pm",
        "20200103",
        "3 January 123",
        "3 January " + "9" * 40,
        "01/03/2020",  # day or month first? LiveJournal writes neither
        "3 January 2020 10:00 +0300 +0200",
        "Вересень 30, " + "19:05 " * 30,  # too long for a date
    ],
)
def test_more_not_dates(text: str) -> None:
    with pytest.raises(DateParseError) as error:
        parse_date(text, captured_at=SEEN)
    assert " ".join(text.split())[:60] in str(error.value)  # the message names the text


def test_from_timestamp_beyond_any_calendar_is_none() -> None:
    assert from_timestamp(1e30) is None
    assert from_timestamp(-99999999999999) is None


@pytest.mark.parametrize(
    "text",
    [
        "Fri Jan 2020",  # a weekday is no day of the month
        "Monday, January 2020",
        "пятница, январь 2020",
        "9999-12-31T24:00:00",  # past the last day a calendar holds
        "3 January 2020 10:00 (UTC+03:00)",  # dateutil would read the sign the POSIX way
        "UTC-05:00 3 January 2020 10:00",
    ],
)
def test_texts_dateutil_alone_would_misread(text: str) -> None:
    with pytest.raises(DateParseError) as caught:
        parse_date(text, captured_at=datetime(2021, 10, 10, tzinfo=UTC))
    assert text in str(caught.value)
