"""Word of a release to the speakers it concerns: once the release commits, their e-mails are
written and queued (sessions.services.invitations.notify_release); the task worker sends them.

A release made by a management command (load_niic, generate_program: Release.released_by is
None) speaks for no one and mails no one. Queuing only writes rows; no mail server is waited
for in the request that released."""

import logging
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def release_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw or instance.released_by_id is None:
        return
    transaction.on_commit(partial(_notify, instance.pk), robust=True)


def _notify(release_id):
    from .models import Release
    from .services.invitations import notify_release

    queued = notify_release(Release.objects.get(pk=release_id))
    logger.info("release %s: %s message(s) to speakers queued", release_id, queued)
