"""The session admin: the list, the form with its panel, and the tools beside them (the
conflicts, the board, the release and the import pages, wired in get_urls())."""

from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from modeltranslation.admin import TranslationAdmin
from modeltranslation.utils import get_translation_fields

from speakers.spreadsheets import SPREADSHEET_FORMATS

from .. import released, rules, services
from ..conflicts import Kind, chairs_named, survey
from ..models import PanelMembership, Room, Session, StaleSessionError
from ..resources import SessionResource
from . import board, imports, views
from .actions import SessionActions
from .csp import ExportPageCSPMixin
from .filters import (
    DayListFilter,
    PanelAnswersListFilter,
    UntranslatedSessions,
    language_names,
)
from .forms import WHAT_FIELDS, PanelFormSet, SessionAdminForm, TopicCheckboxes, error_summary
from .history import GuardedHistoryAdmin, labelled_time, restore_differences
from .messages import ChangeRefused, edition_for, linked_message, message_list, rendered
from .panels import (
    OTHER_LANGUAGES,
    PanelMembershipInline,
    annotated_answers,
    answer_counts,
    answers_text,
)


def conflicts_column(model_admin, request):
    """The session list's conflicts column, for this request: the kinds of conflict each
    session is in, among the sessions this user may see, surveyed once per edition listed
    (conflicts.survey: two light queries each, however many sessions)."""
    by_edition = {}

    def conflicts_of(session):
        if session.conference_id not in by_edition:
            found = {}
            for each in survey(model_admin.get_queryset(request), session.conference).found:
                for pk in (each.session_id, each.other_id):
                    if pk:
                        found.setdefault(pk, []).append(each)
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


def belongs_elsewhere(session):
    """What a track chair reads on a session they may see but not change."""
    if session.track is None:
        return gettext(
            "This session is common to all tracks: only organizers change it. You can read it here."
        )
    chairs = chairs_named(session.track)
    if not chairs:
        return gettext(
            "This session belongs to the track “%(track)s”, which has no chair yet: ask an "
            "organizer to change it. You can read it here."
        ) % {"track": session.track}
    return gettext(
        "This session belongs to the track “%(track)s”; ask its chair, %(chairs)s, to change "
        "it. You can read it here."
    ) % {"track": session.track, "chairs": chairs}


def translating_only(user, session):
    """Whether `user` may change `session` only as a translator (its texts in their language)."""
    if session.pk is None or services.may_edit(user, session):
        return False
    return services.may_translate(user, session)


# A session as read by those who may not change it, or only its texts (translators): the stored
# fields, its time in words instead of the form's day and clock times.
READING_FIELDSETS = [
    (
        _("What"),
        {
            "fields": [
                "conference",
                tuple(get_translation_fields("title")),
                "track",
                "topics",
                "format",
                tuple(get_translation_fields("description")),
            ]
        },
    ),
    (_("When and where"), {"fields": ["when", "room"]}),
    (
        _("Access and language"),
        {"fields": ["languages", "interpretation_languages", "has_cart", "has_asl"]},
    ),
    (_("Publication"), {"fields": ["status", tuple(get_translation_fields("cancellation_note"))]}),
]


