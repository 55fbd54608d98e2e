"""List filters of the session list."""

import datetime

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.utils.formats import date_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..models import PanelMembership
from .messages import edition_for
from .panels import OTHER_LANGUAGES


class TranslationListFilter(admin.SimpleListFilter):
    """Sessions whose title or description still waits for a translation into a language."""

    title = _("translation")
    parameter_name = "to_translate"

    def lookups(self, request, model_admin):
        return [
            (code, _("No %(language)s title or description yet") % {"language": name})
            for code, name in translated_language_names()
        ]

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
        def seats(*answers):
            return Exists(
                PanelMembership.objects.filter(session=OuterRef("pk"), answer__in=answers)
            )

        if self.value() == self.ALL_CONFIRMED:
            return queryset.filter(seats(Answer.CONFIRMED)).exclude(
                seats(Answer.NOT_INVITED, Answer.INVITED, Answer.DECLINED)
            )
        if self.value() == self.UNCONFIRMED:
            return queryset.filter(seats(Answer.NOT_INVITED, Answer.INVITED))
        if self.value() == self.OPEN:
            return queryset.filter(seats(Answer.INVITED))
        if self.value() == self.DECLINED:
            return queryset.filter(seats(Answer.DECLINED))
        return queryset
