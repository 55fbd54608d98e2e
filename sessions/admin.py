"""The organizers' tool for the program.

Times are entered and shown in the edition's own time zone. Every change goes through
sessions.services, which checks the acting user's rights (track chairs act only on their tracks)
and the scheduling rules; this module only turns forms, actions and history pages into those
calls, and their refusals into messages. What a user may open is confined by get_queryset, which
every view here, inherited ones included, looks objects up through."""

import datetime
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields
from simple_history.admin import SimpleHistoryAdmin

from speakers.admin import ExportPageCSPMixin, SpeakerAdmin
from speakers.models import Speaker
from speakers.services import speaker_restore
from speakers.spreadsheets import SPREADSHEET_FORMATS
from tracks.admin import TrackAdmin
from tracks.models import Conference, Track
from tracks.services import track_restore

from . import admin_import, admin_views, rules, services
from .conflicts import Kind, find_conflicts
from .forms import SessionForm
from .models import Language, PanelMembership, Room, Session, StaleSessionError
from .resources import SessionResource


class ChangeRefused(Exception):
    """A service refused a save after the form had validated (a change made meanwhile)."""

    def __init__(self, error):
        self.error = error
        super().__init__(str(error))


def session_link(session, user):
    """The session's title, linked to where this user may see it: its admin page for its
    editors, its public page for a public session, no link for anyone else's draft."""
    if services.may_edit(user, session):
        url = reverse("admin:program_session_change", args=[session.pk])
    elif session.is_public:
        url = session.get_absolute_url()
    else:
        return conditional_escape(str(session))
    return format_html('<a href="{}">{}</a>', url, session)


def linked_message(error, user):
    """A rule's ValidationError as HTML; the session it names becomes a link for this user."""
    if not error.params:
        return conditional_escape(str(error.message))
    params = dict(error.params)
    for name, value in params.items():
        if isinstance(value, Session):
            params[name] = session_link(value, user)
    escaped = {key: conditional_escape(value) for key, value in params.items()}
    return mark_safe(conditional_escape(str(error.message)) % escaped)  # noqa: S308  (all escaped)


def names_a_session(error):
    return any(isinstance(value, Session) for value in (error.params or {}).values())


def message_list(error, user):
    return format_html_join(
        " ", "{}", ((linked_message(each, user),) for each in services.each_error(error))
    )


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


class TopicCheckboxes(forms.CheckboxSelectMultiple):
    """Topics grouped by track, each box saying its track (data-track), so that the form's
    script shows only the chosen track's topics before anything is saved."""

    track_of = None  # {topic id: track id}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = getattr(value, "value", value)
        if self.track_of and key in self.track_of:
            option["attrs"]["data-track"] = self.track_of[key]
        return option


