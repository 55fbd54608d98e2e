"""The organizers' tool for the program.

Times are entered and shown in the edition's own time zone. Track chairs see and change only the
sessions of their tracks: the restriction lives in get_queryset and the permission checks, so it
holds for every URL, not just for the buttons shown."""

import datetime
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from speakers.admin import ExportPageCSPMixin
from tracks.models import Conference, Track

from . import admin_views
from .forms import SessionForm
from .models import Language, PanelMembership, Room, Session, StaleSessionError
from .resources import SessionResource


def is_organizer(user):
    """Organizers (and superusers) edit every track; anyone else is at most a track chair."""
    return user.has_perm("tracks.change_track")


def change_link(session):
    url = reverse("admin:program_session_change", args=[session.pk])
    return format_html('<a href="{}">{}</a>', url, session)


def linked_message(error):
    """A model ValidationError as HTML; a session it names becomes a link to that session."""
    if not error.params:
        return conditional_escape(error.message)
    params = dict(error.params)
    if isinstance(params.get("other"), Session):
        params["other"] = change_link(params["other"])
    escaped = {key: conditional_escape(value) for key, value in params.items()}
    return mark_safe(conditional_escape(error.message) % escaped)  # noqa: S308  (all parts escaped)


def each_error(error):
    if hasattr(error, "error_dict"):
        return [each for errors in error.error_dict.values() for each in errors]
    return error.error_list


