from django import template
from django.utils.safestring import mark_safe

from sessions.markup import render_markdown

register = template.Library()


@register.filter(is_safe=True)
def markdown(text):
    return mark_safe(render_markdown(text))  # noqa: S308  (sanitized by nh3 in render_markdown)
