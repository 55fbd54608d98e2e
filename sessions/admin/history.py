"""History pages confined to what the user may see and change, and readable: times in the
edition's zone with its abbreviation, plain column names, values as the forms show them, a
session's panel, topics and languages itemised, all in the admin's language. A revert is a
restore through the services."""

import datetime
import functools
from itertools import pairwise

from django.contrib import messages
from django.contrib.admin.utils import label_for_field, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from tracks.models import Conference

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
    restored.

    Every history page runs on the clock of the object's edition (the current one for what
    belongs to no edition: speakers, organizations, languages), and says its times with the
    zone's abbreviation."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"

    def get_urls(self):
        """The history pages (Django's history URL, served by django-simple-history, and its
        version page) run on the edition's clock, so that what they say, their messages
        included, is in its zone."""
        names = {
            f"{self.opts.app_label}_{self.opts.model_name}_history",
            f"{self.opts.app_label}_{self.opts.model_name}_simple_history",
        }
        urls = super().get_urls()
        for url in urls:
            if getattr(url, "name", None) in names:
                url.callback = self.on_the_edition_s_clock(url.callback)
        return urls

    def on_the_edition_s_clock(self, view):
        @functools.wraps(view)
        def in_zone(request, object_id, *args, **kwargs):
            if not self.admin_site.has_permission(request):
                return view(request, object_id, *args, **kwargs)  # to the login page
            with timezone.override(self.history_time_zone(request, object_id)):
                response = view(request, object_id, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                return response

        return in_zone

    def history_time_zone(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        edition = edition_of(obj) or Conference.objects.current() or Conference.objects.first()
        return edition.tzinfo if edition else None

    def history_view_title(self, request, obj):
        return gettext("History of “%(object)s”") % {"object": obj}

    def history_form_view_title(self, request, obj):
        return gettext("A version of “%(object)s”") % {"object": obj}

    def history_view(self, request, object_id, extra_context=None):
        object_id = unquote(object_id)
        visible = self.get_object(request, object_id) is not None
        if not visible and not (
            services.is_organizer(request.user) and self.has_stored_versions(object_id)
        ):
            raise Http404
        columns = [
            (name, capfirst(label_for_field(name, self.model, self)))
            for name in self.get_history_list_display(request)
        ]
        return super().history_view(
            request, object_id, {"history_columns": columns, **(extra_context or {})}
        )

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each version's changes from the one before, readable (ReadableChanges), with a
        session's panel, topics and languages itemised from the versions' snapshots; and each
        version's time, labelled."""
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        for record in records:
            record.history_date_label = labelled_time(record.history_date)
            record.history_type_label = HISTORY_TYPES.get(record.history_type, "")
            record.history_change_reason_label = (
                gettext(record.history_change_reason) if record.history_change_reason else ""
            )
        for newer, older in pairwise(records):
            itemised = related_changes(
                getattr(older, "related_snapshot", None), getattr(newer, "related_snapshot", None)
            )
            if itemised:
                newer.history_delta_changes = [
                    *getattr(newer, "history_delta_changes", []),
                    *itemised,
                ]

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)

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
        edition = edition_of(obj)
        record.history_date_label = labelled_time(
            record.history_date, edition.tzinfo if edition else None
        )
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


HISTORY_TYPES = {
    "+": pgettext_lazy("a version in the history", "Created"),
    "~": pgettext_lazy("a version in the history", "Changed"),
    "-": pgettext_lazy("a version in the history", "Deleted"),
}


def edition_of(obj):
    """The edition whose clock an object's history runs on, if it belongs to one."""
    if obj is None:
        return None
    if isinstance(obj, Conference):
        return obj
    for path in ("conference", "track.conference", "session.conference"):
        found = obj
        for name in path.split("."):
            found = getattr(found, name, None)
        if isinstance(found, Conference):
            return found
    return None


def labelled_time(moment, zone=None):
    """“Mon, Dec 15, 2014, 6:00 p.m. PST”: a moment in the zone (by default the active one),
    formatted for the active language, with the zone's abbreviation."""
    local = timezone.localtime(moment, zone)
    # Translators: a date and time in Django's date format, e.g. "Mon, Dec 15, 2014, 6:00 p.m."
    shown = date_format(local, gettext("D, M j, Y, P"))
    return f"{shown} {local.tzname()}"


class ReadableChanges(HistoricalRecordContextHelper):
    """A version's changes as a person reads them: times in the active zone, labelled; choices,
    yes/no and related objects by their names; empty values as a dash; fields in the form's
    order."""

    def context_for_delta_changes(self, delta):
        order = {field.name: index for index, field in enumerate(self.model._meta.fields)}
        delta.changes.sort(key=lambda change: order.get(change.field, len(order)))
        return super().context_for_delta_changes(delta)

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if field.many_to_many:
            return super().prepare_delta_change_value(change, value)
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.datetime):
            return labelled_time(value)
        if field.flatchoices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        return value


def related_changes(older, newer):
    """[{"field", "summary"}] for what changed in a session's panel, topics, languages and
    interpretation from one version's snapshot to the next: “+ Eva Millona (panelist),
    − Tom Nguyen”. Nothing where either version did not record that part."""
    older, newer = older or {}, newer or {}
    changes = []
    if "panel" in older and "panel" in newer:
        summary = panel_changes(older["panel"], newer["panel"])
        if summary:
            changes.append({"field": gettext("Panel"), "summary": summary})
    for part, label, name in [
        ("topics", _("Topics"), str),
        ("languages", _("Languages"), language_label),
        ("interpretation", _("Interpretation"), language_label),
    ]:
        if part not in older or part not in newer:
            continue
        before = dict(older[part])
        after = dict(newer[part])
        items = [f"+ {name(after[pk])}" for pk in after if pk not in before]
        items += [f"− {name(before[pk])}" for pk in before if pk not in after]
        if items:
            changes.append({"field": str(label), "summary": ", ".join(items)})
    return changes


def panel_changes(before, after):
    before = {seat["speaker"]: seat for seat in before}
    after = {seat["speaker"]: seat for seat in after}
    items = [
        f"+ {seat['name']} ({role_label(seat['role'])})"
        for speaker, seat in after.items()
        if speaker not in before
    ]
    items += [f"− {seat['name']}" for speaker, seat in before.items() if speaker not in after]
    items += [
        f"{seat['name']}: {role_label(before[speaker]['role'])} → {role_label(seat['role'])}"
        for speaker, seat in after.items()
        if speaker in before and before[speaker]["role"] != seat["role"]
    ]
    return ", ".join(items)


def role_label(role):
    try:
        return str(PanelMembership.Role(role).label)
    except ValueError:
        return role


def language_label(code):
    """A language code named in the admin's language (“Spanish”, “Español”); the code itself
    when Django does not know it."""
    try:
        return capfirst(get_language_info(code)["name_translated"])
    except KeyError:
        return code
