from django.conf import settings
from django.contrib import admin
from django.views.decorators.csp import csp_override
from import_export.admin import ImportExportModelAdmin

from .models import Organization, Speaker
from .resources import SpeakerResource


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


@admin.register(Speaker)
class SpeakerAdmin(ExportPageCSPMixin, ImportExportModelAdmin):
    """The people. What depends on the program (their sessions, merging duplicates, history
    with restore) is added by sessions.admin, which registers its extension of this class."""

    resource_classes = [SpeakerResource]
    list_display = ["name", "job_title", "organization", "is_sample"]
    list_filter = ["organization"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name", "organization__acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["organization"]

    def has_import_permission(self, request):
        # An import may change any speaker: only those who may change speakers (organizers).
        return request.user.has_perm("speakers.change_speaker") and super().has_import_permission(
            request
        )
