from django.contrib import admin

from .models import Conference, Topic, Track


@admin.register(Conference)
class ConferenceAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "city", "start_date", "end_date", "is_current", "is_sample"]


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "conference", "order", "colour"]
    list_filter = ["conference"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TopicInline]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "track", "order"]
    list_filter = ["track__conference"]
