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


def markdown_as_plain_text(text):
    """For calendars and structured data: Markdown is written to read well as plain text, so
    the source is kept, with any HTML (a script, an image) removed along with its content."""
    return html.unescape(nh3.clean(text or "", tags=set())).strip()
