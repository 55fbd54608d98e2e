"""A session's and a room's texts in every site language (one column per language in
settings.LANGUAGES; English is required and is the fallback). Slugs stay one per object, so
that an address does not change with the language."""

from modeltranslation.translator import TranslationOptions, register

from .models import PublicSession, Room, Session


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
