from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgramVersion(models.Model):
    """The version of everything the public site shows: one row, bumped once per committed
    transaction that changes the program (niic.program_version). Every app server reads it, so
    a page cached under an older version is never served again, on any machine."""

    ROW = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=ROW)
    number = models.PositiveBigIntegerField(verbose_name=_("number"), default=0)
    # The number and a random part: a version written to the cache by a transaction that
    # then failed can never be taken again by a later change.
    token = models.CharField(verbose_name=_("token"), max_length=40)
    changed_at = models.DateTimeField(verbose_name=_("changed"))
    # When each edition opens and closes ([opens, closes] in epoch seconds), written with
    # each bump and read with the token: pages that read the clock are keyed by it only while
    # an edition is on (niic.middleware.clock_bucket). Null until the first bump that writes
    # it: every moment counts until then.
    edition_days = models.JSONField(verbose_name=_("edition days"), null=True, blank=True)

    class Meta:
        verbose_name = _("program version")
        verbose_name_plural = _("program versions")

    def __str__(self):
        return self.token


class StaffPreferences(models.Model):
    """What a staff member chose for the admin, remembered from one login to the next: the
    admin's language (empty: the browser's)."""

    user = models.OneToOneField(
        "auth.User",
        on_delete=models.CASCADE,
        related_name="staff_preferences",
        verbose_name=_("user"),
    )
    language = models.CharField(
        verbose_name=_("admin language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The admin's language for this person; empty: their browser's."),
    )

    class Meta:
        verbose_name = _("staff preferences")
        verbose_name_plural = _("staff preferences")

    def __str__(self):
        return str(self.user)
