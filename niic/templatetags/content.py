"""Organizer-written texts on public pages, in the page's language, honest about fallbacks.

`{% text session "title" %}` writes the Spanish title on a Spanish page; where there is none yet,
the English one inside lang="en" (so that a screen reader switches voice) and a small "in English"
note. `{{ card_or_object|lang_attr:"title" }}` writes just the attribute, for a heading."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst as capitalize
from django.utils.translation import get_language_info, gettext

from sessions.markup import render_markdown
from sessions.texts import page_language, shown_language

register = template.Library()


def fallback_note(language):
    name = get_language_info(language)["name_translated"]
    return format_html(
        ' <small class="in-language">({})</small>',
        gettext("in %(language)s") % {"language": name.lower()},
    )


@register.simple_tag
def text(obj, field, capfirst=False, markdown=False, linebreaks=False, note=True):
    value = getattr(obj, field, "") or ""
    if not value:
        return ""
    if markdown:
        # Sanitized by nh3 in render_markdown.
        rendered = mark_safe(render_markdown(value))  # noqa: S308
    elif linebreaks:
        rendered = linebreaksbr(value, autoescape=True)
    else:
        rendered = conditional_escape(capitalize(value) if capfirst else value)
    language = shown_language(obj, field)
    if language is None or language == page_language():
        return rendered
    if markdown:
        # Paragraphs: the note comes first, so that it is read before them.
        note_first = format_html("<p>{}</p>", fallback_note(language)) if note else ""
        return format_html('{}<div lang="{}">{}</div>', note_first, language, rendered)
    return format_html(
        '<span lang="{}">{}</span>{}',
        language,
        rendered,
        fallback_note(language) if note else "",
    )


@register.filter
def lang_attr(obj, field):
    """` lang="en"` when the text shown for `field` is not in the page's language."""
    language = shown_language(obj, field)
    if language is None or language == page_language():
        return ""
    return format_html(' lang="{}"', language)
