from django import template

from sessions import timetable_markup
from sessions.cards import card_html

register = template.Library()


@register.simple_tag
def session_card(card, h=None, show_day=False, show_zone=False):
    """A session card (sessions.cards.card_html); `h` the title's heading level, 3 if unset."""
    return card_html(card, heading=h or 3, show_day=bool(show_day), show_zone=bool(show_zone))


@register.simple_tag
def timetable_body(timetable, zone):
    """The schedule's timetable rows (sessions.timetable_markup)."""
    return timetable_markup.timetable_body(timetable, zone)


@register.simple_tag
def time_jump_links(timetable, zone):
    """The phone list's links to each start time (sessions.timetable_markup)."""
    return timetable_markup.time_jump_links(timetable, zone)
