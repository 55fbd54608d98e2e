"""Organizer-written texts in the page's language, and which language a text is really in.

Each translated field (see the apps' translation.py) has a column per site language; reading
`session.title` gives the active language's text, or the English one when it is not yet
translated. A page must then say so (`lang="en"`), so these tell which one was shown."""

from django.conf import settings
from django.utils.translation import get_language, get_language_info
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

DEFAULT_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
SITE_LANGUAGES = [code for code, _name in settings.LANGUAGES]


def page_language():
    return (get_language() or DEFAULT_LANGUAGE).split("-")[0]


def fallback_order(language):
    """The languages a text is looked for in, for a page in `language`: it, then the fallbacks
    (settings.MODELTRANSLATION_FALLBACK_LANGUAGES), as the model's descriptor does."""
    return list(dict.fromkeys([language, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES]))


def shown_language(obj, field, language=None):
    """The language of the text `obj.<field>` shows in `language` (the active one by default):
    that language when the text exists in it, else the fallback's; None when there is no text."""
    return reader(field, language)(obj)[1]


def localized(field, language):
    """The column of `field` in `language`: title_es."""
    return build_localized_fieldname(field, language)


def in_every_language(field):
    """The column names of `field` in every site language: title_en, title_es…"""
    return [localized(field, language) for language in SITE_LANGUAGES]


def texts(obj, field):
    """{language: text} for the languages `obj.<field>` is written in."""
    return {
        language: value
        for language in SITE_LANGUAGES
        if (value := getattr(obj, localized(field, language), None))
    }


def translated_fields(model):
    """The names of `model`'s translated fields (title…): their columns per language carry the
    rules (required, length, one line), so a check of the whole object skips these, which
    only mirror the active language's column and would report each problem twice."""
    try:
        return list(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []


def reader(field, language=None):
    """A function that reads `field` of an object in `language` (the active one by default),
    falling back as the descriptor does, and says which language it read: (text, language).
    For listings and feeds of hundreds of objects: it resolves the columns once, where
    `obj.<field>` resolves them again on every read."""
    language = language or page_language()
    columns = [(candidate, localized(field, candidate)) for candidate in fallback_order(language)]

    def read(obj):
        for candidate, column in columns:
            value = getattr(obj, column)
            if value:
                return value, candidate
        return "", None

    return read


def language_word(code, stored_name):
    """A session's language named in the page's language, as a word within a sentence
    ("Spanish", "español"); the name organizers stored for a code Django does not know."""
    try:
        word = str(get_language_info(code)["name_translated"])
    except KeyError:
        return stored_name
    # Where the page's language writes its own name in lower case (español), it writes the
    # others so too: "Interpretación: inglés".
    own = get_language_info(page_language())["name_local"]
    return word.lower() if own == own.lower() else word
