from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .photos import PhotoField, photo_name
from .validators import (
    validate_one_line,
    validate_photo_extension,
    validate_photo_pixels,
    validate_photo_size,
    validate_text,
)


class Organization(models.Model):
    name = models.CharField(validators=[validate_one_line], verbose_name=_("name"), max_length=200)
    acronym = models.CharField(
        validators=[validate_one_line],
        verbose_name=_("acronym"),
        max_length=20,
        blank=True,
        help_text=_("E.g. CHIRLA."),
    )
    slug = models.SlugField(verbose_name=_("slug"), max_length=80, unique=True)
    website = models.URLField(validators=[validate_one_line], verbose_name=_("website"), blank=True)
    is_sample = models.BooleanField(
        verbose_name=_("sample data"),
        default=False,
        help_text=_("Invented for demonstration or tests; shown as such on the site."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Speaker(models.Model):
    """A person, who may speak at several editions."""

    name = models.CharField(validators=[validate_one_line], verbose_name=_("name"), max_length=200)
    slug = models.SlugField(verbose_name=_("slug"), max_length=80, unique=True)
    pronouns = models.CharField(
        validators=[validate_one_line], verbose_name=_("pronouns"), max_length=40, blank=True
    )
    job_title = models.CharField(
        validators=[validate_one_line], verbose_name=_("job title"), max_length=200, blank=True
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
    )
    bio = models.TextField(
        validators=[validate_text],
        verbose_name=_("bio"),
        blank=True,
        help_text=_("Markdown. Any HTML is removed when shown."),
    )
    photo = PhotoField(
        verbose_name=_("photo"),
        upload_to=photo_name,
        blank=True,
        validators=[validate_photo_extension, validate_photo_size, validate_photo_pixels],
        help_text=_("JPEG, PNG or WebP, at most 2 MB."),
    )
    website = models.URLField(validators=[validate_one_line], verbose_name=_("website"), blank=True)
    is_sample = models.BooleanField(
        verbose_name=_("sample data"),
        default=False,
        help_text=_("Invented for demonstration or tests; shown as such on the site."),
    )
    # Private: never on a public page, in an export or in a feed.
    email = models.EmailField(
        validators=[validate_one_line],
        verbose_name=_("e-mail address"),
        blank=True,
        help_text=_("Private: used for invitations and word of changes, never shown publicly."),
    )
    preferred_language = models.CharField(
        verbose_name=_("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the e-mails the speaker gets."),
    )
    proposed_organization = models.CharField(
        validators=[validate_one_line],
        verbose_name=_("organization proposed by the speaker"),
        max_length=200,
        blank=True,
        help_text=_("An organization the speaker named that is not in the list yet."),
    )
    # The account a speaker signs in with, through a link e-mailed to them (no password):
    # made when they are first invited.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sign-in account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="speaker_profile",
    )

    history = HistoricalRecords(excluded_fields=["user"])

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Message(models.Model):
    """An e-mail to a speaker, queued in the database and sent by the task worker
    (speakers.tasks), so that an SMTP server that is down delays it and loses nothing. Its text
    is written in the speaker's language when it is queued; a sign-in link, a secret, is put in
    only when it is sent (where the body says {sign_in_link}), so it is never stored."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        CHANGES = "changes", _("Changes to their sessions")
        REMINDER = "reminder", _("Reminder")
        SIGN_IN = "sign_in", _("Sign-in link")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed: gave up")

    LINK_PLACEHOLDER = "{sign_in_link}"
    # Attendees never see a message: writing one leaves every cached public page as it is.
    shown_to_attendees = False

    speaker = models.ForeignKey(
        Speaker, verbose_name=_("speaker"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind)
    to = models.EmailField(verbose_name=_("to"))
    language = models.CharField(verbose_name=_("language"), max_length=8)
    subject = models.CharField(verbose_name=_("subject"), max_length=300)
    body = models.TextField(verbose_name=_("text"))
    # What makes a message once-only, e.g. one per speaker and release ("release:12:speaker:5").
    key = models.CharField(max_length=120, unique=True, null=True, blank=True, editable=False)
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    last_error = models.CharField(verbose_name=_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name=_("queued"), auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_at = models.DateTimeField(verbose_name=_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to a speaker")
        verbose_name_plural = _("messages to speakers")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.speaker}"


class SpreadsheetUpload(models.Model):
    """A spreadsheet an import page read, waiting for its confirmation (sessions.admin.imports):
    in the database, so that whichever app server takes the confirmation finds it, bound to
    the user who uploaded it, and spent after UPLOAD_SECONDS. A row of its own rather than a
    cache entry, which a page cache shares and culls, and a Redis may evict."""

    # Attendees never see an upload: writing one leaves every cached public page as it is.
    shown_to_attendees = False

    token = models.CharField(max_length=32, unique=True, validators=[validate_one_line])
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sheet = models.CharField(max_length=40, validators=[validate_one_line])
    file_name = models.CharField(max_length=255, validators=[validate_one_line])
    # The file's cells as read, compressed: the confirmation does not read the file again.
    cells = models.BinaryField()
    # {session id: version} of the stored rows the preview read, which the confirmation checks.
    versions = models.JSONField(null=True, blank=True)
    # Cells the organizer corrected on the preview (a suggestion accepted): {"row:column": text}.
    replacements = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.file_name
