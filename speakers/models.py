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

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["name"]

    def __str__(self):
        return self.name
