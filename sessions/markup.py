"""Organizer-written Markdown (descriptions, bios), rendered and then sanitized: whatever HTML
the text contains, only this small set of tags and attributes survives."""

import re
import threading
from functools import lru_cache
from html.parser import HTMLParser

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "h3", "h4",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


# Building a Markdown converter (its parser and pattern registries) costs about as much as
# converting a short text with it: each thread keeps one and resets it before every text, which
# gives the same HTML as markdown.markdown().
converters = threading.local()


def markdown_to_html(text):
    converter = getattr(converters, "markdown", None)
    if converter is None:
        converter = converters.markdown = markdown.Markdown()
    return converter.reset().convert(text)


# Descriptions and bios are rendered on every page that shows them, and the same texts come
# back until they are edited: each process remembers the HTML of the texts it rendered last.
RENDERED_CACHE_SIZE = 2048


@lru_cache(maxsize=RENDERED_CACHE_SIZE)
def render_markdown(text):
    """Safe HTML from Markdown."""
    return nh3.clean(
        markdown_to_html(text or ""),
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


# Text that Markdown would only cut into paragraphs: letters, digits, spaces, line breaks and
# punctuation that means nothing to Markdown or HTML (no * _ ` [ ] < > & \\ # = | ~ and no
# other white space), ...
NOT_PLAIN_CHARACTER = re.compile(r"[^\w \n.,;:?!'\"()/%$@+-]|_")
# ... with no line that starts like a list item, a rule or an indented block (a space, "-",
# "+", a digit), or that ends in spaces (two make a hard line break).
MARKDOWN_LINE = re.compile(r"^[ +\-\d]| $", re.MULTILINE)
PARAGRAPH_BREAK = re.compile(r"\n{2,}")
SPACES = re.compile(r" {2,}")

# Feeds render every description of an edition on each request, and a description changes far
# more rarely than the program's version: each process remembers the plain text of this many
# (more than the largest edition, so that one feed does not evict its own first descriptions).
PLAIN_TEXT_CACHE_SIZE = 8192


def is_plain(text):
    """Whether Markdown would do nothing to the text but make paragraphs of it."""
    return NOT_PLAIN_CHARACTER.search(text) is None and MARKDOWN_LINE.search(text) is None


def plain_paragraphs(text):
    """What markdown_as_plain_text makes of a text that is_plain: its paragraphs (blank lines
    apart), each on one line with its runs of spaces made one."""
    paragraphs = PARAGRAPH_BREAK.split(text.strip("\n"))
    return "\n\n".join(SPACES.sub(" ", paragraph.replace("\n", " ")) for paragraph in paragraphs)


def markdown_as_plain_text(text):
    """For calendars and structured data: what the Markdown says, without its asterisks and
    brackets, and without any HTML it contained (a script, an image) or that HTML's content."""
    return plain_text(text or "")


@lru_cache(maxsize=PLAIN_TEXT_CACHE_SIZE)
def plain_text(text):
    """A pure function of the text, so remembered: text without Markdown as its paragraphs,
    any other rendered, sanitized and read back."""
    if is_plain(text):
        return plain_paragraphs(text)
    return rendered_as_plain_text(text)


def rendered_as_plain_text(text):
    parser = PlainText()
    parser.feed(render_markdown(text))
    parser.close()
    return parser.text()
