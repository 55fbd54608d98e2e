"""E-mail to speakers about their seats: invitations, word of what a release changed for them,
and reminders of unanswered invitations.

Each message is written here, in the speaker's preferred language and on the edition's clock
(a time always says its zone), and queued by speakers.mail, which the task worker sends (a
mail server that is down delays it and loses nothing). A message that speaks of one release
or one invitation round is once-only (Message.key). Only speakers with an e-mail address get
anything.

Who may invite: organizers, anyone; a track chair, the speakers on the panels of the sessions
of the tracks they chair, and only to those seats. Revoking sign-in links is for organizers.
Word of a release goes out by itself when a release commits (sessions.notifications)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from speakers import mail
from speakers.models import Message, Speaker

from ..models import PanelMembership, Release, Session
from ..releases import NO_ROOM, in_page_language
from ..rules import slot_label
from .rights import NOT_ALLOWED, is_organizer, may_edit

INVITED = PanelMembership.Answer.INVITED
NOT_INVITED = PanelMembership.Answer.NOT_INVITED
CANCELLED = Session.Status.CANCELLED

REASON_INVITED = _("Speaker invited")
NOTHING_TO_INVITE = _("Choose speakers or sessions to invite.")
INVITE_ONLY_YOUR_TRACKS = _(
    "You may invite only the speakers of the sessions of the tracks you chair, not: %(names)s."
)
REVOKE_ORGANIZERS_ONLY = _("Only organizers may revoke speakers' sign-in links.")

# The texts of the messages. Plain text; every one is translated, and %(…)s filled in the
# speaker's language.
DEAR = _("Dear %(name)s,")
SIGNED = _("The organizers of %(edition)s")
INVITATION_SUBJECT = _("Invitation to speak at %(edition)s")
INVITATION_INTRO = _("You are invited to speak at %(edition)s.")
CHANGES_SUBJECT = _("Changes to your sessions at %(edition)s")
CHANGES_INTRO = _("The program of %(edition)s has changed (release %(release)s). For you:")
RELEASE_NOTE = _("The organizers' note: %(note)s")
REMINDER_SUBJECT = _("Reminder: your invitation to speak at %(edition)s")
REMINDER_INTRO = _(
    "You were invited to speak at %(edition)s and have not yet answered for these sessions:"
)
ANSWER_ON_YOUR_PAGE = _(
    "Please confirm or decline each session on your page, where you can also update your "
    "profile (name, bio, photo and the language of these e-mails):"
)
YOUR_PAGE = _("Your page, with all your sessions:")
PERSONAL_LINK = _(
    "This link is yours alone: please do not share it. It works for %(days)s days; your page "
    "sends you a new one whenever you ask."
)
WHEN = _("When: %(slot)s")
ROOM = _("Room: %(room)s")
YOUR_ROLE = _("Your role: %(role)s")
WITH = _("With: %(speakers)s")
ALONE = _("With: no other speaker yet")
MOVED = _("Moved: now %(after)s (before: %(before)s).")
RETITLED = _("New title (before: %(before)s).")
CANCELLED_LINE = _("Cancelled.")
CANCELLED_NOTE = _("Note for attendees: %(note)s")
REMOVED = _("Removed from the program.")
PANEL_CHANGED = _("The panel changed: now %(after)s.")
OFF_THE_PANEL = _("You are no longer on its panel.")


def speakers_invite(*, user, speakers=None, sessions=None):
    """Invite `speakers` (to their seats in editions not yet over) and/or every speaker of
    `sessions` (to their seats there): each speaker with an e-mail address gets one invitation
    in their language naming each seat's session (title, day and time with the zone, room, role,
    fellow panelists) with a personal sign-in link, and a sign-in account if they had none; the
    seats not yet answered become "invited" (a confirmed or declined seat keeps its answer).
    Cancelled sessions are left out. Returns how many invitations it queued: a speaker without
    an address gets none (the caller counts them, to say so)."""
    if not (user.is_active and user.is_staff):
        raise PermissionDenied(NOT_ALLOWED)
    speakers, sessions = list(speakers or []), list(sessions or [])
    if not speakers and not sessions:
        raise ValidationError(NOTHING_TO_INVITE)
    wanted = Q(session__in=sessions) | Q(speaker__in=speakers, session__conference__in=_not_over())
    seats = list(_seats(PanelMembership.objects.filter(wanted)))
    if not is_organizer(user):
        seats = _seats_a_chair_may_invite(user, seats, speakers, sessions)
    fellows = _fellows(seats)
    queued = 0
    with transaction.atomic():
        for speaker, speaker_seats in _by_speaker(seats).values():
            if speaker.email:
                _invite_seats(user, speaker_seats)
                queued += bool(_queue_invitation(speaker, speaker_seats, fellows))
    return queued


def speaker_links_revoke(*, user, speakers):
    """Make every sign-in link of `speakers` invalid at once (a lost or forwarded e-mail): their
    account's password hash, which each link is signed with, changes. A new invitation, or the
    speaker's own request on the sign-in page, gives a new link. Organizers only. Returns how
    many accounts it changed."""
    if not (is_organizer(user) and user.is_staff):
        raise PermissionDenied(REVOKE_ORGANIZERS_ONLY)
    accounts = get_user_model().objects.filter(speaker_profile__in=list(speakers))
    with transaction.atomic():
        for account in accounts:
            account.set_unusable_password()
            account.save(update_fields=["password"])
    return len(accounts)


def notify_release(release):
    """Tell each speaker what `release` changed for them, in one e-mail (once per release):
    their sessions moved (with the new day, time and room), retitled, cancelled or removed, a
    panel they stay on changed, or their seat taken off it. A speaker newly on a released panel
    gets an invitation to that seat instead, if the seat was not invited yet (and the account
    and seat marks that go with it); an edition's first release is such news for every panel.

    Who hears: every speaker with an e-mail address on the seats concerned, as released before
    and after, whether or not they were invited or have answered (their name is public either
    way, and a link to their page comes with it); a speaker whose sessions did not change hears
    nothing. A release made by a command (load_niic, generate_program) speaks for no one and
    sends nothing (sessions.notifications)."""
    release = Release.objects.select_related("conference", "released_by").get(pk=release.pk)
    news = _release_news(release)
    if not news.newly_seated and not news.changes:
        return 0
    ids = set(news.newly_seated) | set(news.changes)
    speakers = Speaker.objects.filter(pk__in=ids).exclude(email="").select_related("user")
    to_invite = _seats_to_invite(news.newly_seated)
    fellows = _fellows([seat for seats in to_invite.values() for seat in seats])
    queued = 0
    with transaction.atomic():
        for speaker in speakers:
            seats = to_invite.get(speaker.pk, [])
            invited_to = {seat.session_id for seat in seats}
            changes = {
                session_id: session_changes
                for session_id, session_changes in news.changes.get(speaker.pk, {}).items()
                if session_id not in invited_to
            }
            if not seats and not changes:
                continue
            if seats:
                _invite_seats(release.released_by, seats)
            _account_for(speaker)
            subject, body, kind = _release_message(speaker, release, news, seats, changes, fellows)
            key = f"release:{release.pk}:speaker:{speaker.pk}"
            queued += bool(
                mail.queue(speaker=speaker, kind=kind, subject=subject, body=body, key=key)
            )
    return queued


def speakers_remind(*, now=None):
    """Queue a reminder to each speaker with seats still "invited"
    settings.NIIC_INVITATION_REMINDER_DAYS days after the invitation, naming those seats, in
    editions not yet over. Once per invitation round: the key is the speaker and the day of
    their latest invitation among those seats, so a daily run reminds once, and a new
    invitation starts a new round. Returns how many it queued."""
    now = now or timezone.now()
    due = now - datetime.timedelta(days=settings.NIIC_INVITATION_REMINDER_DAYS)
    seats = _seats(
        PanelMembership.objects.filter(
            answer=INVITED, invited_at__lte=due, session__conference__in=_not_over(now)
        )
    )
    queued = 0
    with transaction.atomic():
        for speaker, speaker_seats in _by_speaker(seats).values():
            latest = max(seat.invited_at for seat in speaker_seats)
            key = f"reminder:speaker:{speaker.pk}:{latest.date().isoformat()}"
            if not speaker.email or Message.objects.filter(key=key).exists():
                continue
            _account_for(speaker)
            with translation.override(speaker.preferred_language):
                edition = _editions(speaker_seats)
                body = _paragraphs(
                    DEAR % {"name": speaker.name},
                    REMINDER_INTRO % {"edition": edition},
                    *(_seat_block(seat, {}) for seat in speaker_seats),
                    _link_paragraph(ANSWER_ON_YOUR_PAGE),
                    SIGNED % {"edition": edition},
                )
                subject = str(REMINDER_SUBJECT % {"edition": edition})
            message = mail.queue(
                speaker=speaker, kind=Message.Kind.REMINDER, subject=subject, body=body, key=key
            )
            queued += bool(message)
    return queued


# Which seats


def _not_over(now=None):
    """Editions whose last day has not passed (a day's grace: zones differ)."""
    from tracks.models import Conference

    today = (now or timezone.now()).date()
    return Conference.objects.filter(end_date__gte=today - datetime.timedelta(days=1))


def _seats(queryset):
    return (
        queryset.exclude(session__status=CANCELLED)
        .select_related("speaker__user", "session__conference", "session__room", "session__track")
        .order_by("speaker_id", "session__starts_at", "session_id")
    )


def _seats_a_chair_may_invite(user, seats, speakers, sessions):
    """A chair invites to the seats of the sessions they may edit; naming a session they may
    not, or a speaker with no seat on one they may, is refused."""
    refused = [str(session) for session in sessions if not may_edit(user, session)]
    allowed = [seat for seat in seats if may_edit(user, seat.session)]
    seated = {seat.speaker_id for seat in allowed}
    refused += [speaker.name for speaker in speakers if speaker.pk not in seated]
    if refused:
        raise PermissionDenied(INVITE_ONLY_YOUR_TRACKS % {"names": ", ".join(refused)})
    return allowed


def _by_speaker(seats):
    """{speaker id: (speaker, [seats])}, in the order of the seats."""
    grouped = {}
    for seat in seats:
        grouped.setdefault(seat.speaker_id, (seat.speaker, []))[1].append(seat)
    return grouped


def _fellows(seats):
    """{session id: [(speaker id, name, role)]} of the sessions of `seats`, in panel order."""
    panels = defaultdict(list)
    rows = (
        PanelMembership.objects.filter(session__in={seat.session_id for seat in seats})
        .in_panel_order()
        .values_list("session_id", "speaker_id", "speaker__name", "role")
    )
    for session_id, speaker_id, name, role in rows:
        panels[session_id].append((speaker_id, name, role))
    return panels


def _seats_to_invite(newly_seated):
    """{speaker id: [seats not invited yet]} of the working program's seats named by
    {speaker id: {session ids}} (a seat taken off since the release is left out)."""
    pairs = {
        (speaker_id, session_id) for speaker_id, ids in newly_seated.items() for session_id in ids
    }
    seats = _seats(
        PanelMembership.objects.filter(
            speaker_id__in=newly_seated,
            session_id__in={session_id for _speaker, session_id in pairs},
            answer=NOT_INVITED,
        )
    )
    found = defaultdict(list)
    for seat in seats:
        if (seat.speaker_id, seat.session_id) in pairs:
            found[seat.speaker_id].append(seat)
    return found


# What invitations write


def _invite_seats(user, seats):
    """Mark the seats not yet answered as invited now, each with a version in its history."""
    now = timezone.now()
    for seat in seats:
        if seat.answer in (NOT_INVITED, INVITED):
            seat.answer, seat.invited_at = INVITED, now
            seat._history_user = user
            seat._change_reason = str(REASON_INVITED)
            seat.save(update_fields=["answer", "invited_at"])


def _account_for(speaker):
    """The speaker's sign-in account (no password, not staff), made on their first invitation.
    Written without a version of the speaker: the account is not part of their profile."""
    if speaker.user_id is not None:
        return speaker.user
    account, created = get_user_model().objects.get_or_create(username=f"speaker-{speaker.pk}")
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    Speaker.objects.filter(pk=speaker.pk).update(user=account)
    speaker.user = account
    return account


def _queue_invitation(speaker, seats, fellows):
    _account_for(speaker)
    with translation.override(speaker.preferred_language):
        edition = _editions(seats)
        body = _paragraphs(
            DEAR % {"name": speaker.name},
            _invitation_part(edition, seats, fellows),
            _link_paragraph(ANSWER_ON_YOUR_PAGE),
            SIGNED % {"edition": edition},
        )
        subject = str(INVITATION_SUBJECT % {"edition": edition})
    return mail.queue(speaker=speaker, kind=Message.Kind.INVITATION, subject=subject, body=body)


def _invitation_part(edition, seats, fellows):
    heading = ngettext("Your session:", "Your sessions:", len(seats))
    intro = f"{INVITATION_INTRO % {'edition': edition}} {heading}"
    return "\n\n".join([intro, *(_seat_block(seat, fellows) for seat in seats)])


def _seat_block(seat, fellows):
    """A seat's session as the speaker reads it: title, day and time with the zone, room, role
    and (when known) the other speakers."""
    session = seat.session
    others = [
        f"{name} ({PanelMembership.Role(role).label})"
        for speaker_id, name, role in fellows.get(session.pk, [])
        if speaker_id != seat.speaker_id
    ]
    lines = [
        session.title,
        WHEN % {"slot": session.slot_label},
        ROOM % {"room": session.room.name if session.room else NO_ROOM},
        YOUR_ROLE % {"role": seat.get_role_display()},
    ]
    if session.pk in fellows:
        lines.append(WITH % {"speakers": ", ".join(others)} if others else ALONE)
    return _indented(lines)


def _editions(seats):
    return ", ".join(dict.fromkeys(str(seat.session.conference) for seat in seats))


def _link_paragraph(lead):
    days = settings.SESAME_MAX_AGE.days
    return f"{lead}\n{Message.LINK_PLACEHOLDER}\n\n{PERSONAL_LINK % {'days': days}}"


def _paragraphs(*parts):
    return "\n\n".join(str(part) for part in parts if part) + "\n"


def _indented(lines):
    first, *rest = (str(line) for line in lines)
    return "\n".join([first, *(f"  {line}" for line in rest)])


# What a release changed for each speaker


@dataclass
class ReleaseNews:
    # {speaker id: {session ids}}: on a released panel they were not on before.
    newly_seated: dict = field(default_factory=lambda: defaultdict(set))
    # {speaker id: {session id: [(kind, entry)]}}: a change to a session they sat on.
    changes: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    # {session id: values} as released before and now.
    before: dict = field(default_factory=dict)
    after: dict = field(default_factory=dict)


def _panel_ids(values):
    return {speaker_id for speaker_id, _name, _role in (values or {}).get("panel", [])}


def _release_news(release):
    news = ReleaseNews(after=release.snapshot)
    if release.changes.get("first"):
        for key, values in release.snapshot.items():
            if values["status"] != CANCELLED:
                for speaker_id in _panel_ids(values):
                    news.newly_seated[speaker_id].add(int(key))
        return news
    previous = (
        release.conference.releases.in_force()
        .filter(number__lt=release.number)
        .order_by("-number")
        .first()
    )
    news.before = previous.snapshot if previous else {}
    for kind in ("new", "moved", "retitled", "repanelled", "cancelled", "removed"):
        for entry in release.changes.get(kind, []):
            _note_change(news, kind, entry)
    return news


def _note_change(news, kind, entry):
    session_id = entry["id"]
    before = _panel_ids(news.before.get(str(session_id)))
    after = _panel_ids(news.after.get(str(session_id)))
    if kind in ("new", "moved", "retitled", "repanelled"):
        for speaker_id in after - before:
            news.newly_seated[speaker_id].add(session_id)
    if kind == "new":
        return
    # Those on the panel before hear of a change (a seat taken off included), and so do those
    # new on it whose seat was invited already (notify_release drops the rest: an invitation
    # to the session as it now is tells them more).
    for speaker_id in before | after:
        news.changes[speaker_id][session_id].append((kind, entry))


def _release_message(speaker, release, news, seats, changes, fellows):
    with translation.override(speaker.preferred_language):
        edition = str(release.conference)
        parts = [DEAR % {"name": speaker.name}]
        if seats:
            parts.append(_invitation_part(edition, seats, fellows))
        if changes:
            parts.append(CHANGES_INTRO % {"edition": edition, "release": release.name})
            parts += [
                _change_block(speaker, release, news, session_id, session_changes)
                for session_id, session_changes in changes.items()
            ]
            if release.note:
                parts.append(RELEASE_NOTE % {"note": release.note})
        parts.append(_link_paragraph(ANSWER_ON_YOUR_PAGE if seats else YOUR_PAGE))
        parts.append(SIGNED % {"edition": edition})
        subject = INVITATION_SUBJECT if seats else CHANGES_SUBJECT
        kind = Message.Kind.INVITATION if seats else Message.Kind.CHANGES
        return str(subject % {"edition": edition}), _paragraphs(*parts), kind


def _change_block(speaker, release, news, session_id, session_changes):
    values = news.after.get(str(session_id)) or news.before[str(session_id)]
    lines = [in_page_language(values["title"])]
    for kind, entry in session_changes:
        if kind == "moved":
            after = _place(entry["after"], release.conference)
            lines.append(
                MOVED % {"after": after, "before": _place(entry["before"], release.conference)}
            )
        elif kind == "retitled":
            lines.append(RETITLED % {"before": in_page_language(entry["before"])})
        elif kind == "cancelled":
            lines.append(CANCELLED_LINE)
            note = in_page_language(entry.get("note", ""))
            if note:
                lines.append(CANCELLED_NOTE % {"note": note})
        elif kind == "removed":
            lines.append(REMOVED)
        elif speaker.pk in _panel_ids({"panel": entry["after"]}):
            lines.append(PANEL_CHANGED % {"after": _panel(entry["after"])})
        else:
            lines.append(OFF_THE_PANEL)
    return _indented(lines)


def _place(place, conference):
    when = slot_label(
        datetime.datetime.fromisoformat(place["starts_at"]),
        datetime.datetime.fromisoformat(place["ends_at"]),
        conference,
    )
    room = in_page_language(place["room"][1]) if place["room"] else NO_ROOM
    return f"{when}, {room}"


def _panel(seats):
    return ", ".join(f"{name} ({PanelMembership.Role(role).label})" for _pk, name, role in seats)