class InlineCheckboxes(forms.CheckboxSelectMultiple):
    """A few choices side by side (the languages), instead of a two-pane picker."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "program-inline-choices", **(attrs or {})}, choices)


def local_field(field_class, input_type, **widget_attrs):
    widget_class = forms.DateInput if field_class is forms.DateField else forms.TimeInput
    widget_format = "%Y-%m-%d" if field_class is forms.DateField else "%H:%M"
    return widget_class(attrs={"type": input_type, **widget_attrs}, format=widget_format)


# A text's languages side by side (one row of the fieldset), English first.
WHAT_FIELDS = [
    "conference",
    tuple(get_translation_fields("title")),
    "slug",
    "track",
    "topics",
    "format",
    tuple(get_translation_fields("description")),
]


class SessionAdminForm(SessionForm):
    """The session as organizers enter it: one day and two clock times on the edition's own
    clock (made into starts_at and ends_at here), the panel in the order its rows are in."""

    day = forms.DateField(
        label=_("Day"),
        input_formats=["%Y-%m-%d"],
        widget=local_field(forms.DateField, "date"),
    )
    start_time = forms.TimeField(
        label=_("Start"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=local_field(forms.TimeField, "time", step=300),
    )
    end_time = forms.TimeField(
        label=_("End"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=local_field(forms.TimeField, "time", step=300),
    )
    # The version this form was opened at (Session.version is not editable).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    acting_user = None  # set by SessionAdmin.get_form, for links in messages

    # The model's own fields that the form enters as day, start and end.
    FORM_FIELD_OF = {"starts_at": "day", "ends_at": "end_time"}

    class Meta(SessionForm.Meta):
        fields = [
            *(name for name in SessionForm.Meta.fields if name not in ("starts_at", "ends_at")),
            "cancellation_note",
        ]
        widgets = {
            **{
                title: forms.TextInput(attrs={"class": "vTextField program-title"})
                for title in get_translation_fields("title")
            },
            # Written later, often pasted: a few lines, so that the time and place are in view.
            **{
                description: forms.Textarea(attrs={"class": "vLargeTextField", "rows": 4})
                for description in get_translation_fields("description")
            },
            **{
                note: forms.Textarea(attrs={"class": "vLargeTextField", "rows": 2})
                for note in get_translation_fields("cancellation_note")
            },
            "languages": InlineCheckboxes,
            "interpretation_languages": InlineCheckboxes,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        session = self.instance
        if session.pk:
            self.fields["loaded_version"].initial = session.version
            zone = session.conference.tzinfo
            starts = timezone.localtime(session.starts_at, zone)
            ends = timezone.localtime(session.ends_at, zone)
            self.initial.setdefault("day", starts.date().isoformat())
            self.initial.setdefault("start_time", f"{starts:%H:%M}")
            self.initial.setdefault("end_time", f"{ends:%H:%M}")
        if "topics" in self.fields:
            self.group_topics_by_track()
        edition = self.edition()
        if edition is not None and "day" in self.fields:
            # The browser's date picker opens on the edition's days; other days are refused
            # by the rules, in their words.
            self.fields["day"].widget.attrs.update(
                min=edition.start_date.isoformat(), max=edition.end_date.isoformat()
            )
            self.fields["day"].help_text = _(
                "%(first)s to %(last)s. Times are on the edition’s clock, %(zone)s."
            ) % {
                "first": date_format(edition.start_date, str(rules.EDITION_FIRST_DAY_FORMAT)),
                "last": date_format(edition.end_date, str(rules.EDITION_LAST_DAY_FORMAT)),
                "zone": edition.time_zone,
            }

    def group_topics_by_track(self):
        field = self.fields["topics"]
        widget = getattr(field.widget, "widget", field.widget)  # inside the "add" wrapper
        topics = list(field.queryset.select_related("track"))
        groups = {}
        for topic in topics:
            groups.setdefault(topic.track, []).append((topic.pk, capfirst(topic.name)))
        widget.choices = [(capfirst(track.name), options) for track, options in groups.items()]
        widget.track_of = {topic.pk: topic.track_id for topic in topics}
        field.help_text = _("Only the topics of the session’s track can be chosen.")

    def edition(self):
        """The edition the form is for: the session's, or the one it was opened with."""
        if self.instance.conference_id:
            return self.instance.conference
        chosen = self.initial.get("conference")
        if isinstance(chosen, Conference):
            return chosen
        if chosen and str(chosen).isdigit():
            return Conference.objects.filter(pk=chosen).first()
        return None

    def add_error(self, field, error):
        # The rules speak of starts_at and ends_at; this form shows them as day, start, end.
        if field is None and hasattr(error, "error_dict"):
            error = ValidationError(
                {
                    self.FORM_FIELD_OF.get(name, name): errors
                    for name, errors in error.error_dict.items()
                }
            )
        super().add_error(self.FORM_FIELD_OF.get(field, field), error)

    def clean_times(self, cleaned_data):
        """starts_at and ends_at, from the day and clock times, on the edition's clock."""
        day, start, end = (cleaned_data.get(name) for name in ("day", "start_time", "end_time"))
        conference = cleaned_data.get("conference")
        if not (day and start and end and conference):
            return
        if end <= start:
            self.add_error(
                "end_time",
                ValidationError(_("A session must end after it starts."), code="ends_first"),
            )
            return
        zone = conference.tzinfo
        self.instance.starts_at = datetime.datetime.combine(day, start, tzinfo=zone)
        self.instance.ends_at = datetime.datetime.combine(day, end, tzinfo=zone)

    def clean(self):
        cleaned_data = super().clean()
        self.clean_times(cleaned_data)
        if self.instance.pk:
            seen = cleaned_data.get("loaded_version")
            current = Session.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if seen is None or not current or current[0] != seen:
                raise ValidationError(str(StaleSessionError(self.instance)), code="stale")
            # The save checks again, against this copy, in case someone saves in between.
            self.instance.version = seen
            previous = Session.objects.get(pk=self.instance.pk).status
            status = cleaned_data.get("status")
            for field, errors in rules.status_change_errors(previous, status).items():
                for error in errors:
                    self.add_error(field, error)
        elif cleaned_data.get("status") == Session.Status.CANCELLED:
            for field, errors in rules.status_change_errors(None, Session.Status.CANCELLED).items():
                for error in errors:
                    self.add_error(field, error)
        return cleaned_data

    def _post_clean(self):
        super()._post_clean()
        # The rules' messages name the other session; here they link to it, for this user.
        for field, errors in list(self._errors.items()):
            self._errors[field] = self.error_class(
                [
                    linked_message(error, self.acting_user) if names_a_session(error) else error
                    for error in errors.as_data()
                ]
            )


