"""A session's, a room's and a release note's texts in every site language (one column per
language in settings.LANGUAGES; English is required and is the fallback). Slugs stay one per
object, so that an address does not change with the language."""

from django.conf import settings
from modeltranslation.translator import TranslationOptions, register

from .models import PublicSession, Release, Room, Session


@register([Session, Session.history.model])
class SessionTranslation(TranslationOptions):
    fields = ("title", "description", "cancellation_note")
    required_languages = {"en": ("title",)}


@register([Room, Room.history.model])
class RoomTranslation(TranslationOptions):
    fields = ("name", "location", "accessibility_notes")
    required_languages = {"en": ("name",)}


@register(PublicSession)
class PublicSessionTranslation(TranslationOptions):
    fields = SessionTranslation.fields


@register(Release)
class ReleaseTranslation(TranslationOptions):
    """A release's note for attendees. None is required; a speaker's e-mail about the release
    and the change log show it in the reader's language, else in the other."""

    fields = ("note",)
    fallback_languages = {"default": tuple(code for code, _name in settings.LANGUAGES)}
