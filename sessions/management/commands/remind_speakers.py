"""Queue reminders of unanswered invitations, and send whatever mail is due (run it daily,
e.g. from cron): a message whose worker died while sending it is picked up here."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sessions.services.invitations import speakers_remind
from speakers.mail import send_due


class Command(BaseCommand):
    help = (
        "Queue one e-mail to each speaker whose seats are still only invited "
        "NIIC_INVITATION_REMINDER_DAYS days after the invitation, naming those seats, in their "
        "language; once per invitation. The task worker (db_worker) sends them."
    )

    def handle(self, *args, **options):
        queued = speakers_remind()
        sent = send_due()
        days = settings.NIIC_INVITATION_REMINDER_DAYS
        self.stdout.write(
            f"{queued} reminder(s) queued (invitations unanswered after {days} days); "
            f"{sent} message(s) due sent."
        )
