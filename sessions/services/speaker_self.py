"""What a speaker changes on their own page (niic.speaker_space): their profile, and their answer
to the invitation for each of their seats. The acting user is the speaker's own sign-in account
(or an organizer acting for them, rights.may_act_as_speaker); nobody else, whatever id a request
names.

A profile is saved like any change to a speaker (a version in its history, with who and why):
speakers are not gated by releases, so the public speaker page shows it at once. An answer is
organizers' business and changes nothing attendees see: it updates the seat's row alone, with a
version in the seat's history, and never makes a new version of its session."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from speakers.models import Speaker

from .. import texts
from ..models import PanelMembership, Session
from .rights import may_act_as_speaker

# What a speaker may change of their own record: not their slug, their address, their sign-in
# account nor the sample flag, which are organizers'.
PROFILE_FIELDS = (
    "name",
    "pronouns",
    *texts.in_every_language("job_title"),
    *texts.in_every_language("bio"),
    "organization",
    "proposed_organization",
    "photo",
    "preferred_language",
)
ANSWERS = (PanelMembership.Answer.CONFIRMED, PanelMembership.Answer.DECLINED)

NOT_YOUR_PROFILE = _("You may change only your own speaker profile.")
NOT_YOUR_SEAT = _("You may answer only for your own sessions.")
NOT_A_PROFILE_FIELD = _("A speaker's page does not change this: %(fields)s.")
NOT_AN_ANSWER = _("Confirm or decline.")
SESSION_CANCELLED = _("This session is cancelled: there is nothing to answer.")
REASON_PROFILE = _("Changed on the speaker's page")
REASON_ANSWER = {
    PanelMembership.Answer.CONFIRMED: _("Confirmed on the speaker's page"),
    PanelMembership.Answer.DECLINED: _("Declined on the speaker's page"),
}


def speaker_profile_save(*, user, speaker, changes):
    """Save `changes` ({field: value}, fields of PROFILE_FIELDS, values as a form cleans them:
    a photo is an upload, False to clear it) to `speaker`'s profile, all or nothing. Returns the
    speaker as saved; the instance passed in is left as it was."""
    if not may_act_as_speaker(user, speaker):
        raise PermissionDenied(NOT_YOUR_PROFILE)
    others = sorted(set(changes) - set(PROFILE_FIELDS))
    if others:
        raise PermissionDenied(NOT_A_PROFILE_FIELD % {"fields": ", ".join(others)})
    with transaction.atomic():
        stored = Speaker.objects.select_for_update().get(pk=speaker.pk)
        for name, value in changes.items():
            # As a model form would: a cleared photo is stored as no file.
            Speaker._meta.get_field(name).save_form_data(stored, value)
        stored.full_clean(exclude=texts.translated_fields(Speaker))
        stored._history_user = user
        stored._change_reason = str(REASON_PROFILE)
        stored.save()
    return stored


def seat_answer(*, user, seat, answer, note=""):
    """Record the speaker's answer (confirmed or declined) for `seat`, with a note to the
    organizers and the time. Returns the seat as saved."""
    with transaction.atomic():
        stored = (
            PanelMembership.objects.select_for_update(of=("self",))
            .select_related("speaker", "session")
            .get(pk=seat.pk)
        )
        if not may_act_as_speaker(user, stored.speaker):
            raise PermissionDenied(NOT_YOUR_SEAT)
        if answer not in ANSWERS:
            raise ValidationError({"answer": NOT_AN_ANSWER})
        if stored.session.status == Session.Status.CANCELLED:
            raise ValidationError(SESSION_CANCELLED)
        stored.answer = answer
        stored.answer_note = note
        stored.answered_at = timezone.now()
        stored.full_clean(exclude=["session", "speaker"])
        stored._history_user = user
        stored._change_reason = str(REASON_ANSWER[answer])
        stored.save(update_fields=["answer", "answer_note", "answered_at"])
    return stored
