"""The speaker directory's entries, made once in Python for the whole list from plain values:
with hundreds of speakers, a model instance, a reversed URL and two translated texts looked up
per speaker cost more than the rest of the page (see `make bench`)."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from sessions.texts import fallback_order, in_every_language, page_language

SLUG_PLACEHOLDER = "speaker-slug-placeholder"


@dataclass(slots=True)
class DirectoryEntry:
    name: str
    url: str
    # "Job title, Organization (ACRONYM)", each part marked lang="en" where it is an English
    # fallback on a page in another language.
    details: SafeString
    is_sample: bool


def in_language(row, columns, language):
    """The text of one field from its columns ({language: column}), in `language` or else in
    the fallback's, as HTML marked with the language when it is not the page's."""
    for candidate in fallback_order(language):
        value = row[columns[candidate]]
        if value:
            if candidate == language:
                return format_html("{}", value)
            return format_html('<span lang="{}">{}</span>', candidate, value)
    return ""


def speaker_entries(speakers):
    """[DirectoryEntry] for the `speakers` queryset, in its order, in two columns per text."""
    language = page_language()
    job_titles = dict(zip(dict(settings.LANGUAGES), in_every_language("job_title"), strict=True))
    organizations = {
        code: f"organization__{column}"
        for code, column in zip(dict(settings.LANGUAGES), in_every_language("name"), strict=True)
    }
    rows = speakers.values(
        "name", "slug", "is_sample", "organization_id", "organization__acronym",
        *job_titles.values(), *organizations.values(),
    )  # fmt: skip
    url_pattern = reverse("speaker-detail", kwargs={"speaker": SLUG_PLACEHOLDER})
    organization_names = {}
    entries = []
    for row in rows:
        parts = []
        job_title = in_language(row, job_titles, language)
        if job_title:
            parts.append(job_title)
        organization_id = row["organization_id"]
        if organization_id is not None:
            if organization_id not in organization_names:
                name = in_language(row, organizations, language)
                if row["organization__acronym"]:
                    name = format_html("{} ({})", name, row["organization__acronym"])
                organization_names[organization_id] = name
            parts.append(organization_names[organization_id])
        entries.append(
            DirectoryEntry(
                name=row["name"],
                url=url_pattern.replace(SLUG_PLACEHOLDER, row["slug"]),
                details=format_html_join(", ", "{}", ((part,) for part in parts)),
                is_sample=row["is_sample"],
            )
        )
    return entries
