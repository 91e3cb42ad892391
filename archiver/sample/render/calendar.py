"""Archive pages: the year calendar `/YYYY/` and the month list `/YYYY/MM/` (MARKUP "Calendar")."""

from __future__ import annotations

import calendar

from archiver import urls
from archiver.sample.content import Journal, Post, Site
from archiver.sample.render.frame import s2_document
from archiver.sample.render.lang import label, month_nominative, s2_long_date
from archiver.sample.render.markup import esc
from archiver.sample.render.site_json import controlstrip_json, script_block

_WEEKS = calendar.Calendar(firstweekday=6)  # Sunday first, as A2's sidebar calendar
_WEEKDAYS = "".join(f"<th>{d}</th>" for d in ("S", "M", "T", "W", "T", "F", "S"))


def _document(site: Site, journal: Journal, *, view: str, title: str, content: str) -> str:
    page = {"controlstrip": controlstrip_json(site, journal), "styleSystem": "s2", "view": view}
    script = script_block(
        site, page=page, journal=journal, adult=journal.adult, remote=journal.reader
    )
    name = journal.title or journal.username
    return s2_document(
        journal,
        title=f"{title} - {name} — LiveJournal",
        head="",
        view=view,
        content=content,
        script=script,
    )


def _month_table(journal: Journal, year: int, month: int, days: dict[int, tuple[Post, ...]]) -> str:
    user = journal.username
    rows = []
    for week in _WEEKS.monthdayscalendar(year, month):
        cells = []
        for day in week:
            if day == 0:
                cells.append('<td class="empty"></td>')
            elif day in days:
                href = esc(urls.day_url(user, year, month, day))
                cells.append(
                    f'<td class="has-entries"><a href="{href}">{day}</a> '
                    f'<span class="day-count">({len(days[day])})</span></td>'
                )
            else:
                cells.append(f'<td class="no-entries">{day}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    caption = f"{month_nominative(journal.language, month)} {year}"
    return (
        f'<table class="calendar-month" data-month="{year:04d}-{month:02d}">\n'
        f'<caption><a href="{esc(urls.month_url(user, year, month))}">{caption}</a></caption>\n'
        f"<thead><tr>{_WEEKDAYS}</tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
    )


def year_page(site: Site, journal: Journal, year: int) -> str:
    """One table per month with posts the reader may read; days with posts link to their day
    page."""
    months = journal.shelf.calendar.get(year, {})
    tables = "\n".join(_month_table(journal, year, m, days) for m, days in months.items())
    content = (
        f'<div class="calendar-year" data-year="{year}">\n'
        f'<h2 class="calendar-year__title">{label(journal.language, "archive")}: {year}</h2>\n'
        f"{tables}\n</div>"
    )
    return _document(site, journal, view="archive", title=str(year), content=content)


def month_page(site: Site, journal: Journal, year: int, month: int) -> str:
    """Each day with posts the reader may read, then a link to each of them (oldest first)."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    user = journal.username
    days = journal.shelf.calendar.get(year, {}).get(month, {})
    language = journal.language
    items = []
    for day, posts in days.items():
        items.append(
            f'<dt><a href="{esc(urls.day_url(user, year, month, day))}">'
            f"{s2_long_date(language, year, month, day)}</a></dt>"
        )
        for post in posts:
            title = esc(post.title) if post.title else label(language, "no_subject")
            items.append(
                f'<dd><span class="month-days__time">{post.published:%H:%M}</span> '
                f'<a href="{esc(post.url)}">{title}</a></dd>'
            )
    caption = f"{month_nominative(language, month)} {year}"
    content = (
        f'<div class="calendar-month-view" data-month="{year:04d}-{month:02d}">\n'
        f'<h2 class="calendar-month-view__title">{caption} '
        f'<a class="calendar-month-view__year" href="{esc(urls.year_url(user, year))}">'
        f"({year})</a></h2>\n"
        f'<dl class="month-days">\n' + "\n".join(items) + "\n</dl>\n</div>"
    )
    return _document(site, journal, view="month", title=caption, content=content)
