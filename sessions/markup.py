"""Organizer-written Markdown (descriptions, bios), rendered and then sanitized: whatever HTML
the text contains, only this small set of tags and attributes survives."""

import html

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def render_markdown(text):
    """Safe HTML from Markdown."""
    return nh3.clean(
        markdown.markdown(text or ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def markdown_to_text(text):
    """Plain text from Markdown, for calendars and structured data."""
    without_tags = nh3.clean(markdown.markdown(text or ""), tags=set())
    return html.unescape(without_tags).strip()
