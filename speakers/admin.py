from django.contrib import admin

from .models import Organization, Speaker


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "website", "is_sample"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "organization", "is_sample"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]
    prepopulated_fields = {"slug": ["name"]}
