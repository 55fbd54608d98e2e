import re

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csp import csp_override
from import_export.admin import ImportExportModelAdmin
from import_export.tmp_storages import CacheStorage
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields

from .models import Organization, Speaker
from .resources import SpeakerResource
from .spreadsheets import SPREADSHEET_FORMATS

UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}$")


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
class OrganizationAdmin(TranslationAdmin):
    list_display = ["name", "acronym", "website", "is_sample"]
    search_fields = [*get_translation_fields("name"), "acronym"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Speaker)
class SpeakerAdmin(ExportPageCSPMixin, ImportExportModelAdmin, TranslationAdmin):
    """The people. What depends on the program (their sessions, merging duplicates, history
    with restore) is added by sessions.admin, which registers its extension of this class."""

    resource_classes = [SpeakerResource]
    formats = SPREADSHEET_FORMATS
    # The uploaded file waits for the confirmation in the cache, under a random name, not in a
    # folder a forged confirmation could point elsewhere in.
    tmp_storage_class = CacheStorage
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

    def has_import_permission(self, request):
        # An import may change any speaker: only those who may change speakers (organizers).
        return request.user.has_perm("speakers.change_speaker") and super().has_import_permission(
            request
        )

    def process_import(self, request, **kwargs):
        """The confirmation of an import: refused with a 400 and a message when it names an
        upload that is not waiting (malformed, expired or forged) or a format there is not."""
        name = request.POST.get("import_file_name", "")
        format_index = request.POST.get("format", "")
        waiting = UPLOAD_NAME.match(name) and cache.get(CacheStorage.CACHE_PREFIX + name)
        if not waiting or not format_index.isdigit() or int(format_index) >= len(self.formats):
            return TemplateResponse(
                request,
                "admin/bad_request.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("This upload cannot be found"),
                    "opts": self.model._meta,
                },
                status=400,
            )
        return super().process_import(request, **kwargs)
