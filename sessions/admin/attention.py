"""What needs attention, for the admin's home (niic.admin_site): for the user who asks, each
thing a count linked to the list that shows exactly those rows.

- in the edition in work (the current one): the conflicts (sessions.conflicts.survey, as the
  conflicts page counts them), the drafts, and, once the edition's speakers are invited, the
  sessions with seats not confirmed yet or declined (the session list's answers filter);
- per edition whose changes wait for a release: how many sessions differ from what attendees
  see (as sessions.released.pending counts them), linked to the release page for those who
  release;
- per kind of translated text and per language: the rows still missing a text in that language
  (the lists' "to translate" filter, sessions.admin.filters.untranslated_filter).

Every count is over the rows the user's list shows (each ModelAdmin's get_queryset): a track
chair counts their tracks' sessions. The whole costs the same few queries however large the
program: one query per kind of text, two for the conflicts, two for the releases."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from speakers.models import Organization, Speaker
from tracks.models import Conference, Topic, Track

from .. import services
from ..conflicts import Kind, survey
from ..models import PanelMembership, PublicSession, Room, Session
from ..services import rights
from .filters import (
    PanelAnswersListFilter,
    UntranslatedOrganizations,
    UntranslatedRooms,
    UntranslatedSessions,
    UntranslatedSpeakers,
    UntranslatedTopics,
    UntranslatedTracks,
    language_names,
)
from .messages import edition_for
from .views import release_url


@dataclass
class Counted:
    count: int
    text: str
    url: str | None = None


@dataclass
class TextKind:
    """A kind of translated text as the home lists it: its model, its list's filter, and the
    list parameter that confines the list to an edition (None: the kind is not an edition's)."""

    model: type
    untranslated: type
    edition_parameter: str | None

    @property
    def name(self):
        """“Sessions”, or “Speakers of every edition” for a kind no edition confines."""
        plural = capfirst(self.model._meta.verbose_name_plural)
        if self.edition_parameter:
            return plural
        return _("%(kind)s of every edition") % {"kind": plural}

    @property
    def texts(self):
        """“title, description”: the fields a row may lack, in words."""
        return ", ".join(
            str(self.model._meta.get_field(name).verbose_name)
            for name in self.untranslated.field_names
        )


TEXT_KINDS = [
    TextKind(Session, UntranslatedSessions, "conference__id__exact"),
    TextKind(Speaker, UntranslatedSpeakers, None),
    TextKind(Track, UntranslatedTracks, "conference__id__exact"),
    TextKind(Topic, UntranslatedTopics, "track__conference__id__exact"),
    TextKind(Room, UntranslatedRooms, "conference__id__exact"),
    TextKind(Organization, UntranslatedOrganizations, None),
]


@dataclass
class Attention:
    edition: Conference | None = None
    program: list = field(default_factory=list)  # [Counted]: conflicts, drafts, answers
    conflict_kinds: list = field(default_factory=list)  # [Counted] of the conflicts, by kind
    releases: list = field(default_factory=list)  # [Counted] per edition waiting for a release
    languages: list = field(default_factory=list)  # [(code, name)] of the translation table
    untranslated: list = field(default_factory=list)  # [(TextKind, [Counted per language])]

    @property
    def is_empty(self):
        return not (self.program or self.releases or self.untranslated)


def needs_attention(request, admin_site):
    """What needs attention for this request's user, as the admin's home shows it."""
    attention = Attention(edition=edition_for(request))
    session_admin = admin_site._registry.get(Session)
    # The program's state is for those who may act on it (organizers, track chairs), not for
    # translators, who read the sessions only to translate them.
    sees_sessions = session_admin is not None and session_admin.has_change_permission(request)
    languages = translated_languages(request.user)
    kinds = [kind for kind in TEXT_KINDS if translates(request, admin_site, kind, languages)]
    if sees_sessions:
        attention.releases = waiting_for_release(request, session_admin)
    if attention.edition is None:
        return attention
    untranslated_sessions = {}
    if sees_sessions:
        untranslated_sessions = program_counts(
            request,
            session_admin,
            attention,
            languages if any(kind.model is Session for kind in kinds) else [],
        )
    attention.languages = [(code, name) for code, name in language_names() if code in languages]
    for kind in kinds:
        if kind.model is Session and sees_sessions:
            counts = untranslated_sessions
        else:
            counts = untranslated_counts(request, admin_site, kind, attention.edition, languages)
        changelist = reverse(
            f"admin:{kind.model._meta.app_label}_{kind.model._meta.model_name}_changelist"
        )
        edition = (
            f"{kind.edition_parameter}={attention.edition.pk}&" if kind.edition_parameter else ""
        )
        cells = [
            Counted(
                counts[code],
                str(name),
                f"{changelist}?{edition}{kind.untranslated.parameter_name}={code}",
            )
            for code, name in attention.languages
        ]
        attention.untranslated.append((kind, cells))
    return attention


def translated_languages(user):
    """The languages whose missing texts this user is shown: every site language for those
    who write the program (organizers, track chairs), a translator's own languages
    (sessions.rights.translator_languages) for a translator."""
    if services.is_organizer(user) or rights.chaired_track_ids(user):
        return [code for code, _name in settings.LANGUAGES]
    own = rights.translator_languages(user)
    return [code for code, _name in settings.LANGUAGES if code in own]


def translates(request, admin_site, kind, languages):
    """Is `kind` counted for this user: organizers and translators, every kind they see; a
    track chair, who writes only sessions, the sessions of their tracks."""
    model_admin = admin_site._registry.get(kind.model)
    if not languages or model_admin is None or not model_admin.has_view_permission(request):
        return False
    user = request.user
    if services.is_organizer(user) or rights.translator_languages(user):
        return True
    return kind.model is Session


def program_counts(request, session_admin, attention, languages):
    """Fills attention.program and attention.conflict_kinds for the edition in work; returns
    {language: sessions missing a title or description in it}. Four queries."""
    edition = attention.edition
    listed = session_admin.get_queryset(request).filter(conference=edition)
    answers = PanelAnswersListFilter
    invited = PanelMembership.objects.filter(session=OuterRef("pk")).exclude(
        answer=PanelMembership.Answer.NOT_INVITED
    )
    counts = Session.objects.filter(pk__in=listed.values("pk")).aggregate(
        drafts=Count("pk", filter=Q(status=Session.Status.DRAFT)),
        unconfirmed=Count("pk", filter=answers.condition(answers.UNCONFIRMED)),
        declined=Count("pk", filter=answers.condition(answers.DECLINED)),
        **{
            f"untranslated_{code}": Count("pk", filter=UntranslatedSessions.condition(code))
            for code in languages
        },
    )
    # The answers are counted once the edition's speakers are invited, as the list's answers
    # column shows then: before, every seat would count as "not confirmed yet".
    edition_invited = Session.objects.filter(conference=edition).filter(Exists(invited)).exists()

    found = survey(listed, edition)
    conflicts_url = f"{reverse('admin:program_session_conflicts')}?edition={edition.slug}"
    changelist = f"{reverse('admin:program_session_changelist')}?conference__id__exact={edition.pk}"
    program = [
        Counted(
            len(found),
            ngettext(
                "%(count)s conflict in the program",
                "%(count)s conflicts in the program",
                len(found),
            )
            % {"count": len(found)},
            conflicts_url,
        ),
        Counted(
            counts["drafts"],
            ngettext(
                "%(count)s draft, not yet in the program",
                "%(count)s drafts, not yet in the program",
                counts["drafts"],
            )
            % {"count": counts["drafts"]},
            f"{changelist}&status__exact={Session.Status.DRAFT}",
        ),
    ]
    if edition_invited:
        program += [
            Counted(
                counts["unconfirmed"],
                ngettext(
                    "%(count)s session with speakers not confirmed yet",
                    "%(count)s sessions with speakers not confirmed yet",
                    counts["unconfirmed"],
                )
                % {"count": counts["unconfirmed"]},
                f"{changelist}&{answers.parameter_name}={answers.UNCONFIRMED}",
            ),
            Counted(
                counts["declined"],
                ngettext(
                    "%(count)s session with a speaker who declined",
                    "%(count)s sessions with a speaker who declined",
                    counts["declined"],
                )
                % {"count": counts["declined"]},
                f"{changelist}&{answers.parameter_name}={answers.DECLINED}",
            ),
        ]
    attention.program = program
    by_kind = {kind: len(found.filtered(kind=kind)) for kind in (Kind.ROOM, Kind.SPEAKER)}
    attention.conflict_kinds = [
        Counted(
            by_kind[Kind.ROOM],
            ngettext(
                "%(count)s room double-booked",
                "%(count)s rooms double-booked",
                by_kind[Kind.ROOM],
            )
            % {"count": by_kind[Kind.ROOM]},
            f"{conflicts_url}&kind={Kind.ROOM}",
        ),
        Counted(
            by_kind[Kind.SPEAKER],
            ngettext(
                "%(count)s speaker double-booked",
                "%(count)s speakers double-booked",
                by_kind[Kind.SPEAKER],
            )
            % {"count": by_kind[Kind.SPEAKER]},
            f"{conflicts_url}&kind={Kind.SPEAKER}",
        ),
    ]
    return {code: counts[f"untranslated_{code}"] for code in languages}


def untranslated_counts(request, admin_site, kind, edition, languages):
    """{language: rows of `kind`'s list still missing a text in it}. One query."""
    listed = admin_site._registry[kind.model].get_queryset(request)
    if kind.edition_parameter:
        listed = listed.filter(**{kind.edition_parameter.removesuffix("__id__exact"): edition})
    return kind.model._default_manager.filter(pk__in=listed.values("pk")).aggregate(
        **{code: Count("pk", filter=kind.untranslated.condition(code)) for code in languages}
    )


def waiting_for_release(request, session_admin):
    """[Counted] per edition whose working program differs from what attendees see, newest
    first: the sessions new, changed or removed since the release in force (as
    sessions.released.pending tells them), among those of this user's list. Two queries."""
    listed = session_admin.get_queryset(request)
    public = Session.objects.public().filter(pk__in=listed.values("pk"))
    gated = Q(conference__publishes_at_once=False)
    released_as_is = PublicSession.objects.filter(
        pk=OuterRef("pk"), conference=OuterRef("conference"), version=OuterRef("version")
    )
    new_or_changed = (
        public.filter(gated)
        .exclude(Exists(released_as_is))
        .order_by()
        .values_list("conference")
        .annotate(count=Count("pk"))
    )
    still_public = Session.objects.public().filter(
        pk=OuterRef("pk"), conference=OuterRef("conference")
    )
    removed = PublicSession.objects.filter(gated).exclude(Exists(still_public))
    if not services.is_organizer(request.user):
        # A session no longer in the working program is counted for the track it had.
        removed = removed.filter(track__in=services.tracks_for(request.user))
    removed = removed.order_by().values_list("conference").annotate(count=Count("pk"))
    counts = {}
    for edition_id, count in [*new_or_changed, *removed]:
        counts[edition_id] = counts.get(edition_id, 0) + count
    if not counts:
        return []
    may_release = services.may_release(request.user)
    editions = Conference.objects.filter(pk__in=counts).order_by("-start_date", "slug")
    return [
        Counted(
            counts[edition.pk],
            ngettext(
                "%(edition)s: %(count)s change waits for a release.",
                "%(edition)s: %(count)s changes wait for a release.",
                counts[edition.pk],
            )
            % {"edition": edition, "count": counts[edition.pk]},
            release_url(edition) if may_release else None,
        )
        for edition in editions
    ]
