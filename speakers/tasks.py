"""The task worker's jobs (Django's task framework; see speakers.mail)."""

from django.tasks import task

from . import mail


@task
def deliver(message_id):
    mail.deliver(message_id)
