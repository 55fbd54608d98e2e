"""The schedule's timetable body (sessions.timetable) as HTML, written in Python.

A day of a thousand-session edition has hundreds of rows (one a minute when sessions end at
any minute) and hundreds of cards: a template resolving its variables and tags per row and per
card took most of the page's time. Most rows hold nothing of their own but their empty time
cell, and are kept to `<tr><td></td></tr>`. The markup is the same for the wide grid and,
restyled by site.css, the phone list."""

from django.utils import formats, timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .cards import card_html


def timetable_body(timetable, zone):
    """The <tbody>'s rows; `zone` the edition's, in which the rows' times are shown."""
    now_badge = ""
    if timetable.now_label:
        label = gettext("Now") if timetable.now_label == "now" else gettext("Next")
        now_badge = f' <span class="now-badge">{conditional_escape(label)}</span>'
    rows = timetable.rows
    parts = []
    for row in rows:
        parts.append(_row_start(row))
        if row.is_labelled:
            parts.append(_time_heading(row, zone, now_badge if row.is_now else ""))
        else:
            parts.append("<td></td>")
        for cell in row.cells:
            cards = "".join(card_html(card) for card in cell.cards)
            parts.append(f"<td{cell.attributes}>{cards}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 (built of escaped parts)


def _row_start(row):
    classes = []
    if not row.has_starts and (row.is_labelled or row.cells):
        # Hidden in the phone list, which shows only the rows where sessions start; a row
        # with neither a time nor a cell of its own is hidden there by site.css without it.
        classes.append("quiet")
    if row.is_on_the_hour:
        classes.append("hour")
    attributes = f' class="{" ".join(classes)}"' if classes else ""
    if row.is_now:
        attributes += ' id="now"'
    return f"<tr{attributes}>"


def time_jump_links(timetable, zone):
    """The phone list's links to each start time's heading, as <li>s."""
    links = []
    for row in timetable.rows_with_starts:
        starts_at, label = _clock(row, zone)
        links.append(
            f'<li><a href="#at-{starts_at:%H%M}"><time datetime="{starts_at.isoformat()}">'
            f"{label}</time></a></li>"
        )
    return mark_safe("".join(links))  # noqa: S308 (built of escaped parts)


def _clock(row, zone):
    """The row's start on the edition's clock, and its label."""
    starts_at = timezone.localtime(row.starts_at, zone)
    return starts_at, conditional_escape(formats.time_format(starts_at, "TIME_FORMAT"))


def _time_heading(row, zone, now_badge):
    starts_at, label = _clock(row, zone)
    anchor = f' id="at-{starts_at:%H%M}"' if row.has_starts else ""
    return (
        f'<th scope="row"><time datetime="{starts_at.isoformat()}"{anchor}>{label}</time>'
        f"{now_badge}</th>"
    )