def rendered(response):
    """Render a lazy TemplateResponse now, while the edition's time zone is active."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def edition_for(request, session=None):
    """The edition whose clock this admin page runs on."""
    if session is not None and session.conference_id:
        return session.conference
    slug = request.GET.get("conference__slug") or request.GET.get("edition")
    edition_id = request.GET.get("conference__id__exact")
    if edition_id and edition_id.isdigit():
        return Conference.objects.filter(pk=edition_id).first() or Conference.objects.current()
    if slug:
        return Conference.objects.filter(slug=slug).first() or Conference.objects.current()
    return Conference.objects.current() or Conference.objects.first()


class SessionAdminForm(SessionForm):
    # The version this form was opened at (Session.version is not editable).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta(SessionForm.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
        zone = timezone.get_current_timezone_name()
        for name in ("starts_at", "ends_at"):
            if name in self.fields:
                self.fields[name].help_text = _("Local time in %(zone)s.") % {"zone": zone}

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            seen = cleaned_data.get("loaded_version")
            current = Session.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if seen is None or not current or current[0] != seen:
                raise ValidationError(str(StaleSessionError(self.instance)), code="stale")
            # The save checks again, against this copy, in case someone saves in between.
            self.instance.version = seen
        return cleaned_data

    def _post_clean(self):
        super()._post_clean()
        # The model's clash messages name the other session; here they link to it.
        if "status" in self._errors:
            self._errors["status"] = self.error_class(
                [linked_message(error) for error in self._errors["status"].as_data()]
            )


class PanelFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        session = self.instance
        if session.status != Session.Status.PUBLISHED or not session.starts_at:
            return
        speakers = [
            form.cleaned_data["speaker"]
            for form in self.forms
            if form.cleaned_data.get("speaker") and not form.cleaned_data.get("DELETE")
        ]
        clashes = session.speaker_clash_errors(speakers=speakers) if speakers else []
        if clashes:
            raise ValidationError([linked_message(error) for error in clashes])


class PanelMembershipInline(admin.TabularInline):
    model = PanelMembership
    formset = PanelFormSet
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "order"]
    extra = 1


class DayListFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        edition = edition_for(request)
        if edition is None:
            return []
        return [
            (day.isoformat(), f"{date_format(day, 'D')} {date_format(day, 'MONTH_DAY_FORMAT')}")
            for day in edition.days
        ]

    def queryset(self, request, queryset):
        edition = edition_for(request)
        if not self.value() or edition is None:
            return queryset
        try:
            day = datetime.date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.on_day(edition, day)


class MoveToTrackForm(forms.Form):
    track = forms.ModelChoiceField(queryset=Track.objects.none(), label=_("Move to track"))


@admin.register(Session)
class SessionAdmin(ExportPageCSPMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
    form = SessionAdminForm
    resource_classes = [SessionResource]
    inlines = [PanelMembershipInline]
    list_display = [
        "title",
        "when",
        "track",
        "room",
        "format",
        "status",
        "panel_size",
        "is_sample",
    ]
    list_filter = [
        "conference",
        "track",
        DayListFilter,
        "room",
        "format",
        "status",
        "languages",
    ]
    list_select_related = ["conference", "track", "room"]
    search_fields = ["title", "description", "panel__speaker__name"]
    date_hierarchy = "starts_at"
    ordering = ["starts_at", "room__order", "title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["languages", "interpretation_languages"]
    actions = ["publish", "return_to_draft", "cancel", "duplicate", "move_to_track"]
    change_list_template = "admin/program/session/change_list.html"
    fieldsets = [
        (None, {"fields": ["conference", "title", "slug", "track", "topics", "format"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "room"]}),
        (
            _("Language and access"),
            {"fields": ["languages", "interpretation_languages", "has_cart", "has_asl"]},
        ),
        (None, {"fields": ["description", "status", "is_sample", "loaded_version"]}),
    ]

    # Who sees what

    def has_import_permission(self, request):
        # An import may touch any track's sessions: organizers only.
        return is_organizer(request.user) and super().has_import_permission(request)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "Nothing was imported: the program changed since the preview. Upload the "
                    "file again to see why."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:program_session_import"))
        return super().process_result(result, request)

    def get_queryset(self, request):
        sessions = (
            super().get_queryset(request).annotate(panel_count=models.Count("panel", distinct=True))
        )
        if is_organizer(request.user):
            return sessions
        return sessions.filter(track__chairs=request.user)

    def chaired_tracks(self, request):
        tracks = Track.objects.select_related("conference")
        return tracks if is_organizer(request.user) else tracks.filter(chairs=request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed or is_organizer(request.user):
            return allowed
        return obj.track_id is not None and obj.track.chairs.filter(pk=request.user.pk).exists()

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed or is_organizer(request.user):
            return allowed
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "track":
            kwargs["queryset"] = self.chaired_tracks(request)
            kwargs["required"] = not is_organizer(request.user)
        if db_field.name == "room":
            kwargs["queryset"] = Room.objects.select_related("conference")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "topics":
            session = getattr(request, "_session_being_edited", None)
            topics = db_field.related_model.objects.select_related("track")
            if session is not None and session.track_id:
                topics = topics.filter(track=session.track)
            elif session is not None:
                topics = topics.none()
            else:
                topics = topics.filter(track__in=self.chaired_tracks(request))
            kwargs["queryset"] = topics
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The topics offered are those of the session's own track.
        request._session_being_edited = obj
        return super().get_form(request, obj, change, **kwargs)

    # Times in the edition's zone

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        session = self.get_object(request, object_id) if object_id else None
        edition = edition_for(request, session)
        with timezone.override(edition.tzinfo if edition else None):
            try:
                return rendered(
                    super().changeform_view(request, object_id, form_url, extra_context)
                )
            except StaleSessionError as error:
                # Someone saved between our check and our write: nothing of ours was kept.
                self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        edition = edition_for(request)
        with timezone.override(edition.tzinfo if edition else None):
            extra_context = {
                **(extra_context or {}),
                "edition": edition,
                "edition_time_zone": edition.time_zone if edition else "",
            }
            return rendered(super().changelist_view(request, extra_context))

    def history_view(self, request, object_id, extra_context=None):
        with timezone.override(self.zone_of(request, object_id)):
            return rendered(super().history_view(request, object_id, extra_context))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        with timezone.override(self.zone_of(request, object_id)):
            return rendered(
                super().history_form_view(request, object_id, version_id, extra_context)
            )

    def delete_view(self, request, object_id, extra_context=None):
        with timezone.override(self.zone_of(request, object_id)):
            return rendered(super().delete_view(request, object_id, extra_context))

    def zone_of(self, request, object_id):
        session = None
        if str(object_id).isdigit():
            session = Session.objects.select_related("conference").filter(pk=object_id).first()
        edition = edition_for(request, session)
        return edition.tzinfo if edition else None

    @admin.display(description=_("when"), ordering="starts_at")
    def when(self, session):
        return session.slot_label

    @admin.display(description=_("panel"), ordering="panel_count")
    def panel_size(self, session):
        return session.panel_count

    # Drafts are previewed inside the admin, never on the public site

    def get_view_on_site_url(self, obj=None):
        if obj is None or obj.pk is None:
            return None
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("admin:program_session_preview", args=[obj.pk])

    def get_urls(self):
        return [
            path(
                "<int:session_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="program_session_preview",
            ),
            path(
                "conflicts/",
                self.admin_site.admin_view(partial(admin_views.conflicts, model_admin=self)),
                name="program_session_conflicts",
            ),
            path(
                "board/",
                self.admin_site.admin_view(partial(admin_views.board, model_admin=self)),
                name="program_session_board",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, session_id):
        session = self.get_object(request, str(session_id))
        if session is None or not self.has_view_or_change_permission(request, session):
            raise PermissionDenied
        session = Session.objects.with_program_data().get(pk=session.pk)
        conference = session.conference
        with timezone.override(conference.tzinfo):
            return render(
                request,
                "sessions/session_detail.html",
                {
                    "conference": conference,
                    "session": session,
                    "same_slot": [],
                    "json_ld": {},
                    "preview": True,
                },
            )

    # Saving: clashes among drafts are warnings, named and linked

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        session = form.instance
        if session.status == Session.Status.DRAFT:
            warnings = draft_clash_warnings(session)
            for warning in warnings:
                self.message_user(request, warning, messages.WARNING)

    # Actions

    @admin.action(description=_("Publish the selected sessions"), permissions=["change"])
    def publish(self, request, queryset):
        published, refused = 0, []
        for session in queryset.select_related("conference", "room"):
            try:
                with transaction.atomic():
                    session.publish()
                published += 1
            except ValidationError as error:
                reasons = [linked_message(each) for each in each_error(error)]
                refused.append(
                    format_html("{}: {}", change_link(session), mark_safe(" ".join(reasons)))  # noqa: S308
                )
        if published:
            self.message_user(
                request,
                ngettext("%(count)d session published.", "%(count)d sessions published.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        for reason in refused:
            self.message_user(
                request, format_html(_("Not published: {reason}"), reason=reason), messages.ERROR
            )

    @admin.action(description=_("Return the selected sessions to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        count = self._set_status(queryset, Session.Status.DRAFT)
        self.message_user(
            request,
            ngettext(
                "%(count)d session returned to draft.",
                "%(count)d sessions returned to draft.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Cancel the selected sessions"), permissions=["change"])
    def cancel(self, request, queryset):
        count = self._set_status(queryset, Session.Status.CANCELLED)
        self.message_user(
            request,
            ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def _set_status(self, queryset, status):
        with transaction.atomic():
            sessions = list(queryset)
            for session in sessions:
                session.status = status
                session.save()
        return len(sessions)

    @admin.action(description=_("Duplicate the selected sessions as drafts"), permissions=["add"])
    def duplicate(self, request, queryset):
        with transaction.atomic():
            for session in queryset.prefetch_related(
                "topics", "languages", "interpretation_languages", "panel"
            ):
                duplicate_session(session)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(count)d draft copy made.", "%(count)d draft copies made.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Move the selected sessions to another track"), permissions=["change"]
    )
    def move_to_track(self, request, queryset):
        editions = set(queryset.values_list("conference", flat=True))
        form = MoveToTrackForm(request.POST if "track" in request.POST else None)
        form.fields["track"].queryset = self.chaired_tracks(request).filter(conference__in=editions)
        if form.is_valid():
            track = form.cleaned_data["track"]
            moved = 0
            with transaction.atomic():
                for session in queryset.filter(conference=track.conference_id):
                    session.track = track
                    session.topics.clear()
                    session.save()
                    moved += 1
            self.message_user(
                request,
                ngettext(
                    "%(count)d session moved to “%(track)s”; its topics were cleared, since "
                    "topics belong to a track.",
                    "%(count)d sessions moved to “%(track)s”; their topics were cleared, since "
                    "topics belong to a track.",
                    moved,
                )
                % {"count": moved, "track": track},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/program/session/move_to_track.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Move sessions to another track"),
                "sessions": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


def draft_clash_warnings(session):
    """A draft may clash while organizers shuffle the program; say so, and with whom."""
    others = (
        Session.objects.exclude(pk=session.pk)
        .exclude(status=Session.Status.CANCELLED)
        .overlapping(session.starts_at, session.ends_at)
        .select_related("conference")
    )
    warnings = []
    if session.room_id:
        for other in others.filter(room_id=session.room_id):
            warnings.append(
                format_html(
                    "Room “{}” is also used by {} ({}): publishing will be refused until one "
                    "of them moves.",
                    session.room,
                    change_link(other),
                    other.slot_label,
                )
            )
    seats = PanelMembership.objects.filter(
        speaker__in=session.speakers.all(), session__in=others
    ).select_related("speaker", "session__conference")
    for seat in seats:
        warnings.append(
            format_html(
                "{} is also on {} ({}): publishing will be refused until this is resolved.",
                seat.speaker,
                change_link(seat.session),
                seat.session.slot_label,
            )
        )
    return warnings


def duplicate_session(session):
    copy_number = 1
    while True:
        slug = slugify(f"{session.slug}-copy-{copy_number}")[:100]
        if not Session.objects.filter(conference=session.conference, slug=slug).exists():
            break
        copy_number += 1
    topics = list(session.topics.all())
    languages = list(session.languages.all())
    interpretation = list(session.interpretation_languages.all())
    seats = list(session.panel.all())
    copy = session
    copy.pk = None
    copy._state.adding = True
    copy.slug = slug
    copy.title = f"{session.title} (copy)"
    copy.status = Session.Status.DRAFT
    copy.version = 1
    copy.save()
    copy.topics.set(topics)
    copy.languages.set(languages)
    copy.interpretation_languages.set(interpretation)
    PanelMembership.objects.bulk_create(
        PanelMembership(session=copy, speaker_id=seat.speaker_id, role=seat.role, order=seat.order)
        for seat in seats
    )
    return copy


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
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


@admin.register(PanelMembership)
class PanelMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["speaker", "role", "session", "order"]
    list_select_related = ["speaker", "session"]
    autocomplete_fields = ["speaker"]
    search_fields = ["speaker__name", "session__title"]

    def get_queryset(self, request):
        seats = super().get_queryset(request)
        if is_organizer(request.user):
            return seats
        return seats.filter(session__track__chairs=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session" and not is_organizer(request.user):
            kwargs["queryset"] = Session.objects.filter(track__chairs=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
