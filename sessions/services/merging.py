"""Merging the duplicate records of one person into one speaker.

A merge first makes a plan (`MergePlan`): for each session where one of the records not kept
sits, what happens to its panel, and why the merge would be refused, if it would. The preview
shows that plan; the merge writes it, in one transaction, giving each session it touches a new
version in its history."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from speakers.models import Speaker
from tracks.signals import program_changed

from .. import rules, texts
from ..models import PanelMembership, PublicSeat, Session
from .history import REASON_SPEAKERS_MERGED, Related, Seat
from .locks import lock_schedule
from .rights import NOT_ALLOWED
from .session import _write

# Fields of the kept record that a merge fills from the duplicates when it has none.
MERGED_FIELDS = ["pronouns", "job_title", "organization", "bio", "photo", "website"]

# Where the merged records sat on one panel, the one seat left has the strongest of their roles:
# those who lead the session before those who speak in it, a panel's members last.
ROLES_STRONGEST_FIRST = [
    PanelMembership.Role.MODERATOR,
    PanelMembership.Role.FACILITATOR,
    PanelMembership.Role.KEYNOTE_SPEAKER,
    PanelMembership.Role.PRESENTER,
    PanelMembership.Role.PANELIST,
]

SEAT_MOVES = _("The seat of %(record)s moves over (%(role)s).")
SEATS_BECOME_ONE = ngettext_lazy(
    "%(count)d seat becomes one: %(role)s.", "%(count)d seats become one: %(role)s.", "count"
)


def strongest(roles):
    """The strongest of these roles (a role this module does not rank counts as the weakest)."""

    def rank(role):
        if role in ROLES_STRONGEST_FIRST:
            return ROLES_STRONGEST_FIRST.index(role)
        return len(ROLES_STRONGEST_FIRST)

    return min(roles, key=rank)


def role_label(role):
    """A role as a sentence shows it: “moderator”, “moderador”."""
    return str(PanelMembership.Role(role).label).lower()


def record_label(speaker):
    """A record in a message: its name and its slug, since duplicates often share the name."""
    return f"{speaker.name} ({speaker.slug})"


@dataclass
class SessionMerge:
    """What a merge does, or would do, to one session's panel."""

    session: Session
    seats: list  # the merged records' seats on it now, PanelMemberships in panel order
    keep: Speaker
    errors: list = field(default_factory=list)  # why the merge is refused, as ValidationErrors

    @property
    def role(self):
        return strongest([seat.role for seat in self.seats])

    @property
    def order(self):
        return min(seat.order for seat in self.seats)

    @property
    def joins(self):
        """Did more than one of the records sit on this panel?"""
        return len(self.seats) > 1

    @property
    def moves(self):
        return [seat for seat in self.seats if seat.speaker_id != self.keep.pk]

    @property
    def description(self):
        if self.joins:
            return SEATS_BECOME_ONE % {"count": len(self.seats), "role": role_label(self.role)}
        seat = self.seats[0]
        return SEAT_MOVES % {"record": record_label(seat.speaker), "role": role_label(seat.role)}


@dataclass
class MergePlan:
    """A merge of `duplicates` into `keep`: the sessions it changes, the empty fields of `keep`
    it fills (name: value), and why it is refused (a clash), if it is."""

    keep: Speaker
    duplicates: list
    sessions: list  # [SessionMerge], in time order
    filled: dict

    @property
    def errors(self):
        return [error for change in self.sessions for error in change.errors]

    @property
    def ok(self):
        return not self.errors

    @property
    def changes(self):
        """The sessions whose panel changes (a session may only be named by a refusal)."""
        return [change for change in self.sessions if change.moves]

    @property
    def seats_moved(self):
        return sum(1 for change in self.changes if not change.joins)

    @property
    def joined(self):
        return [change for change in self.changes if change.joins]

    @property
    def filled_labels(self):
        return [str(Speaker._meta.get_field(name).verbose_name) for name in self.filled]


def may_merge(user):
    return (
        user.is_active
        and user.has_perm("speakers.change_speaker")
        and user.has_perm("speakers.delete_speaker")
    )


def richer_first(speakers):
    """The records, the richest first: the most filled fields and sessions together, then the
    most sessions, then the oldest record. Reads `seat_count` if the records carry it."""

    def richness(speaker):
        filled = sum(1 for name in MERGED_FIELDS if getattr(speaker, name))
        seats = getattr(speaker, "seat_count", None)
        if seats is None:
            seats = speaker.panel_memberships.count()
        return (-(filled + seats), -seats, speaker.pk)

    return sorted(speakers, key=richness)


