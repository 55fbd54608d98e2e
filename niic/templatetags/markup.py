"""Organizer-written Markdown, rendered and then sanitized: whatever HTML an organizer or a
speaker's bio contains, only this small set of tags and attributes reaches the page."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


@register.filter(is_safe=True)
def markdown(text):
    html = markdown_lib.markdown(text or "")
    return mark_safe(  # noqa: S308  (nh3 has just removed everything not in the allow-lists)
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )
