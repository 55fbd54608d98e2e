"""A session's states, apart from the model so that the rules (sessions.rules) and the model
(sessions.models, whose validation calls the rules) both read them without importing each
other."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


# What attendees may see: published sessions, and cancelled ones marked as such.
PUBLIC_STATUSES = (SessionStatus.PUBLISHED, SessionStatus.CANCELLED)
