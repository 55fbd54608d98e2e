"""Rooms and languages."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from ..models import Language, Room


@admin.register(Room)
class RoomAdmin(TranslationAdmin):
    list_display = ["name", "conference", "capacity", "location", "order", "is_sample"]
    list_editable = ["order"]
    list_filter = ["conference"]
    list_select_related = ["conference"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["conference", "order", "name"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
