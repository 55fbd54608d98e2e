"""List filters of the admin's lists: the session list's, and the "to translate" filter that
every list of translated texts shares (untranslated_filter)."""

import datetime

from django.conf import settings
from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.formats import date_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..models import PanelMembership
from .messages import edition_for
from .panels import OTHER_LANGUAGES


def untranslated_condition(field_names, language):
    """Q: one of `field_names` is written in some language and empty in `language` (code)."""
    condition = Q()
    for field in field_names:
        written_elsewhere = Q()
        for other, _name in settings.LANGUAGES:
            if other != language:
                # Greater than the empty string: written (neither NULL nor "").
                written_elsewhere |= Q(**{f"{field}_{other}__gt": ""})
        missing = Q(**{f"{field}_{language}__isnull": True}) | Q(**{f"{field}_{language}": ""})
        condition |= written_elsewhere & missing
    return condition


class UntranslatedListFilter(admin.SimpleListFilter):
    """The rows with a text written in some language and still missing in the language chosen
    (?untranslated=es). Made for a list's texts by untranslated_filter(); the admin's home
    counts each kind's rows with the same condition and links here."""

    title = _("translation missing in")
    parameter_name = "untranslated"
    field_names = ()

    def lookups(self, request, model_admin):
        return language_names()

    def queryset(self, request, queryset):
        if self.value() in dict(settings.LANGUAGES):
            return queryset.filter(self.condition(self.value()))
        return queryset

    @classmethod
    def condition(cls, language):
        return untranslated_condition(cls.field_names, language)


def untranslated_filter(*field_names):
    """A list filter of the rows whose `field_names` (translated fields, by their name without
    a language suffix) wait for a translation into the language chosen."""
    return type(
        f"Untranslated{''.join(name.title().replace('_', '') for name in field_names)}Filter",
        (UntranslatedListFilter,),
        {"field_names": tuple(field_names), "__module__": __name__},
    )


def language_names():
    """(code, name in the admin's language) of each site language: ("es", "Spanish")."""
    return [
        (code, get_language_info(code)["name_translated"]) for code, _name in settings.LANGUAGES
    ]


# The texts of each kind that translators translate, and their lists' filters (the lists add
# them to their list_filter; the admin's home counts with them).
UntranslatedSessions = untranslated_filter("title", "description")
UntranslatedSpeakers = untranslated_filter("bio", "job_title")
UntranslatedTracks = untranslated_filter("name", "description")
UntranslatedTopics = untranslated_filter("name", "description")
UntranslatedRooms = untranslated_filter("name", "location", "accessibility_notes")
UntranslatedOrganizations = untranslated_filter("name")


class TranslationListFilter(admin.SimpleListFilter):
    """Sessions whose title or description still waits for a translation into a language."""

    title = _("title or description missing in")
    parameter_name = "to_translate"

    def lookups(self, request, model_admin):
        return translated_language_names()

    def queryset(self, request, queryset):
        if self.value() in dict(OTHER_LANGUAGES):
            return queryset.to_translate(self.value())
        return queryset


def translated_language_names():
    """(code, name in the admin's language) of each language besides English."""
    return [(code, get_language_info(code)["name_translated"]) for code, _ in OTHER_LANGUAGES]


class DayListFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        edition = edition_for(request)
        if edition is None:
            return []
        return [(day.isoformat(), date_format(day, str(rules.DAY_FORMAT))) for day in edition.days]

    def queryset(self, request, queryset):
        edition = edition_for(request)
        if not self.value() or edition is None:
            return queryset
        try:
            day = datetime.date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.on_day(edition, day)


Answer = PanelMembership.Answer


class PanelAnswersListFilter(admin.SimpleListFilter):
    """Sessions by their speakers' answers: every seat confirmed, some seat not confirmed yet
    (not invited, or invited without an answer), some invitation waiting for its answer, some
    seat declined. The admin's index links its counts here."""

    title = _("panel answers")
    parameter_name = "answers"
    ALL_CONFIRMED = "confirmed"
    UNCONFIRMED = "unconfirmed"
    OPEN = "invited"
    DECLINED = "declined"

    def lookups(self, request, model_admin):
        return [
            (self.ALL_CONFIRMED, _("Every speaker confirmed")),
            (self.UNCONFIRMED, _("Some speakers not confirmed yet")),
            (self.OPEN, _("Some invitations not answered")),
            (self.DECLINED, _("Some speakers declined")),
        ]

    def queryset(self, request, queryset):
        condition = self.condition(self.value())
        return queryset if condition is None else queryset.filter(condition)

    @classmethod
    def condition(cls, value):
        """Q of the sessions `value` chooses (None: every session), for the list and for the
        home's counts."""

        def seats(*answers):
            return Q(
                Exists(PanelMembership.objects.filter(session=OuterRef("pk"), answer__in=answers))
            )

        if value == cls.ALL_CONFIRMED:
            return seats(Answer.CONFIRMED) & ~seats(
                Answer.NOT_INVITED, Answer.INVITED, Answer.DECLINED
            )
        if value == cls.UNCONFIRMED:
            return seats(Answer.NOT_INVITED, Answer.INVITED)
        if value == cls.OPEN:
            return seats(Answer.INVITED)
        if value == cls.DECLINED:
            return seats(Answer.DECLINED)
        return None
