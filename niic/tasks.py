"""The task worker's jobs for the site (Django's task framework; see niic.warming)."""

from django.tasks import task

from . import warming


@task
def warm_public_pages(token):
    return warming.warm(token)
