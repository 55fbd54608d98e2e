"""sessions.markup.markdown_as_plain_text: what calendars and structured data say of a
description. Its fast path for text without Markdown must say exactly what rendering says."""

import random

import pytest

from sessions import markup

# Words, the punctuation of prose, white space of every kind, and every character that means
# something to Markdown or HTML, at the start of a line and inside one.
PIECES = [
    "word", "Élan", "año", "2024", "1.", "1)", "-", "---", "+", "x", "9",
    " ", "  ", "    ", "\t", "\n", "\n\n", "\n\n\n", "\r", "\xa0", "\u2028",
    ".", ",", ";", ":", "?", "!", "'", '"', "(", ")", "/", "%", "$", "@",
    "*", "_", "`", "[", "]", "<", ">", "&", "#", "=", "\\", "|", "~",
    "http://example.org", "a@b.org", "amp;", "<script>", "</p>",
]  # fmt: skip


def random_texts(count, *, seed, pieces=PIECES):
    rng = random.Random(seed)
    return ["".join(rng.choices(pieces, k=rng.randint(0, 30))) for _ in range(count)]


def test_the_fast_path_says_what_rendering_says():
    plain = 0
    for text in random_texts(4000, seed=1) + random_texts(
        2000, seed=2, pieces=[piece for piece in PIECES if piece.isalpha() or piece in " \n.,()"]
    ):
        if markup.is_plain(text):
            plain += 1
            assert markup.plain_paragraphs(text) == markup.rendered_as_plain_text(text), text
    assert plain > 1000  # the comparison ran on many texts, not on a few


@pytest.mark.parametrize(
    "text",
    [
        "",
        "One paragraph.",
        "  Two  spaces  apart  ",
        "First line\nsecond line of the same paragraph.\n\n\n\nAnother one (with 50% more, $5).",
        "\n\nLeading and trailing blank lines.\n\n",
        "Ask us: questions? Answers! 'Quoted' and \"double-quoted\" text, a/b, x+y, a@b.org.",
    ],
)
def test_text_without_markdown_takes_the_fast_path(text):
    if text.strip(" ") == text:
        assert markup.is_plain(text)
    assert markup.markdown_as_plain_text(text) == markup.rendered_as_plain_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "Some *emphasis*.",
        "snake_case",
        "- a list",
        "1. a numbered list",
        "2024. A year that starts a line",
        "Heading\n---",
        "    indented code",
        "Hard  \nbreak",
        "Tom &amp; Jerry",
        "A <b>tag</b>",
        "[link](https://example.org)",
        "Line\rwith a CR",
        "Tab\there",
        "Non-breaking\xa0space",
    ],
)
def test_text_that_markdown_or_html_would_change_is_rendered(text):
    assert not markup.is_plain(text)


def test_html_and_script_content_never_reach_the_plain_text():
    text = "**Bring** questions.<script>alert(1)</script><img src=x onerror=y>\n\n- one\n- two"
    assert markup.markdown_as_plain_text(text) == "Bring questions.\n\n- one\n- two"


def test_a_description_is_rendered_once_per_process(monkeypatch):
    text = "A *unique* description for this test: 7f3c1e."
    markup.plain_text.cache_clear()
    calls = []
    render = markup.render_markdown
    monkeypatch.setattr(markup, "render_markdown", lambda text: calls.append(text) or render(text))
    assert markup.markdown_as_plain_text(text) == "A unique description for this test: 7f3c1e."
    assert markup.markdown_as_plain_text(text) == "A unique description for this test: 7f3c1e."
    assert calls == [text]


def test_a_reused_converter_renders_as_a_new_one_does():
    import markdown

    texts = ["[a][ref]\n\n[ref]: https://example.org", "[a][ref]", "<div>raw</div>", "x"]
    assert [markup.markdown_to_html(text) for text in texts] == [
        markdown.markdown(text) for text in texts
    ]
