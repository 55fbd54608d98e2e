"""A speaker's job title and biography, and an organization's name, in every site language
(one column per language in settings.LANGUAGES; English is the fallback)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Organization, Speaker


@register([Speaker, Speaker.history.model])
class SpeakerTranslation(TranslationOptions):
    fields = ("job_title", "bio")


@register([Organization, Organization.history.model])
class OrganizationTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = {"en": ("name",)}