def error_summary(form, inline_admin_formsets):
    """[(label, anchor, message)]: every error of the form and of its panel rows, for the list
    at the top of the page that links each refusal to the field or the row it is about."""
    items = []
    for name, errors in form.errors.items():
        label = anchor = None
        if name in form.fields:
            label, anchor = capfirst(form.fields[name].label or name), form[name].auto_id
        items += [(label, anchor, message) for message in errors]
    for inline_admin_formset in inline_admin_formsets:
        formset = inline_admin_formset.formset
        heading = capfirst(inline_admin_formset.opts.verbose_name_plural)
        anchor = f"{formset.prefix}-group"
        items += [(heading, anchor, error) for error in formset.non_form_errors()]
        for index, row in enumerate(formset.forms):
            if not row.errors:
                continue
            chosen = row["speaker"].value()
            speaker = Speaker.objects.filter(pk=chosen).first() if str(chosen).isdigit() else None
            label = _("Panel, row %(number)d") % {"number": index + 1}
            if speaker is not None:
                label = _("Panel, row %(number)d (%(speaker)s)") % {
                    "number": index + 1,
                    "speaker": speaker,
                }
            for errors in row.errors.values():
                items += [(label, f"{formset.prefix}-{index}", message) for message in errors]
    return items


def conflicts_column(model_admin, request):
    """The session list's conflicts column, for this request: the kinds of conflict each
    session is in, among the sessions this user may see, found once per edition listed (three
    queries each, however many sessions)."""
    by_edition = {}

    def conflicts_of(session):
        if session.conference_id not in by_edition:
            found = {}
            edition_sessions = model_admin.get_queryset(request).filter(
                conference_id=session.conference_id
            )
            for conflict in find_conflicts(edition_sessions):
                for each in conflict.sessions:
                    found.setdefault(each.pk, []).append(conflict)
            by_edition[session.conference_id] = found
        return by_edition[session.conference_id].get(session.pk, [])

    @admin.display(description=_("conflicts"))
    def conflicts(session):
        found = conflicts_of(session)
        if not found:
            return "—"
        kinds = sorted({conflict.kind for conflict in found}, key=list(Kind).index)
        blocking = any(conflict.blocks_publishing for conflict in found)
        url = reverse("admin:program_session_conflicts") + f"?edition={session.conference.slug}"
        return format_html(
            '<a class="{}" href="{}">{} ({})</a>',
            "program-list-conflict program-blocking" if blocking else "program-list-conflict",
            url,
            ", ".join(str(kind.label) for kind in kinds),
            len(found),
        )

    return conflicts


class PanelFormSet(forms.BaseInlineFormSet):
    """The panel as submitted (rows marked for deletion left out) is what the clash rule reads;
    a clash is shown on the row of the speaker concerned."""

    acting_user = None

    def clean(self):
        super().clean()
        session = self.instance
        if session.status != Session.Status.PUBLISHED or not (
            session.starts_at and session.ends_at
        ):
            return
        row_of_speaker = {
            form.cleaned_data["speaker"].pk: form
            for form in self.forms
            if form.cleaned_data.get("speaker") and not form.cleaned_data.get("DELETE")
        }
        for seat in rules.speaker_clashes(session, list(row_of_speaker)):
            error = rules.speaker_taken(seat.speaker, seat.session)
            row_of_speaker[seat.speaker_id].add_error(
                "speaker", linked_message(error, self.acting_user)
            )

    def panel(self):
        """[services.Seat] in the order given, from the valid rows kept."""
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("speaker") and not form.cleaned_data.get("DELETE")
        ]
        return [
            services.Seat(speaker=row["speaker"], role=row["role"], order=row.get("order") or 0)
            for row in rows
        ]


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


class TranslationListFilter(admin.SimpleListFilter):
    """Sessions whose title or description still waits for a translation into a language."""

    title = _("translation")
    parameter_name = "to_translate"

    def lookups(self, request, model_admin):
        return [
            (code, _("No %(language)s title or description yet") % {"language": name})
            for code, name in translated_language_names()
        ]

    def queryset(self, request, queryset):
        if self.value() in dict(OTHER_LANGUAGES):
            return queryset.to_translate(self.value())
        return queryset


