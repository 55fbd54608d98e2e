"""Rooms and languages."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .. import services
from ..models import Language, Room
from .door import ThroughTheServices
from .filters import UntranslatedRooms
from .history import GuardedHistoryAdmin


@admin.register(Room)
class RoomAdmin(ThroughTheServices, GuardedHistoryAdmin, TranslationAdmin):
    list_display = ["name", "conference", "capacity", "location", "order", "is_sample"]
    list_editable = ["order"]
    list_filter = ["conference", UntranslatedRooms]
    list_select_related = ["conference"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["conference", "order", "name"]

    def restore(self, request, record):
        return services.program_object_restore(user=request.user, record=record)


@admin.register(Language)
class LanguageAdmin(ThroughTheServices, GuardedHistoryAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]

    def restore(self, request, record):
        return services.program_object_restore(user=request.user, record=record)
