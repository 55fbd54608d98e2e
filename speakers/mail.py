"""E-mail to speakers, queued in the database (Message) and sent by the task worker.

`queue()` stores a message and, once the writing transaction commits, enqueues its delivery as
a task of Django's task framework (stored in the database by django-tasks-db, run by
`manage.py db_worker`). The delivery (speakers.tasks.deliver) locks the message's row, so a
message is sent once however many workers run; an SMTP failure leaves it queued and tries again
later, up to settings.NIIC_MAIL_ATTEMPTS times, so a mail server that is down delays the mail
and loses none. `send_due()` delivers whatever is queued (what a worker does, for tests and
for messages whose task was lost)."""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation

from .models import Message

logger = logging.getLogger(__name__)

SIGN_IN_SCOPE = "speaker-page"


def queue(*, speaker, kind, subject, body, key=None):
    """A message to `speaker` at their private address, in the words given (already in their
    language); None when they have no address, or when a message with this `key` exists."""
    if not speaker.email:
        return None
    if key is not None and Message.objects.filter(key=key).exists():
        return None
    message = Message.objects.create(
        speaker=speaker,
        kind=kind,
        to=speaker.email,
        language=speaker.preferred_language,
        subject=subject,
        body=body,
        key=key,
    )
    transaction.on_commit(lambda: _enqueue(message.pk))
    return message


def _enqueue(message_id, delay=None):
    from .tasks import deliver

    task = deliver.using(run_after=timezone.now() + delay) if delay else deliver
    try:
        task.enqueue(message_id)
    except Exception:  # the message stays queued: send_due() or the next worker run sends it
        logger.exception("the delivery of message %s could not be enqueued", message_id)


def sign_in_link(speaker):
    """A personal link to the speaker's page, valid for settings.SESAME_MAX_AGE and only for
    that page (django-sesame scope). Never stored nor logged."""
    from sesame.utils import get_query_string

    with translation.override(speaker.preferred_language):
        path = reverse("speaker-space")
    return f"{settings.NIIC_SITE_URL}{path}{get_query_string(speaker.user, scope=SIGN_IN_SCOPE)}"


# A message claimed by a worker that died while sending it is sent again after this long.
CLAIM_SECONDS = 600


def deliver(message_id):
    """Send one queued message, once. Returns True when it was sent by this call.

    The message is claimed (status "sending") in a short transaction, sent outside any, then
    marked sent: no database lock is held while the mail server answers, and a second worker
    finds the message claimed. A worker killed mid-send leaves a claim that expires."""
    message = _claim(message_id)
    if message is None:
        return False
    body = message.body
    if Message.LINK_PLACEHOLDER in body:
        body = body.replace(Message.LINK_PLACEHOLDER, sign_in_link(message.speaker))
    try:
        EmailMessage(message.subject, body, settings.DEFAULT_FROM_EMAIL, [message.to]).send()
    except Exception as error:  # SMTP down, refused, timed out: try again later
        _failed(message, error)
        return False
    message.status = Message.Status.SENT
    message.sent_at = timezone.now()
    message.last_error = ""
    message.save(update_fields=["status", "sent_at", "last_error"])
    logger.info("message %s sent (%s)", message.pk, message.kind)
    return True


def _claim(message_id):
    stale = timezone.now() - datetime.timedelta(seconds=CLAIM_SECONDS)
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(of=("self",))
            .select_related("speaker__user")
            .filter(pk=message_id)
            .filter(
                models.Q(status=Message.Status.QUEUED)
                | models.Q(status=Message.Status.SENDING, claimed_at__lt=stale)
            )
            .first()
        )
        if message is None:
            return None  # sent, being sent, or given up, by another worker
        message.status = Message.Status.SENDING
        message.claimed_at = timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "claimed_at", "attempts"])
    return message


def _failed(message, error):
    message.last_error = f"{type(error).__name__}: {error}"[:300]
    gave_up = message.attempts >= settings.NIIC_MAIL_ATTEMPTS
    message.status = Message.Status.FAILED if gave_up else Message.Status.QUEUED
    message.save(update_fields=["status", "last_error"])
    logger.warning("message %s not sent (attempt %s)", message.pk, message.attempts)
    if not gave_up:
        _enqueue(message.pk, datetime.timedelta(minutes=2 ** (message.attempts - 1)))


def send_due():
    """Deliver every queued message now (and any whose worker died sending it); the number
    sent."""
    stale = timezone.now() - datetime.timedelta(seconds=CLAIM_SECONDS)
    queued = Message.objects.filter(
        models.Q(status=Message.Status.QUEUED)
        | models.Q(status=Message.Status.SENDING, claimed_at__lt=stale)
    ).order_by("pk")
    return sum(deliver(pk) for pk in queued.values_list("pk", flat=True))
