"""Organizer-written Markdown (descriptions, bios), rendered and then sanitized: whatever HTML
the text contains, only this small set of tags and attributes survives."""

import re
from html.parser import HTMLParser

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


BLOCK_TAGS = {"p", "ul", "ol", "blockquote", "pre", "h3", "h4"}


class PlainText(HTMLParser):
    """Sanitized HTML (from render_markdown) as plain text: paragraphs apart, list items on
    their own lines, a link's address after its text, no markup characters left."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.links = []
        self.list_numbers = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS and not (tag == "p" and self.list_numbers):
            self.parts.append("\n\n")
        if tag == "ol":
            self.list_numbers.append(0)
        elif tag == "ul":
            self.list_numbers.append(None)
        elif tag == "li":
            number = self.list_numbers[-1] if self.list_numbers else None
            if number is None:
                self.parts.append("\n- ")
            else:
                self.list_numbers[-1] = number + 1
                self.parts.append(f"\n{number + 1}. ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((len(self.parts), dict(attrs).get("href") or ""))

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS and not (tag == "p" and self.list_numbers):
            self.parts.append("\n\n")
        if tag in ("ol", "ul") and self.list_numbers:
            self.list_numbers.pop()
        elif tag == "a" and self.links:
            start, href = self.links.pop()
            label = "".join(self.parts[start:]).strip()
            if href and href != label and not href.startswith("mailto:"):
                self.parts.append(f" ({href})")

    def handle_data(self, data):
        # As in HTML, any run of white space (a soft line break, a CR from "&#13;") is one
        # space; the whitespace between block tags is only layout.
        if data.strip() or "\n" not in data:
            self.parts.append(re.sub(r"\s+", " ", data))

    def text(self):
        text = "".join(self.parts)
        lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def markdown_as_plain_text(text):
    """For calendars and structured data: what the Markdown says, without its asterisks and
    brackets, and without any HTML it contained (a script, an image) or that HTML's content."""
    parser = PlainText()
    parser.feed(render_markdown(text))
    parser.close()
    return parser.text()
