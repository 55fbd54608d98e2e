"""Queue reminders of unanswered invitations (run it daily, e.g. from cron)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from sessions.services.invitations import speakers_remind


class Command(BaseCommand):
    help = (
        "Queue one e-mail to each speaker whose seats are still only invited "
        "NIIC_INVITATION_REMINDER_DAYS days after the invitation, naming those seats, in their "
        "language; once per invitation. The task worker (db_worker) sends them."
    )

    def handle(self, *args, **options):
        queued = speakers_remind()
        days = settings.NIIC_INVITATION_REMINDER_DAYS
        self.stdout.write(
            f"{queued} reminder(s) queued (invitations unanswered after {days} days)."
        )
