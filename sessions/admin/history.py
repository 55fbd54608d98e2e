"""History pages confined to what the user may see and change; a revert is a restore through the
services."""

import datetime

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin

from .. import services
from ..models import PanelMembership, Session, StaleSessionError
from .messages import message_list


class GuardedHistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's pages, made safe for track chairs.

    Its own views look objects up without get_queryset (its list falls back to the stored
    versions of an object it cannot find) and save its revert form with no check of the change
    permission. Here both pages find the object through get_object, so they show only what this
    user may see (organizers may still read the history of a deleted object), malformed ids are
    404s, and the revert form becomes a restore through the services, which check the user's
    right to change the object. `restore(request, record)` says how; by default nothing can be
    restored."""

    def history_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        visible = self.get_object(request, object_id) is not None
        if not visible and not (
            services.is_organizer(request.user) and self.has_stored_versions(object_id)
        ):
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # django-simple-history's own calls select_related() with no field names for a model
        # without foreign keys (Language), which Django 6.1 deprecates.
        records = history_manager.filter(**{pk_name: object_id}).select_related("history_user")
        foreign_keys = [
            field.name
            for field in history_manager.model.tracked_fields
            if isinstance(field, ForeignKey)
        ]
        return records.select_related(*foreign_keys) if foreign_keys else records

    def has_stored_versions(self, object_id):
        try:
            object_id = self.model._meta.pk.to_python(object_id)
        except ValidationError:
            return False
        return self.model.history.filter(**{self.model._meta.pk.attname: object_id}).exists()

    def history_record(self, request, object_id, version_id):
        """The object and its stored version, if the object is one this user may see."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not str(version_id).isdigit():
            raise Http404
        record = obj.history.filter(history_id=version_id).first()
        if record is None:
            raise Http404
        return obj, record

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        obj, record = self.history_record(request, object_id, version_id)
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        try:
            restored = self.restore(request, record)
        except (ValidationError, PermissionDenied, StaleSessionError) as error:
            self.message_user(request, message_list(error, request.user), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        self.message_user(
            request,
            _("“%(object)s” was restored to an earlier version.") % {"object": restored},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[restored.pk]
            )
        )

    def restore(self, request, record):
        raise PermissionDenied

    def revert_disabled(self, request, obj=None):
        return type(self).restore is GuardedHistoryAdmin.restore or not self.has_change_permission(
            request, obj
        )


def restore_differences(session, plan):
    """[(label, now, then)] for each part of the session that restoring would change."""
    stored = Session.objects.get(pk=session.pk)
    rows = []
    for name in [
        *get_translation_fields("title"), "slug", "track", "format", "starts_at", "ends_at",
        "room", "status", *get_translation_fields("description"),
        *get_translation_fields("cancellation_note"), "has_cart", "has_asl", "is_sample",
    ]:  # fmt: skip
        field = Session._meta.get_field(name)
        now, then = field.value_from_object(stored), field.value_from_object(plan.session)
        if now != then:
            rows.append((field.verbose_name, display(stored, field), display(plan.session, field)))
    related = plan.related
    if related.panel is not None:
        now = ", ".join(
            f"{seat.speaker} ({seat.get_role_display()})"
            for seat in stored.panel.in_panel_order().select_related("speaker")
        )
        then = ", ".join(
            f"{seat.speaker} ({PanelMembership.Role(seat.role).label})" for seat in related.panel
        )
        if now != then:
            rows.append((_("panel"), now or "—", then or "—"))
    for label, attribute, values in [
        (_("topics"), "topics", related.topics),
        (_("languages"), "languages", related.languages),
        (_("interpretation languages"), "interpretation_languages", related.interpretation),
    ]:
        if values is None:
            continue
        now = ", ".join(map(str, getattr(stored, attribute).order_by("pk")))
        then = ", ".join(map(str, sorted(values, key=lambda value: value.pk)))
        if now != then:
            rows.append((label, now or "—", then or "—"))
    return rows


def display(session, field):
    value = getattr(session, field.name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return getattr(session, f"get_{field.name}_display")()
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return str(value)
