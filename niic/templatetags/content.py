"""Organizer-written texts on public pages, in the page's language, honest about fallbacks.

`{% text session "title" %}` writes the Spanish title on a Spanish page; where there is none yet,
the English one inside lang="en" (so that a screen reader switches voice) and a small "in English"
note. `{{ card_or_object|lang_attr:"title" }}` writes just the attribute, for a heading.

A heading made of the text and more words (an edition's name and its year) passes those words as
`suffix`, so that the note comes after the whole heading, never between the name and the year:
`{% text conference "name" suffix=conference.year %}`. `{{ language|language_name }}` names a
session's language in the page's language."""

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
def text(obj, field, capfirst=False, markdown=False, linebreaks=False, note=True, suffix=""):
    """`suffix`: words that follow the text in the same heading (the year after an edition's
    name), written after it outside its lang attribute and before the "in English" note."""
    value = getattr(obj, field, "") or ""
    after = format_html(" {}", suffix) if suffix not in (None, "") else ""
    if not value:
        return after
    if markdown:
        # Sanitized by nh3 in render_markdown.
        rendered = mark_safe(render_markdown(value))  # noqa: S308
    elif linebreaks:
        rendered = linebreaksbr(value, autoescape=True)
    else:
        rendered = conditional_escape(capitalize(value) if capfirst else value)
    language = shown_language(obj, field)
    if language is None or language == page_language():
        return format_html("{}{}", rendered, after)
    if markdown:
        # Paragraphs: the note comes first, so that it is read before them.
        note_first = format_html("<p>{}</p>", fallback_note(language)) if note else ""
        return format_html('{}<div lang="{}">{}</div>', note_first, language, rendered)
    return format_html(
        '<span lang="{}">{}</span>{}{}',
        language,
        rendered,
        after,
        fallback_note(language) if note else "",
    )


@register.filter
def language_name(language):
    """A session's language (a Language, or its code) named in the page's language: "Inglés" on
    a Spanish page; the stored name for a code Django does not know."""
    code = getattr(language, "code", language) or ""
    try:
        return capitalize(get_language_info(code)["name_translated"])
    except KeyError:
        return str(language)


@register.filter
def lang_attr(obj, field):
    """` lang="en"` when the text shown for `field` is not in the page's language."""
    language = shown_language(obj, field)
    if language is None or language == page_language():
        return ""
    return format_html(' lang="{}"', language)