def _plan(keep, duplicates):
    everyone = [keep, *duplicates]
    seats = list(
        PanelMembership.objects.filter(speaker__in=everyone)
        .select_related("session__conference", "speaker")
        .order_by("session__starts_at", "session_id", "order", "pk")
    )
    by_session = {}
    for seat in seats:
        by_session.setdefault(seat.session_id, []).append(seat)
    changes = {
        session_id: SessionMerge(session=session_seats[0].session, seats=session_seats, keep=keep)
        for session_id, session_seats in by_session.items()
    }
    # Once merged, the person sits on each of these sessions: of two published ones that
    # overlap, the one the kept record is not already on is refused, as any panel would be.
    published = [
        change.session
        for change in changes.values()
        if change.session.status == Session.Status.PUBLISHED
    ]
    for first, second in rules.overlapping_pairs(published):
        kept_on_second = any(seat.speaker_id == keep.pk for seat in changes[second.pk].seats)
        kept_on_first = any(seat.speaker_id == keep.pk for seat in changes[first.pk].seats)
        held, refused = (second, first) if kept_on_second and not kept_on_first else (first, second)
        changes[refused.pk].errors.append(rules.speaker_taken(keep, held))
    filled = {}
    for duplicate in duplicates:
        for name in MERGED_FIELDS:
            if not getattr(keep, name) and name not in filled and getattr(duplicate, name):
                filled[name] = getattr(duplicate, name)
    return MergePlan(
        keep=keep,
        duplicates=duplicates,
        sessions=[change for change in changes.values() if change.moves or change.errors],
        filled=filled,
    )


def speakers_merge_preview(*, user, keep, duplicates):
    """What merging `duplicates` into `keep` would do (a MergePlan), without writing."""
    return speakers_merge(user=user, keep=keep, duplicates=duplicates, dry_run=True)


def speakers_merge(*, user, keep, duplicates, dry_run=False):
    """Merge duplicate records of one person into `keep`; returns the MergePlan it carried out.

    Every panel seat of every duplicate moves over; where several of the records sat on one
    panel they become one seat, with the strongest of their roles and the earliest place in the
    panel's order. Each session so changed gets a new version in its history. Empty fields of
    `keep` are filled from the duplicates, then the duplicates are deleted. Refused (a
    ValidationError, nothing written) if the person would then sit on two overlapping
    published sessions. With `dry_run`, only the plan, refusals included, is returned."""
    if not may_merge(user):
        raise PermissionDenied(NOT_ALLOWED)
    duplicates = [duplicate for duplicate in duplicates if duplicate.pk != keep.pk]
    if dry_run:
        return _plan(keep, duplicates)
    with transaction.atomic():
        lock_schedule(speaker_ids=[speaker.pk for speaker in [keep, *duplicates]])
        plan = _plan(keep, duplicates)
        if not plan.ok:
            raise ValidationError(plan.errors)
        for change in plan.changes:
            session = Session.objects.get(pk=change.session.pk)
            merged = {seat.speaker_id for seat in change.seats}
            panel = [
                Seat(speaker=seat.speaker, role=seat.role, order=seat.order)
                for seat in session.panel.select_related("speaker")
                if seat.speaker_id not in merged
            ]
            panel.append(Seat(speaker=keep, role=change.role, order=change.order))
            # A new version of the session, with the panel it now has.
            _write(user, session, Related(panel=panel), REASON_SPEAKERS_MERGED)
        for name, value in plan.filled.items():
            setattr(keep, name, value)
        keep.full_clean(exclude=texts.translated_fields(Speaker))
        keep._history_user = user
        keep._change_reason = str(REASON_SPEAKERS_MERGED)
        keep.save()
        _released_seats_to(keep, duplicates)
        for duplicate in duplicates:
            duplicate._history_user = user
            duplicate._change_reason = str(REASON_SPEAKERS_MERGED)
            duplicate.delete()
    return plan


def _released_seats_to(keep, duplicates):
    """The released program names the same person by the kept record too: its seats would
    otherwise go with the deleted duplicates until the next release. One seat per panel."""
    kept_on = PublicSeat.objects.filter(speaker=keep).values("session_id")
    PublicSeat.objects.filter(speaker__in=duplicates, session_id__in=kept_on).delete()
    moved = PublicSeat.objects.filter(speaker__in=duplicates).update(speaker=keep)
    if moved:
        program_changed.send(sender=PublicSeat)


def records_for_merge(queryset):
    """The selected records with what tells them apart: organization and each one's seats,
    with their sessions, in time order (`seats`), and how many (`seat_count`)."""
    seats = PanelMembership.objects.select_related("session__conference").order_by(
        "session__starts_at", "session_id"
    )
    records = list(
        queryset.select_related("organization").prefetch_related(
            Prefetch("panel_memberships", queryset=seats, to_attr="seats")
        )
    )
    for record in records:
        record.seat_count = len(record.seats)
    return richer_first(records)
