"""Panel seats: inline on a session, and one at a time."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields

from .. import services
from ..models import PanelMembership, StaleSessionError
from .forms import PanelFormSet
from .history import GuardedHistoryAdmin
from .messages import ChangeRefused, message_list


class PanelMembershipInline(admin.TabularInline):
    """The panel, in its order: with JavaScript its rows are reordered by dragging them or with
    their arrow buttons (session_form.js numbers them); without, the order is typed."""

    model = PanelMembership
    formset = PanelFormSet
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "order"]
    verbose_name_plural = _("Who: the panel")

    def get_extra(self, request, obj=None, **kwargs):
        # A new session usually has a panel of three or four: rows for them, ready.
        return 4 if obj is None else 1

    def get_queryset(self, request):
        return super().get_queryset(request).in_panel_order()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.acting_user = request.user
        return formset


OTHER_LANGUAGES = [
    (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]


@admin.register(PanelMembership)
class PanelMembershipAdmin(GuardedHistoryAdmin):
    """Single panel seats; each change is a change of its session's panel (services)."""

    list_display = ["speaker", "role", "session", "order"]
    list_select_related = ["speaker", "session"]
    autocomplete_fields = ["speaker"]
    search_fields = [
        "speaker__name",
        *(f"session__{name}" for name in get_translation_fields("title")),
    ]

    def get_queryset(self, request):
        seats = super().get_queryset(request)
        if services.is_organizer(request.user):
            return seats
        return seats.filter(session__track__chairs=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            kwargs["queryset"] = services.editable_sessions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return services.may_edit(request.user, obj.session)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return services.may_edit(request.user, obj.session)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ChangeRefused as refusal:
            self.message_user(request, message_list(refusal.error, request.user), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        try:
            saved = services.panel_seat_save(user=request.user, seat=obj)
        except (ValidationError, PermissionDenied, StaleSessionError) as error:
            raise ChangeRefused(error) from error
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.panel_seat_delete(user=request.user, seat=obj)

    def delete_queryset(self, request, queryset):
        for seat in queryset:
            services.panel_seat_delete(user=request.user, seat=seat)

    # A stored version of a seat is there to read: a panel is restored with its session's
    # version, which holds the whole panel.


# Tracks and speakers, with what depends on the program: history restored through the
# services, a speaker's sessions (only those this user may see), and merging duplicates.
