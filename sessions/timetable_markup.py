"""The schedule's timetable body (sessions.timetable) as HTML, written in Python.

A day of a thousand-session edition has hundreds of rows (one a minute when sessions end at
any minute) and hundreds of cards: a template resolving its variables and tags per row and per
card took most of the page's time. Most rows hold nothing of their own, and are kept to
`<tr></tr>`: the empty time cell under a row's time spans the unlabelled rows that follow it
(class=time, styled as the time column), and the rooms' cells span rows too. The markup is the
same for the wide grid and, restyled by site.css, the phone list."""

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
    for index, row in enumerate(rows):
        time_cell = ""
        if row.is_labelled:
            time_cell = _time_heading(row, zone, now_badge if row.is_now else "")
        elif index == 0 or rows[index - 1].is_labelled:
            # Under the time heading, to the next one: keeps the rooms' cells in their columns.
            span = _unlabelled_run(rows, index)
            rowspan = f" rowspan={span}" if span > 1 else ""
            time_cell = f"<td class=time{rowspan}></td>"
        parts.append(_row_start(row, is_empty=not (time_cell or row.cells)))
        parts.append(time_cell)
        for cell in row.cells:
            cards = "".join(card_html(card) for card in cell.cards)
            parts.append(f"<td{cell.attributes}>{cards}</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 (built of escaped parts)


def _row_start(row, is_empty):
    classes = []
    if not row.has_starts and not is_empty:
        # Hidden in the phone list, which shows only the rows where sessions start (an empty
        # <tr></tr> is hidden by :empty).
        classes.append("quiet")
    if row.is_on_the_hour:
        classes.append("hour")
    attributes = f' class="{" ".join(classes)}"' if classes else ""
    if row.is_now:
        attributes += ' id="now"'
    return f"<tr{attributes}>"


def _unlabelled_run(rows, index):
    end = index
    while end < len(rows) and not rows[end].is_labelled:
        end += 1
    return end - index


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
