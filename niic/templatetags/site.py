import datetime
import json

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

# The same escapes as django.utils.html.json_script: nothing in the data can close the script.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def language_links(context):
    """[(code, name, url of this page in that language, is_current)]"""
    request = context["request"]
    current = context.get("LANGUAGE_CODE")
    path = request.get_full_path()
    return [
        (code, name, translate_url(path, code), code == current)
        for code, name in settings.LANGUAGES
    ]


@register.filter
def json_ld(data):
    """schema.org data as a <script type="application/ld+json"> block (data, not code: the
    Content-Security-Policy does not apply to it)."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


NAV_SECTIONS = {
    "schedule": {
        "schedule",
        "current-schedule",
        "whole-program",
        "current-whole-program",
        "session-detail",
        "room-detail",
    },
    "tracks": {"track-list", "current-track-list", "track-detail", "topic-detail"},
    "speakers": {"speaker-list", "speaker-detail", "organization-detail"},
    "search": {"search"},
    "agenda": {"agenda", "shared-agenda"},
}


@register.simple_tag(takes_context=True)
def nav_section(context):
    """Which entry of the main navigation the page belongs to ("" for none), so that the
    navigation can mark it as the current one."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else None
    return next((section for section, names in NAV_SECTIONS.items() if name in names), "")


@register.filter
def zone_label(conference):
    """“America/Los_Angeles (PST)”: the edition's zone and the abbreviations its days use
    (two when a daylight-saving change falls within the edition)."""
    abbreviations = dict.fromkeys(
        datetime.datetime.combine(day, datetime.time(12), tzinfo=conference.tzinfo).tzname()
        for day in conference.days
    )
    return f"{conference.time_zone} ({', '.join(abbreviations)})"