@admin.register(Session)
class SessionAdmin(
    SessionActions, ExportPageCSPMixin, ExportMixin, TranslationAdmin, GuardedHistoryAdmin
):
    form = SessionAdminForm
    resource_classes = [SessionResource]
    export_formats = SPREADSHEET_FORMATS
    inlines = [PanelMembershipInline]
    # At 1,440 px every column shows: the conflicts column is added per request, since it
    # depends on what this user may see (get_list_display).
    list_display = [
        "title",
        "status",
        "when",
        "room",
        "short_track",
        "format",
        "panel_size",
    ]
    list_filter = [
        "conference",
        "track",
        DayListFilter,
        "room",
        "format",
        "status",
        "languages",
        UntranslatedSessions,
        PanelAnswersListFilter,
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
    actions = [
        "publish",
        "return_to_draft",
        "cancel",
        "duplicate",
        "move_to_track",
        "invite_speakers",
    ]
    change_list_template = "admin/program/session/change_list.html"
    history_list_display = ["related_summary"]
    change_form_template = "admin/program/session/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.reading(request, obj):
            return readonly
        user = request.user
        allowed = services.translation_fields(user, Session) if translating_only(user, obj) else ()
        return [
            *readonly,
            *(name for name in flatten_fieldsets(READING_FIELDSETS) if name not in allowed),
        ]

    def reading(self, request, obj):
        """Whether `obj` opens to be read, and to have at most its texts translated."""
        if obj is None or obj.pk is None:
            return False
        user = request.user
        return translating_only(user, obj) or not services.may_edit(user, obj)

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and translating_only(request.user, obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_fieldsets(self, request, obj=None):
        """In the order of the work: what, when and where, who (the panel, placed after these
        two by the template), access and language, publication. The sample data box only on
        sessions that are sample data: organizers never make new ones."""
        if self.reading(request, obj):
            return READING_FIELDSETS
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
        # released_version: how each session stands against the program attendees see (the
        # list's release column, the board's badges), and its seats' answers (the list's
        # answers column, the board's cards), in the same statement.
        sessions = (
            super()
            .get_queryset(request)
            .with_panel_count()
            .annotate(released_version=released.released_versions(), **answer_counts())
        )
        condition = services.visible_condition(request.user)
        return sessions if condition is None else sessions.filter(condition)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is not None and translating_only(request.user, obj):
            return True
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
        if self.reading(request, obj):
            # Texts at most: the day and clock times of SessionAdminForm are not on this form.
            kwargs["form"] = forms.ModelForm
        form = super().get_form(request, obj, change=change, **kwargs)
        form.acting_user = request.user
        return form

    # Saving goes through the services, once, with the panel, topics and languages as submitted

    def save_model(self, request, obj, form, change):
        """Saved with its panel by save_related, in one call to the services."""

    def save_related(self, request, form, formsets, change):
        if translating_only(request.user, form.instance):
            self.save_translation(request, form, formsets)
            return
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

    def save_translation(self, request, form, formsets):
        """A translator's change: the session's texts, with its panel, topics and languages as
        they are (the services refuse anything else)."""
        try:
            services.session_save(user=request.user, session=form.instance)
        except (ValidationError, PermissionDenied, StaleSessionError) as error:
            raise ChangeRefused(error) from error
        for formset in formsets:
            formset.new_objects = formset.changed_objects = formset.deleted_objects = []

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

    def get_object(self, request, object_id, from_field=None):
        session = super().get_object(request, object_id, from_field)
        if session is None and getattr(request, "_colleague_sessions_open", False):
            session = self.colleague_session(request, object_id)
        return session

    def colleague_session(self, request, object_id):
        """A public session of a track this user does not chair, to open read-only (only the
        change form does: its history may hold unpublished versions)."""
        if services.is_organizer(request.user) or not self.has_view_permission(request):
            return None
        try:
            pk = int(object_id)
        except (TypeError, ValueError):
            return None
        return Session.objects.public().select_related("conference", "track").filter(pk=pk).first()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        request._colleague_sessions_open = True
        session = self.get_object(request, unquote(object_id)) if object_id else None
        if session is not None and not self.has_change_permission(request, session):
            self.message_user(request, belongs_elsewhere(session), messages.INFO)
        if session is not None and (
            not self.has_change_permission(request, session)
            or translating_only(request.user, session)
        ):
            # Its history may hold versions from before it was public: no link to a closed page.
            extra_context = {**(extra_context or {}), "history_closed": True}
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
        edition = request._program_edition = edition_for(request)
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
        self.refuse_translators_history(request, object_id)
        with timezone.override(self.zone_of(request, object_id)):
            return rendered(super().history_view(request, object_id, extra_context))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """A version of the session, what restoring it changes, and a button that restores it
        through the services (the rules and rights of any change apply)."""
        self.refuse_translators_history(request, object_id)
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

    def refuse_translators_history(self, request, object_id):
        """A session's versions may be from before it was published: a translator, who sees
        public sessions only, does not read them."""
        session = self.get_object(request, unquote(object_id))
        if session is not None and translating_only(request.user, session):
            raise Http404

    def zone_of(self, request, object_id):
        session = self.get_object(request, unquote(object_id))
        edition = edition_for(request, session)
        return edition.tzinfo if edition else None

    def version_label(self, record):
        # On the edition's clock, as the history list shows it (its URLs run in that zone).
        return labelled_time(record.history_date)

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
        # Two parts, each kept whole, so that a narrow list puts the times under the day.
        return format_html(
            '<span class="program-when-part">{}</span> <span class="program-when-part">{}</span>',
            date_format(starts, str(rules.DAY_FORMAT)),
            f"{starts:%H:%M}–{ends:%H:%M}",
        )

    @admin.display(description=_("panel"), ordering="panel_count")
    def panel_size(self, session):
        return session.panel_count

    @admin.display(description=_("answers"))
    def panel_answers(self, session):
        """“2 confirmed · 1 invited · 1 declined”: the speakers' answers (get_queryset)."""
        return answers_text(annotated_answers(session))

    @admin.display(description=_("track"), ordering="track__order")
    def short_track(self, session):
        short, full = board.short_track_name(session.track)
        return format_html(
            '<span title="{}"><span aria-hidden="true">{}</span>'
            '<span class="visually-hidden">{}</span></span>',
            full,
            short,
            full,
        )

    def get_list_display(self, request):
        # The release column where changes wait for a release: not for an edition that
        # publishes each change at once (changelist_view notes the edition in view).
        edition = getattr(request, "_program_edition", None)
        gated = edition is not None and not edition.publishes_at_once
        # The answers column once the edition's speakers have been invited: before that it
        # would say "not invited" on every row, and take the width the other columns need.
        invited = getattr(request, "_program_edition_invited", None)
        if invited is None:  # asked more than once per request
            invited = request._program_edition_invited = edition is not None and (
                PanelMembership.objects.filter(session__conference=edition)
                .exclude(answer=PanelMembership.Answer.NOT_INVITED)
                .exists()
            )
        return [
            *super().get_list_display(request),
            *(["panel_answers"] if invited else []),
            *(["release_state"] if gated else []),
            "to_translate",
            conflicts_column(self, request),
        ]

    @admin.display(description=_("release"))
    def release_state(self, session):
        """Whether attendees see the session as it is: “released”, “not released”, “changed
        since release”, or “—” for a draft they never saw (get_queryset's released_version)."""
        state = views.release_state(session)
        if state is None:
            return "—"
        return format_html(
            '<span class="program-release-{}">{}</span>',
            state,
            views.RELEASE_STATE_LABELS[state],
        )

    # Drafts are previewed inside the admin, never on the public site

    def get_view_on_site_url(self, obj=None):
        if obj is None or obj.pk is None:
            return None
        if obj.is_public:
            return obj.get_absolute_url()
        return reverse("admin:program_session_preview", args=[obj.pk])

    @admin.display(description=_("to translate"))
    def to_translate(self, session):
        """The languages, by name in the admin's language, a session's title or description is
        missing in ("Spanish"), or "—"."""
        other = dict(OTHER_LANGUAGES)
        missing = [
            str(name)
            for code, name in language_names()
            if code in other and session.to_translate_in(code)
        ]
        return ", ".join(missing) or "—"

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
                self.admin_site.admin_view(partial(views.conflicts, model_admin=self)),
                name="program_session_conflicts",
            ),
            path(
                "board/",
                self.admin_site.admin_view(partial(board.board, model_admin=self)),
                name="program_session_board",
            ),
            path(
                "release/",
                self.admin_site.admin_view(partial(views.release, model_admin=self)),
                name="program_session_release",
            ),
            path(
                "release/<int:release_id>/withdraw/",
                self.admin_site.admin_view(partial(views.release_withdraw, model_admin=self)),
                name="program_session_release_withdraw",
            ),
            path(
                "import/",
                self.admin_site.admin_view(partial(imports.session_import, model_admin=self)),
                name="program_session_import",
            ),
            path(
                "<int:session_id>/move/",
                self.admin_site.admin_view(partial(board.move, model_admin=self)),
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
                    "languages": session.languages.all(),
                    "interpretation": session.interpretation_languages.all(),
                    "same_slot": [],
                    "json_ld": {},
                    "preview": True,
                },
            )
