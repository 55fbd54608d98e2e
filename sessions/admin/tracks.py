"""Editions, tracks with their topics and chairs, and topics."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from modeltranslation.utils import get_translation_fields

from tracks.models import Conference, Topic, Track

from .. import services
from .door import ThroughTheServices
from .filters import UntranslatedTopics, UntranslatedTracks
from .history import GuardedHistoryAdmin


@admin.register(Conference)
class ConferenceAdmin(ThroughTheServices, GuardedHistoryAdmin, TranslationAdmin):
    list_display = ["name", "year", "city", "start_date", "end_date", "is_current", "is_sample"]
    prepopulated_fields = {"slug": ["short_name", "year"]}

    def restore(self, request, record):
        return services.program_object_restore(user=request.user, record=record)


class TopicInline(TranslationTabularInline):
    model = Topic
    extra = 0
    fields = ["name", "slug", "order", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Track)
class TrackAdmin(ThroughTheServices, GuardedHistoryAdmin, TranslationAdmin):
    """Tracks, their topics and chairs, with history and restore."""

    list_display = ["name", "conference", "order", "colour"]
    list_editable = ["order"]
    list_filter = ["conference", UntranslatedTracks]
    list_select_related = ["conference"]
    ordering = ["conference", "order", "name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["chairs"]
    inlines = [TopicInline]

    def restore(self, request, record):
        return services.program_object_restore(user=request.user, record=record)


@admin.register(Topic)
class TopicAdmin(ThroughTheServices, GuardedHistoryAdmin, TranslationAdmin):
    list_display = ["name", "track", "order"]
    list_filter = ["track__conference", UntranslatedTopics]
    list_select_related = ["track"]
    search_fields = get_translation_fields("name")

    def restore(self, request, record):
        return services.program_object_restore(user=request.user, record=record)