def translated_language_names():
    """(code, name in the admin's language) of each language besides English."""
    return [(code, get_language_info(code)["name_translated"]) for code, _ in OTHER_LANGUAGES]


class DayListFilter(admin.SimpleListFilter):
    title = _("day")
    parameter_name = "day"

    def lookups(self, request, model_admin):
        edition = edition_for(request)
        if edition is None:
            return []
        return [(day.isoformat(), date_format(day, str(rules.DAY_FORMAT))) for day in edition.days]

    def queryset(self, request, queryset):
        edition = edition_for(request)
        if not self.value() or edition is None:
            return queryset
        try:
            day = datetime.date.fromisoformat(self.value())
        except ValueError:
            return queryset.none()
        return queryset.on_day(edition, day)


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


@admin.register(Session)
class SessionAdmin(ExportPageCSPMixin, ExportMixin, TranslationAdmin, GuardedHistoryAdmin):
    form = SessionAdminForm
    resource_classes = [SessionResource]
    export_formats = SPREADSHEET_FORMATS
    inlines = [PanelMembershipInline]
    # At 1,440 px every column shows: the conflicts column is added per request, since it
    # depends on what this user may see (get_list_display).
    list_display = ["title", "status", "when", "room", "short_track", "format", "panel_size"]
    list_filter = [
        "conference",
        "track",
        DayListFilter,
        "room",
        "format",
        "status",
        "languages",
        TranslationListFilter,
    ]
    list_select_related = ["conference", "track", "room"]
    search_fields = [
        *get_translation_fields("title"),
        *get_translation_fields("description"),
        "panel__speaker__name",
    ]
    date_hierarchy = "starts_at"
    ordering = ["starts_at", "room__order", "title"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "return_to_draft", "cancel", "duplicate", "move_to_track"]
    change_list_template = "admin/program/session/change_list.html"
    history_list_display = ["related_summary"]
    change_form_template = "admin/program/session/change_form.html"

    def get_fieldsets(self, request, obj=None):
        """In the order of the work: what, when and where, who (the panel, placed after these
        two by the template), access and language, publication. The sample data box only on
        sessions that are sample data: organizers never make new ones."""
        publication = ["status"]
        if obj is not None and obj.status != Session.Status.DRAFT:
            # Only a published session is cancelled.
            publication.append(tuple(get_translation_fields("cancellation_note")))
        if obj is not None and (obj.is_sample or obj.conference.is_sample):
            publication.append("is_sample")
        publication.append("loaded_version")
        return [
            (_("What"), {"fields": WHAT_FIELDS}),
            (_("When and where"), {"fields": [("day", "start_time", "end_time"), "room"]}),
            (
                _("Access and language"),
                {"fields": ["languages", "interpretation_languages", "has_cart", "has_asl"]},
            ),
            (_("Publication"), {"fields": publication}),
        ]

    def get_changeform_initial_data(self, request):
        """What the add form starts with: the current edition (or the one asked for), the
        chair's track when they chair only one, and whatever the URL gives (the board's "add a
        session here" gives the room, day and times)."""
        initial = super().get_changeform_initial_data(request)
        if "conference" not in initial:
            edition = edition_for(request)
            if edition is not None:
                initial["conference"] = edition.pk
        if "track" not in initial and not services.is_organizer(request.user):
            tracks = list(services.tracks_for(request.user).values_list("pk", flat=True)[:2])
            if len(tracks) == 1:
                initial["track"] = tracks[0]
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["error_summary"] = error_summary(
            context["adminform"].form, context.get("inline_admin_formsets", [])
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    # Who sees what

    def has_import_permission(self, request):
        # An import may touch any track's sessions: organizers only.
        user = request.user
        return services.is_organizer(user) and user.has_perms(
            ["program.add_session", "program.change_session"]
        )

    def get_queryset(self, request):
        sessions = super().get_queryset(request).with_panel_count()
        if services.is_organizer(request.user):
            return sessions
        return sessions.filter(track__chairs=request.user)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return services.may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return services.may_edit(request.user, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "track":
            kwargs["queryset"] = services.tracks_for(request.user)
            kwargs["required"] = not services.is_organizer(request.user)
        if db_field.name == "room":
            kwargs["queryset"] = Room.objects.select_related("conference")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "topics":
            # Every topic of the tracks this user may choose: a topic that is not the chosen
            # track's is refused by the rule, in the rule's words.
            session = getattr(request, "_session_being_edited", None)
            topics = db_field.related_model.objects.select_related("track").filter(
                track__in=services.tracks_for(request.user)
            )
            if session is not None:
                topics = topics.filter(track__conference=session.conference_id)
            kwargs["queryset"] = topics.order_by("track__order", "order", "name")
            kwargs["widget"] = TopicCheckboxes
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The topics offered are those of the session's own edition.
        request._session_being_edited = obj
        form = super().get_form(request, obj, change=change, **kwargs)
        form.acting_user = request.user
        return form

    # Saving goes through the services, once, with the panel, topics and languages as submitted

    def save_model(self, request, obj, form, change):
        """Saved with its panel by save_related, in one call to the services."""

    def save_related(self, request, form, formsets, change):
        panel_formsets = [each for each in formsets if isinstance(each, PanelFormSet)]
        data = form.cleaned_data
        related = services.Related(
            topics=list(data["topics"]) if "topics" in data else None,
            languages=list(data["languages"]) if "languages" in data else None,
            interpretation=(
                list(data["interpretation_languages"])
                if "interpretation_languages" in data
                else None
            ),
            panel=panel_formsets[0].panel() if panel_formsets else None,
        )
        try:
            services.session_save(user=request.user, session=form.instance, related=related)
        except (ValidationError, PermissionDenied, StaleSessionError) as error:
            raise ChangeRefused(error) from error
        for formset in formsets:
            # What construct_change_message reads; the services saved the panel.
            formset.new_objects = formset.changed_objects = formset.deleted_objects = []
        session = form.instance
        if session.status == Session.Status.DRAFT:
            visible = (
                Session.objects.filter(pk__in=services.editable_sessions(request.user).values("pk"))
                | Session.objects.public()
            )
            for warning in rules.draft_clash_warnings(session, visible=visible):
                self.message_user(request, linked_message(warning, request.user), messages.WARNING)

    def construct_change_message(self, request, form, formsets, add=False):
        message = super().construct_change_message(request, form, [], add)
        if any(formset.has_changed() for formset in formsets):
            message.append({"changed": {"fields": [str(_("panel"))]}})
        return message

    def delete_model(self, request, obj):
        services.session_delete(user=request.user, session=obj)

    def delete_queryset(self, request, queryset):
        for session in queryset:
            services.session_delete(user=request.user, session=session)

    # Times in the edition's zone

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        session = self.get_object(request, unquote(object_id)) if object_id else None
        edition = edition_for(request, session)
        with timezone.override(edition.tzinfo if edition else None):
            try:
                return rendered(
                    super().changeform_view(request, object_id, form_url, extra_context)
                )
            except ChangeRefused as refusal:
                # Someone changed the program between the form's check and the save: nothing
                # of this change was kept.
                self.message_user(
                    request, message_list(refusal.error, request.user), messages.ERROR
                )
                return HttpResponseRedirect(request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        edition = edition_for(request)
        with timezone.override(edition.tzinfo if edition else None):
            extra_context = {
                **(extra_context or {}),
                "edition": edition,
                "edition_time_zone": edition.time_zone if edition else "",
                "may_release": services.may_release(request.user),
                "has_import_permission": self.has_import_permission(request),
            }
            return rendered(super().changelist_view(request, extra_context))

    def history_view(self, request, object_id, extra_context=None):
        with timezone.override(self.zone_of(request, object_id)):
            return rendered(super().history_view(request, object_id, extra_context))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A version of the session, what restoring it changes, and a button that restores it
        through the services (the rules and rights of any change apply)."""
        session, record = self.history_record(request, object_id, version_id)
        if not self.has_change_permission(request, session):
            raise PermissionDenied
        plan = services.restore_plan(record)
        if request.method == "POST":
            try:
                services.session_restore(user=request.user, record=record)
            except (ValidationError, PermissionDenied, StaleSessionError) as error:
                self.message_user(request, message_list(error, request.user), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("“%(session)s” was restored to its version of %(when)s.")
                    % {"session": plan.session, "when": self.version_label(record)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:program_session_change", args=[session.pk])
                )
        with timezone.override(session.conference.tzinfo):
            return rendered(
                TemplateResponse(
                    request,
                    "admin/program/session/restore.html",
                    {
                        **self.admin_site.each_context(request),
                        "opts": self.model._meta,
                        "title": _("Restore “%(session)s”") % {"session": session},
                        "session": session,
                        "record": record,
                        "version_label": self.version_label(record),
                        "differences": restore_differences(session, plan),
                        "has_snapshot": bool(record.related_snapshot),
                        "missing": plan.missing,
                    },
                )
            )

    def delete_view(self, request, object_id, extra_context=None):
        with timezone.override(self.zone_of(request, object_id)):
            return rendered(super().delete_view(request, object_id, extra_context))

    def zone_of(self, request, object_id):
        session = self.get_object(request, unquote(object_id))
        edition = edition_for(request, session)
        return edition.tzinfo if edition else None

    def version_label(self, record):
        return date_format(timezone.localtime(record.history_date), "DATETIME_FORMAT")

    @admin.display(description=_("topics, languages and panel"))
    def related_summary(self, record):
        stored = record.related_snapshot or {}
        if not stored:
            return gettext("Not recorded for this version.")
        panel = ", ".join(
            f"{seat['name']} ({PanelMembership.Role(seat['role']).label})"
            for seat in stored.get("panel", [])
        )
        topics = ", ".join(name for _pk, name in stored.get("topics", []))
        return format_html(
            "{}: {}<br>{}: {}",
            gettext("Panel"),
            panel or "—",
            gettext("Topics"),
            topics or "—",
        )

    @admin.display(description=_("when"), ordering="starts_at")
    def when(self, session):
        """“Mon, Dec 15 10:00–11:15”: the zone is said once, above the list."""
        starts = timezone.localtime(session.starts_at, session.conference.tzinfo)
        ends = timezone.localtime(session.ends_at, session.conference.tzinfo)
        return f"{date_format(starts, str(rules.DAY_FORMAT))} {starts:%H:%M}–{ends:%H:%M}"

    @admin.display(description=_("panel"), ordering="panel_count")
    def panel_size(self, session):
        return session.panel_count

    @admin.display(description=_("track"), ordering="track__order")
    def short_track(self, session):
        short, full = admin_views.short_track_name(session.track)
        return format_html(
            '<span title="{}"><span aria-hidden="true">{}</span>'
            '<span class="visually-hidden">{}</span></span>',
            full,
            short,
            full,
        )

    def get_list_display(self, request):
        return [
            *super().get_list_display(request),
            "to_translate",
            conflicts_column(self, request),
        ]

    # Drafts are previewed inside the admin, never on the public site

    def get_view_on_site_url(self, obj=None):
        if obj is None or obj.pk is None:
            return None
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("admin:program_session_preview", args=[obj.pk])

    @admin.display(description=_("to translate"))
    def to_translate(self, session):
        """The languages a session's title or description is missing in ("es"), or "—"."""
        missing = [code for code, _name in OTHER_LANGUAGES if session.to_translate_in(code)]
        return ", ".join(missing) or "—"

    def translation_status(self, request):
        """Per track of the current edition that this user may see: its sessions, and how
        many still lack a title or description in each other language (the admin's index)."""
        edition = Conference.objects.current()
        if edition is None or not self.has_view_permission(request):
            return None
        sessions = self.get_queryset(request).filter(conference=edition)
        counts = {
            "total": Count("pk"),
            **{
                code: Count("pk", filter=Session.to_translate_condition(code))
                for code, _name in OTHER_LANGUAGES
            },
        }
        by_track = {
            row["track"]: row for row in sessions.order_by().values("track").annotate(**counts)
        }
        changelist = reverse("admin:program_session_changelist")
        rows = []
        tracks = [*services.tracks_for(request.user).filter(conference=edition), None]
        for track in tracks:
            row = by_track.get(track.pk if track else None)
            if row is None:
                continue
            query = f"track__id__exact={track.pk}" if track else "track__isnull=True"
            rows.append(
                {
                    "track": capfirst(track.name) if track else _("All tracks"),
                    "total": row["total"],
                    "missing": [
                        (
                            row[code],
                            f"{changelist}?conference__id__exact={edition.pk}&{query}"
                            f"&to_translate={code}",
                        )
                        for code, _name in OTHER_LANGUAGES
                    ],
                }
            )
        return {"edition": edition, "languages": translated_language_names(), "rows": rows}

    def index_tools(self, request):
        """The board and the conflicts, for the admin's index (niic.admin_site)."""
        if not self.has_view_permission(request):
            return []
        return [
            {
                "name": _("Schedule board"),
                "url": reverse("admin:program_session_board"),
                "description": _(
                    "Rooms by time, day by day: move sessions, add one in a free slot."
                ),
            },
            {
                "name": _("Conflicts"),
                "url": reverse("admin:program_session_conflicts"),
                "description": _("Every room and speaker clash of an edition, and what it blocks."),
            },
        ]

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
            path(
                "release/",
                self.admin_site.admin_view(partial(admin_views.release, model_admin=self)),
                name="program_session_release",
            ),
            path(
                "import/",
                self.admin_site.admin_view(partial(admin_import.session_import, model_admin=self)),
                name="program_session_import",
            ),
            path(
                "<int:session_id>/move/",
                self.admin_site.admin_view(partial(admin_views.move, model_admin=self)),
                name="program_session_move",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, session_id):
        session = self.get_object(request, str(session_id))
        if session is None or not self.has_view_or_change_permission(request, session):
            raise Http404
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

    # Actions: each shows what it will do to every selected session, then does all or nothing

    def preview_action(
        self, request, queryset, *, change, name, title, intro, button, done, form=None
    ):
        """The preview page of an action, and on its confirmation the change itself.

        `change(sessions, dry_run)` is a services function bound to its arguments; `done(count)`
        the success message."""
        sessions = list(queryset.select_related("conference", "track", "room"))
        ready = form is None or form.is_valid()
        outcomes = None
        if ready and request.POST.get("apply") == "1":
            try:
                outcomes = change(sessions, dry_run=False)
            except services.Refused as refusal:
                outcomes = refusal.outcomes
                self.message_user(
                    request,
                    _("Nothing was changed: the program changed since the preview. See why below."),
                    messages.ERROR,
                )
            else:
                self.message_user(request, done(len(outcomes)), messages.SUCCESS)
                return None
        elif ready:
            outcomes = change(sessions, dry_run=True)
        refused = outcomes is not None and any(not outcome.ok for outcome in outcomes)
        rows = []
        if outcomes is not None:
            for outcome in outcomes:
                rows.append(
                    {
                        "session": outcome.session,
                        "messages": [
                            linked_message(error, request.user) for error in outcome.errors
                        ],
                    }
                )
        edition = sessions[0].conference if sessions else None
        with timezone.override(edition.tzinfo if edition else None):
            return rendered(
                TemplateResponse(
                    request,
                    "admin/program/session/action_preview.html",
                    {
                        **self.admin_site.each_context(request),
                        "title": title,
                        "intro": intro,
                        "button": button,
                        "action": name,
                        "sessions": sessions,
                        "rows": rows,
                        "form": form,
                        "ready": ready and outcomes is not None,
                        "refused": refused,
                        "opts": self.model._meta,
                        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    },
                )
            )

    @admin.action(description=_("Publish the selected sessions"), permissions=["change"])
    def publish(self, request, queryset):
        return self.preview_action(
            request,
            queryset,
            change=partial(self.run_publish, request.user),
            name="publish",
            title=_("Publish sessions"),
            intro=_(
                "Each session below is checked against the rules as if all of them were "
                "published together. Either all are published, or none."
            ),
            button=_("Publish all"),
            done=lambda count: (
                ngettext("%(count)d session published.", "%(count)d sessions published.", count)
                % {"count": count}
            ),
        )

    @staticmethod
    def run_publish(user, sessions, dry_run):
        return services.sessions_publish(user=user, sessions=sessions, dry_run=dry_run)

    @admin.action(description=_("Return the selected sessions to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        return self.preview_action(
            request,
            queryset,
            change=lambda sessions, dry_run: services.sessions_return_to_draft(
                user=request.user, sessions=sessions, dry_run=dry_run
            ),
            name="return_to_draft",
            title=_("Return sessions to draft"),
            intro=_(
                "Drafts are not on the public site: these sessions will disappear from the "
                "schedule, search and calendar feeds until they are published again."
            ),
            button=_("Return all to draft"),
            done=lambda count: (
                ngettext(
                    "%(count)d session returned to draft.",
                    "%(count)d sessions returned to draft.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Cancel the selected sessions"), permissions=["change"])
    def cancel(self, request, queryset):
        form = CancelForm(request.POST if "confirm" in request.POST else None)
        return self.preview_action(
            request,
            queryset,
            change=lambda sessions, dry_run: services.sessions_cancel(
                user=request.user,
                sessions=sessions,
                note=form.cleaned_data["note"],
                dry_run=dry_run,
            ),
            name="cancel",
            title=_("Cancel sessions"),
            intro=_(
                "A cancelled session stays on the public site, marked as cancelled, with the "
                "note below; calendars strike it out. Only published sessions can be cancelled."
            ),
            button=_("Cancel all"),
            done=lambda count: (
                ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", count)
                % {"count": count}
            ),
            form=form,
        )

    @admin.action(description=_("Duplicate the selected sessions as drafts"), permissions=["add"])
    def duplicate(self, request, queryset):
        return self.preview_action(
            request,
            queryset,
            change=lambda sessions, dry_run: services.sessions_duplicate(
                user=request.user, sessions=sessions, dry_run=dry_run
            ),
            name="duplicate",
            title=_("Duplicate sessions"),
            intro=_("Each session is copied, with its panel, topics and languages, as a draft."),
            button=_("Duplicate all"),
            done=lambda count: (
                ngettext("%(count)d draft copy made.", "%(count)d draft copies made.", count)
                % {"count": count}
            ),
        )

    @admin.action(
        description=_("Move the selected sessions to another track"), permissions=["change"]
    )
    def move_to_track(self, request, queryset):
        editions = set(queryset.values_list("conference", flat=True))
        form = MoveToTrackForm(request.POST if "confirm" in request.POST else None)
        form.fields["track"].queryset = services.tracks_for(request.user).filter(
            conference__in=editions
        )
        return self.preview_action(
            request,
            queryset,
            change=lambda sessions, dry_run: services.sessions_move_to_track(
                user=request.user,
                sessions=sessions,
                track=form.cleaned_data["track"],
                dry_run=dry_run,
            ),
            name="move_to_track",
            title=_("Move sessions to another track"),
            intro=_(
                "These sessions will move to the track you choose. Their topics will be "
                "cleared, since topics belong to a track."
            ),
            button=_("Move all"),
            done=lambda count: (
                ngettext(
                    "%(count)d session moved; its topics were cleared, since topics belong to a "
                    "track.",
                    "%(count)d sessions moved; their topics were cleared, since topics belong to a "
                    "track.",
                    count,
                )
                % {"count": count}
            ),
            form=form,
        )


class CancelForm(forms.Form):
    confirm = forms.CharField(widget=forms.HiddenInput, initial="1")
    note = forms.CharField(
        label=_("Note for attendees (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with each cancelled session, e.g. where to go instead."),
    )


class MoveToTrackForm(forms.Form):
    confirm = forms.CharField(widget=forms.HiddenInput, initial="1")
    track = forms.ModelChoiceField(queryset=None, label=_("Move to track"))


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

admin.site.unregister(Track)


@admin.register(Track)
class ProgramTrackAdmin(GuardedHistoryAdmin, TrackAdmin):
    def restore(self, request, record):
        return track_restore(user=request.user, record=record)


admin.site.unregister(Speaker)


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Speaker.objects.none(),
        widget=forms.RadioSelect,
        label=_("Keep this record; the others are merged into it and deleted"),
    )


def sessions_of_speaker(speaker, user):
    """The speaker's sessions this user may see: public ones, and drafts they may edit."""
    seats = [
        seat
        for seat in speaker.panel_memberships.select_related(
            "session__conference", "session__track"
        ).order_by("session__starts_at")
        if services.may_see(user, seat.session)
    ]
    if not seats:
        return gettext("No sessions yet.")
    return ", ".join(
        f"{seat.session} ({seat.session.conference.short_name} "
        f"{seat.session.conference.year}, {seat.get_role_display()})"
        for seat in seats
    )


@admin.register(Speaker)
class ProgramSpeakerAdmin(GuardedHistoryAdmin, SpeakerAdmin):
    actions = ["merge_duplicates"]

    def restore(self, request, record):
        return speaker_restore(user=request.user, record=record)

    readonly_fields = ["sessions_list"]

    def get_object(self, request, object_id, from_field=None):
        speaker = super().get_object(request, object_id, from_field)
        if speaker is not None:
            # The ModelAdmin serves every request; the reader travels with the object.
            speaker.admin_reader = request.user
        return speaker

    @admin.display(description=_("sessions"))
    def sessions_list(self, speaker):
        return sessions_of_speaker(speaker, speaker.admin_reader)

    @admin.action(description=_("Merge the selected duplicates"), permissions=["change", "delete"])
    def merge_duplicates(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, _("Select at least two speakers to merge."), messages.ERROR)
            return None
        form = MergeForm(request.POST if "keep" in request.POST else None)
        form.fields["keep"].queryset = queryset
        if form.is_valid():
            kept = form.cleaned_data["keep"]
            try:
                services.speakers_merge(
                    user=request.user, keep=kept, duplicates=list(queryset.exclude(pk=kept.pk))
                )
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    format_html(
                        _("Not merged: {reasons}"), reasons=message_list(error, request.user)
                    ),
                    messages.ERROR,
                )
                return None
            self.message_user(
                request,
                _("Merged into “%(name)s”; every panel seat was kept.") % {"name": kept},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/speakers/speaker/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge duplicate speakers"),
                "speakers": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
