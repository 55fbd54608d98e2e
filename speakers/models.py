from django.db import models
from simple_history.models import HistoricalRecords

from .validators import validate_photo_extension, validate_photo_size


class Organization(models.Model):
    name = models.CharField(max_length=200)
    acronym = models.CharField(max_length=20, blank=True, help_text="E.g. CHIRLA.")
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True)
    is_sample = models.BooleanField(
        default=False, help_text="Invented for demonstration or tests; shown as such on the site."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Speaker(models.Model):
    """A person, who may speak at several editions."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    pronouns = models.CharField(max_length=40, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="speakers",
    )
    bio = models.TextField(blank=True, help_text="Markdown. Any HTML is removed when shown.")
    photo = models.ImageField(
        upload_to="speakers/",
        blank=True,
        validators=[validate_photo_extension, validate_photo_size],
        help_text="JPEG, PNG or WebP, at most 2 MB.",
    )
    website = models.URLField(blank=True)
    is_sample = models.BooleanField(
        default=False, help_text="Invented for demonstration or tests; shown as such on the site."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
