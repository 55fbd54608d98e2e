"""Speakers in a spreadsheet (CSV or XLSX): the columns, the export (SpeakerResource, for the
admin's Export button) and the reader (read_rows, for its Import page). What a file asks for is
checked and written by sessions.services.speakers_import, as a session sheet is by
sessions_import: the same reading (speakers.spreadsheets), the same door, the same page.

Columns: slug, name, pronouns, job_title_en, job_title_es, organization, website, bio_en, bio_es
(a job title and a bio per language in settings.LANGUAGES; "job_title" and "bio", in files from
before, are the English ones). A row is matched to a speaker by its slug: an existing speaker is
updated, a new one created. A column left out of the file leaves that part of every speaker as
it is; an empty cell leaves a text not yet translated so. The organization is given by its name
(in any language), its acronym, its slug or “Name (ACRONYM)” as the admin shows it, compared
without regard to case or accents; one that does not exist yet is created, with a slug made from
its name. Every lookup is made once for the whole file."""

import copy
import re
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from modeltranslation.utils import get_translation_fields

from .models import Organization, Speaker
from .spreadsheets import (
    CellError,
    Row,
    cell_text,
    is_blank,
    long_text,
    normalized,
    quoted,
    read_table,
)

JOB_TITLES = get_translation_fields("job_title")
BIOS = get_translation_fields("bio")
ORGANIZATION_NAMES = get_translation_fields("name")
COLUMNS = ["slug", "name", "pronouns", *JOB_TITLES, "organization", "website", *BIOS]
# Headers as organizers write them, in English and Spanish (compared without case or accents),
# and as files written before the texts had a column per language.
ALIASES = {
    **dict.fromkeys(
        ["job_title", "job title", "title", "position", "cargo", "puesto"], JOB_TITLES[0]
    ),
    **dict.fromkeys(["bio", "biography", "biografia", "semblanza"], BIOS[0]),
    **dict.fromkeys(["nombre", "full name", "nombre completo", "speaker", "ponente"], "name"),
    **dict.fromkeys(["pronombres"], "pronouns"),
    **dict.fromkeys(["organisation", "organizacion", "organismo", "institucion"], "organization"),
    **dict.fromkeys(["web", "sitio web", "pagina web", "url"], "website"),
}
ONE_LINE = ["name", "pronouns", *JOB_TITLES, "website"]
NAME_AND_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[^()]+)\)$")


class Organizations:
    """Organizations found by a name in any language, an acronym, a slug or “Name (ACRONYM)”,
    compared without regard to case or accents (slugs exactly). The ones a file names for the
    first time are added as it is read, so that later rows find them too."""

    def __init__(self, organizations):
        self.by_name, self.by_acronym, self.by_slug = {}, {}, {}
        for organization in organizations:
            self.add(organization)

    def add(self, organization):
        for column in ORGANIZATION_NAMES:
            name = getattr(organization, column)
            if name:
                self.index(self.by_name, normalized(name), organization)
        if organization.acronym:
            self.index(self.by_acronym, normalized(organization.acronym), organization)
        self.by_slug[organization.slug] = [organization]

    @staticmethod
    def index(names, key, organization):
        found = names.setdefault(key, [])
        if organization not in found:
            found.append(organization)

    def find(self, text):
        """The one organization `text` names; None if none does; a CellError if several do."""
        key = normalized(text)
        for found in (self.by_name.get(key), self.by_acronym.get(key), self.by_slug.get(text)):
            if found:
                return self.one(text, found)
        named = NAME_AND_ACRONYM.match(text)
        if named:
            same_name = self.by_name.get(normalized(named["name"]), [])
            acronym = normalized(named["acronym"])
            same_acronym = [each for each in same_name if normalized(each.acronym) == acronym]
            if same_acronym or same_name:
                return self.one(text, same_acronym or same_name)
        return None

    @staticmethod
    def one(text, found):
        if len(found) > 1:
            raise CellError(
                _(
                    "Several organizations are called %(name)s (%(slugs)s); write the slug of "
                    "the one you mean."
                )
                % {"name": quoted(text), "slugs": ", ".join(sorted(each.slug for each in found))}
            )
        return found[0]

    def new(self, text):
        """A new organization called `text` (or “Name (ACRONYM)”), with a slug of its name
        that no other has; not saved (the services save it)."""
        named = NAME_AND_ACRONYM.match(text)
        name, acronym = (named["name"], named["acronym"]) if named else (text, "")
        base = slugify(name)[:80].strip("-")
        if not base:
            raise CellError(
                _("%(name)s has no letters or digits to make the organization's slug from.")
                % {"name": quoted(name)}
            )
        slug, number = base, 1
        while slug in self.by_slug:
            number += 1
            suffix = f"-{number}"
            slug = base[: 80 - len(suffix)] + suffix
        organization = Organization(**{ORGANIZATION_NAMES[0]: name}, acronym=acronym, slug=slug)
        self.add(organization)
        return organization

    def shares_its_name(self, organization):
        """Whether the organization's name would also find another one."""
        return len(self.by_name.get(normalized(organization.name), [])) > 1


