"""Speakers and organizations: their sessions, merging duplicates, history with restore, the
speaker spreadsheet; a speaker's private address, invitations and sign-in links."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields

from speakers.models import Organization, Speaker
from speakers.resources import SpeakerResource
from speakers.spreadsheets import SPREADSHEET_FORMATS

from .. import services
from ..services import invitations
from .actions import invite
from .csp import ExportPageCSPMixin
from .door import ThroughTheServices
from .filters import UntranslatedOrganizations, UntranslatedSpeakers
from .history import GuardedHistoryAdmin
from .imports import SpeakerImport
from .merge import SpeakerMerge
from .messages import message_list


@admin.register(Organization)
class OrganizationAdmin(ThroughTheServices, GuardedHistoryAdmin, TranslationAdmin):
    list_display = ["name", "acronym", "website", "is_sample"]
    list_filter = [UntranslatedOrganizations]
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

    actions = ["merge_duplicates", "invite", "revoke_sign_in_links"]
    readonly_fields = ["sessions_list", "sign_in"]

    resource_classes = [SpeakerResource]
    export_formats = SPREADSHEET_FORMATS
    list_display = ["name", "job_title", "organization", "is_sample"]
    list_filter = ["organization", UntranslatedSpeakers]
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

    # The private part, apart: the address, the language of the e-mails, the sign-in.
    PRIVATE = ["email", "preferred_language", "sign_in"]

    def get_fieldsets(self, request, obj=None):
        fields = [
            name
            for name in super().get_fieldsets(request, obj)[0][1]["fields"]
            if name not in self.PRIVATE and name != "proposed_organization"
        ]
        # The organization the speaker proposed, beside the one chosen.
        fields.insert(fields.index("organization") + 1, "proposed_organization")
        private = self.PRIVATE if obj is not None else self.PRIVATE[:2]
        return [
            (None, {"fields": fields}),
            (
                _("Invitations (private: never shown on the site nor exported)"),
                {"fields": private},
            ),
        ]

    def get_object(self, request, object_id, from_field=None):
        speaker = super().get_object(request, object_id, from_field)
        if speaker is not None:
            # The ModelAdmin serves every request; the reader travels with the object.
            speaker.admin_reader = request.user
        return speaker

    @admin.display(description=_("sessions"))
    def sessions_list(self, speaker):
        return sessions_of_speaker(speaker, speaker.admin_reader)

    @admin.display(description=_("sign-in"))
    def sign_in(self, speaker):
        """Whether the speaker has an account to sign in with (made when first invited), when
        they last signed in, and, for organizers, the messages sent to them."""
        account = speaker.user
        if account is None:
            text = gettext("No sign-in account yet: one is made when the speaker is invited.")
        elif not account.is_active:
            text = gettext("Sign-in account disabled.")
        elif account.last_login:
            text = gettext("Has a sign-in account; last signed in %(when)s.") % {
                "when": date_format(account.last_login, "DATETIME_FORMAT")
            }
        else:
            text = gettext("Has a sign-in account; has not signed in yet.")
        reader = getattr(speaker, "admin_reader", None)
        if reader is None or not services.is_organizer(reader):
            return text
        count = speaker.messages.count()
        url = reverse("admin:speakers_message_changelist") + f"?speaker__id__exact={speaker.pk}"
        link = ngettext("%(count)s message", "%(count)s messages", count) % {"count": count}
        return format_html('{} <a href="{}">{}</a>', text, url, link)

    # Invitations and sign-in links

    def has_invite_permission(self, request):
        """Organizers invite any speaker, a track chair those of their tracks' panels (the
        services refuse any other)."""
        user = request.user
        return services.is_organizer(user) or (
            user.has_perm("program.change_session") and services.tracks_for(user).exists()
        )

    def has_revoke_permission(self, request):
        return services.is_organizer(request.user)

    @admin.action(description=_("Invite the selected speakers"), permissions=["invite"])
    def invite(self, request, queryset):
        invite(self, request, speakers=list(queryset))

    @admin.action(description=_("Revoke sign-in links"), permissions=["revoke"])
    def revoke_sign_in_links(self, request, queryset):
        try:
            count = invitations.speaker_links_revoke(user=request.user, speakers=list(queryset))
        except PermissionDenied as error:
            self.message_user(request, message_list(error, request.user), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext(
                "The sign-in links of %(count)d speaker no longer work; a new invitation, or "
                "their own request, gives them a new one.",
                "The sign-in links of %(count)d speakers no longer work; a new invitation, or "
                "their own request, gives them a new one.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


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
