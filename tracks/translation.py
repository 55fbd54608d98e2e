"""The organizer-written texts of an edition, its tracks and topics, in every site language
(django-modeltranslation adds a column per language in settings.LANGUAGES: name_en, name_es…).
English is required; another language falls back to it."""

from modeltranslation.translator import TranslationOptions, register

from .models import Conference, Topic, Track


@register([Conference, Conference.history.model])
class ConferenceTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}


@register([Track, Track.history.model])
class TrackTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}


@register([Topic, Topic.history.model])
class TopicTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = {"en": ("name",)}
