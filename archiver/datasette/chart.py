"""Posts and comments per month as an inline SVG bar chart: no JavaScript, no internet."""

from __future__ import annotations

PANEL = 130  # px height of each panel: posts above, comments below
GAP = 34
MARGIN = 44
WIDTH = 960


def months_between(first: str, last: str) -> list[str]:
    """Every `YYYY-MM` from first to last, inclusive, so empty months show as gaps."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _panel(kind: str, counts: dict[str, int], months: list[str], bar: int, top_y: int) -> list[str]:
    peak = max(counts.values(), default=0)
    shapes = [
        f'<text class="label" x="{MARGIN}" y="{top_y - 6}">{kind} per month '
        f"(busiest: {peak})</text>",
        f'<line x1="{MARGIN}" y1="{top_y + PANEL}" x2="{MARGIN + bar * len(months)}" '
        f'y2="{top_y + PANEL}" stroke="#999"/>',
    ]
    for i, month in enumerate(months):
        n = counts.get(month, 0)
        if not n:
            continue
        h = max(1, round(n / peak * PANEL))
        shapes.append(
            f'<rect class="{kind}" x="{MARGIN + i * bar}" y="{top_y + PANEL - h}" '
            f'width="{max(1, bar - 1)}" height="{h}"><title>{month}: {n} {kind}</title></rect>'
        )
    return shapes


def monthly_svg(posts: dict[str, int], comments: dict[str, int]) -> str:
    known = sorted(set(posts) | set(comments))
    if not known:
        return '<p class="archiver-chart-empty">Nothing archived for this journal yet.</p>'
    months = months_between(known[0], known[-1])
    bar = max(3, min(24, (WIDTH - 2 * MARGIN) // len(months)))
    first_top = 20
    second_top = first_top + PANEL + GAP
    bottom = second_top + PANEL
    ticks = [
        f'<text x="{MARGIN + i * bar}" y="{bottom + 16}">{month[:4]}</text>'
        for i, month in enumerate(months)
        if month.endswith("-01") or i == 0
    ]
    shapes = [
        *_panel("posts", posts, months, bar, first_top),
        *_panel("comments", comments, months, bar, second_top),
        *ticks,
    ]
    width = 2 * MARGIN + bar * len(months)
    return (
        f'<svg class="archiver-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{bottom + 26}" role="img" aria-label="posts and comments per month">'
        "<style>.posts{fill:#4a7fb0}.comments{fill:#d98a2b}"
        "text{font:11px sans-serif;fill:#555}.label{font-weight:bold}</style>"
        + "".join(shapes)
        + "</svg>"
    )
