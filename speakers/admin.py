from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csp import csp_override
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organization, Speaker
from .resources import SpeakerResource
from .services import speakers_merge


class ExportPageCSPMixin:
    """django-import-export's export page sets inline styles and an inline onchange handler;
    loosen the Content-Security-Policy for that one staff-only page so its "select all" works."""

    def export_action(self, request):
        policy = {
            **settings.SECURE_CSP,
            "style-src": ["'self'", "'unsafe-inline'"],
            "script-src-attr": ["'unsafe-inline'"],
        }
        return csp_override(policy)(super().export_action)(request)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "website", "is_sample"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Speaker.objects.none(),
        widget=forms.RadioSelect,
        label=_("Keep this record; the others are merged into it and deleted"),
    )


@admin.register(Speaker)
class SpeakerAdmin(ExportPageCSPMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    resource_classes = [SpeakerResource]
    list_display = ["name", "job_title", "organization", "is_sample"]
    list_filter = ["organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name", "organization__acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organization"]
    readonly_fields = ["sessions_list"]
    actions = ["merge_duplicates"]

    def has_import_permission(self, request):
        # An import may change any speaker: only those who may change speakers (organizers).
        return request.user.has_perm("speakers.change_speaker") and super().has_import_permission(
            request
        )

    @admin.display(description=_("sessions"))
    def sessions_list(self, speaker):
        seats = speaker.panel_memberships.select_related("session__conference").order_by(
            "session__starts_at"
        )
        if not seats:
            return _("No sessions yet.")
        return ", ".join(
            f"{seat.session} ({seat.session.conference.short_name} "
            f"{seat.session.conference.year}, {seat.get_role_display()})"
            for seat in seats
        )

    @admin.action(description=_("Merge the selected duplicates"), permissions=["change", "delete"])
    def merge_duplicates(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, _("Select at least two speakers to merge."), messages.ERROR)
            return None
        form = MergeForm(request.POST if "keep" in request.POST else None)
        form.fields["keep"].queryset = queryset
        if form.is_valid():
            kept = form.cleaned_data["keep"]
            with transaction.atomic():
                speakers_merge(keep=kept, duplicates=list(queryset.exclude(pk=kept.pk)))
            self.message_user(
                request,
                _("Merged into “%(name)s”; every panel seat was kept.") % {"name": kept},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/speakers/speaker/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge duplicate speakers"),
                "speakers": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