# The export


class OrganizationWidget(widgets.Widget):
    """An organization as the import finds it again: its name, or its slug when another
    organization goes by the same name."""

    def __init__(self):
        super().__init__(coerce_to_string=True)
        self.organizations = None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if self.organizations is None:
            self.organizations = Organizations(Organization.objects.all())
        return value.slug if self.organizations.shares_its_name(value) else value.name


class SpeakerResource(resources.ModelResource):
    """The speakers in the columns read_rows reads back; text is written safely by the admin's
    formats (speakers.spreadsheets.SPREADSHEET_FORMATS)."""

    organization = fields.Field(
        attribute="organization", column_name="organization", widget=OrganizationWidget()
    )

    class Meta:
        model = Speaker
        fields = COLUMNS

    def get_queryset(self):
        return Speaker.objects.select_related("organization")

    def import_data(self, *args, **kwargs):
        # One door: read_rows, then sessions.services.speakers_import, which checks the user.
        raise NotImplementedError("speakers.resources.read_rows reads speaker spreadsheets.")

    def filter_export(self, queryset, **kwargs):
        if hasattr(queryset, "select_related"):
            return queryset.select_related("organization")
        return queryset


# The import


@dataclass
class SpeakerRow(Row):
    """One row of the file and what it asks for: the speaker as it will be (`speaker`), and as
    stored (`original`, None for a new one); the organization it names for the first time."""

    speaker: Speaker | None = None
    original: Speaker | None = None
    new_organization: Organization | None = None

    @property
    def is_new(self):
        return self.original is None


def slug_required(headers):
    if "slug" in headers:
        return []
    return [_("The column slug is required: it says which speaker each row is.")]


def read_rows(dataset, corrections=None):
    """Every row of the file as a SpeakerRow, read against one set of lookups: the speakers it
    names and every organization, in two queries whatever its length; `corrections`, the cells
    corrected on the preview."""
    rows = read_table(dataset, COLUMNS, aliases=ALIASES, more_problems=slug_required)
    if corrections is not None:
        corrections.apply(rows)
    slugs = {cell_text(cells.get("slug")) for cells in rows} - {""}
    reader = SpeakerReader(
        speakers=Speaker.objects.select_related("organization").in_bulk(slugs, field_name="slug"),
        organizations=Organizations(Organization.objects.all()),
    )
    return [reader.read(number, cells) for number, cells in enumerate(rows, start=2)]


class SpeakerReader:
    def __init__(self, *, speakers, organizations):
        self.speakers = speakers
        self.organizations = organizations
        self.rows_by_slug = {}

    def read(self, number, cells):
        row = SpeakerRow(number=number, cells=cells, blank=is_blank(cells))
        if row.blank:
            return row
        slug = cell_text(cells.get("slug"))
        first = self.rows_by_slug.setdefault(slug, number)
        if slug and first != number:
            row.add_error(
                "slug",
                _(
                    "Row %(row)s of this file already has the speaker %(slug)s; each speaker "
                    "may appear only once."
                )
                % {"row": first, "slug": quoted(slug)},
            )
        row.original = self.speakers.get(slug)
        row.speaker = copy.copy(row.original) if row.original else Speaker(slug=slug)
        for column in ONE_LINE:
            if column in cells:
                set_text(row.speaker, column, cell_text(cells[column]))
        for column in BIOS:
            if column in cells:
                set_text(row.speaker, column, long_text(cells[column]))
        if "organization" in cells:
            organization = row.cell("organization", self.read_organization)
            if "organization" not in row.errors:
                row.speaker.organization = organization
                if organization is not None and organization.pk is None:
                    row.new_organization = organization
        return row

    def read_organization(self, value):
        text = cell_text(value)
        if not text:
            return None
        return self.organizations.find(text) or self.organizations.new(text)


def set_text(speaker, column, text):
    # A text not yet translated is stored as NULL or as "": an empty cell leaves it so.
    if text or getattr(speaker, column):
        setattr(speaker, column, text)
