"""Speakers and organizations: their sessions, merging duplicates, history with restore, the
speaker spreadsheet."""

from django.contrib import admin
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields

from speakers.models import Organization, Speaker
from speakers.resources import SpeakerResource
from speakers.spreadsheets import SPREADSHEET_FORMATS

from .. import services
from .csp import ExportPageCSPMixin
from .door import ThroughTheServices
from .history import GuardedHistoryAdmin
from .imports import SpeakerImport
from .merge import SpeakerMerge


@admin.register(Organization)
class OrganizationAdmin(ThroughTheServices, GuardedHistoryAdmin, TranslationAdmin):
    list_display = ["name", "acronym", "website", "is_sample"]
    search_fields = [*get_translation_fields("name"), "acronym"]
    prepopulated_fields = {"slug": ["name"]}

    def restore(self, request, record):
        return services.program_object_restore(user=request.user, record=record)


@admin.register(Speaker)
class SpeakerAdmin(
    SpeakerMerge,
    ThroughTheServices,
    ExportPageCSPMixin,
    SpeakerImport,
    ExportMixin,
    GuardedHistoryAdmin,
    TranslationAdmin,
):
    """The people: their sessions (those this user may see), merging duplicates, history with
    restore, and the speaker spreadsheet."""

    actions = ["merge_duplicates"]
    readonly_fields = ["sessions_list"]

    resource_classes = [SpeakerResource]
    export_formats = SPREADSHEET_FORMATS
    list_display = ["name", "job_title", "organization", "is_sample"]
    list_filter = ["organization"]
    list_select_related = ["organization"]
    search_fields = [
        "name",
        *(f"organization__{name}" for name in get_translation_fields("name")),
        "organization__acronym",
    ]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organization"]

    def restore(self, request, record):
        return services.program_object_restore(user=request.user, record=record)

    def get_object(self, request, object_id, from_field=None):
        speaker = super().get_object(request, object_id, from_field)
        if speaker is not None:
            # The ModelAdmin serves every request; the reader travels with the object.
            speaker.admin_reader = request.user
        return speaker

    @admin.display(description=_("sessions"))
    def sessions_list(self, speaker):
        return sessions_of_speaker(speaker, speaker.admin_reader)


def sessions_of_speaker(speaker, user):
    """The speaker's sessions this user may see: public ones, and drafts they may edit."""
    seats = [
        seat
        for seat in speaker.panel_memberships.select_related(
            "session__conference", "session__track"
        ).order_by("session__starts_at")
        if services.may_see(user, seat.session)
    ]
    if not seats:
        return gettext("No sessions yet.")
    return ", ".join(
        f"{seat.session} ({seat.session.conference.short_name} "
        f"{seat.session.conference.year}, {seat.get_role_display()})"
        for seat in seats
    )
