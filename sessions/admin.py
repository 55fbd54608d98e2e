from django.contrib import admin

from .forms import SessionForm
from .models import Language, PanelMembership, Room, Session


class PanelMembershipInline(admin.TabularInline):
    model = PanelMembership
    extra = 1


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    form = SessionForm
    list_display = ["title", "starts_at", "track", "room", "format", "status", "is_sample"]
    list_filter = ["conference", "status", "format", "track"]
    search_fields = ["title"]
    inlines = [PanelMembershipInline]
    list_select_related = ["track", "room"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "conference", "capacity", "location", "order", "is_sample"]
    list_filter = ["conference"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(PanelMembership)
class PanelMembershipAdmin(admin.ModelAdmin):
    list_display = ["speaker", "role", "session", "order"]
    list_select_related = ["speaker", "session"]
