"""Speakers in a spreadsheet (CSV or XLSX), for the admin's Import and Export buttons.

Columns: slug, name, pronouns, job_title, organization, website, bio. A row is matched to a
speaker by its slug: an existing speaker is updated, a new one created. The organization is
given by its name or acronym (or slug); one that does not exist yet is created, with a slug made
from its name.

Every import is all or nothing (AllOrNothingModelResource, which the sessions' resource shares):
a file with any error changes nothing, and the dry run lists each bad row's number and why."""

import functools
import operator
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import RowResult
from modeltranslation.utils import get_translation_fields

from .models import Organization, Speaker
from .spreadsheets import unquoted

# Shown in the history (django-simple-history), as sessions.services records its imports.
CHANGE_REASON = gettext_lazy("Imported from a spreadsheet")
SAVED = (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_DELETE)


def cell_text(value):
    """A cell as one line of text: CSV gives strings, XLSX also numbers and dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unquoted(str(value).strip().strip("\ufeff\u200b").strip())


def quoted(text, limit=60):
    """A value from the file, quoted in a message; a long one is cut short."""
    text = str(text)
    return f"“{text if len(text) <= limit else text[: limit - 1] + '…'}”"


def header_problems(headers, known):
    """What is wrong with a file's columns: a column we do not know is refused rather than
    ignored, since a misspelt header would otherwise leave that column unimported without a
    word; a column given twice is refused too."""
    problems = []
    unknown = [header for header in headers if header and header not in known]
    if unknown:
        problems.append(
            _("Unknown columns: %(unknown)s. The columns are: %(known)s.")
            % {"unknown": ", ".join(map(quoted, unknown)), "known": ", ".join(known)}
        )
    repeated = sorted({header for header in headers if header and headers.count(header) > 1})
    if repeated:
        problems.append(_("Repeated columns: %(columns)s.") % {"columns": ", ".join(repeated)})
    return problems


def with_aliases(headers, aliases):
    """The headers with each old name ("title") read as its new one ("title_en"), unless the
    file also has the new one."""
    return [
        aliases[header] if header in aliases and aliases[header] not in headers else header
        for header in headers
    ]


def names_used_twice(queryset, field="name"):
    """The names (lower-cased) that more than one row of queryset has."""
    return set(
        queryset.annotate(key=Lower(field))
        .values("key")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .values_list("key", flat=True)
    )


class AllOrNothingModelResource(resources.ModelResource):
    """An import that saves the whole file or nothing.

    The file is imported in one transaction, which is rolled back on a dry run and whenever any
    row has an error or a validation error, whatever the caller asked for
    (use_transactions and rollback_on_validation_errors are forced on). Each row also runs in
    its own savepoint, rolled back if that row fails, so that a bad row leaves nothing behind
    that later rows would be checked against, and a database error in one row cannot poison
    the transaction for the next ones (PostgreSQL). When a real (not dry) import is rolled
    back, rows that would have been saved are reported as skipped, so that nobody (nor the
    admin's log) takes them for saved."""

    # Old column names read as new ones ({"bio": "bio_en"}): see with_aliases.
    aliases = {}

    class Meta:
        use_transactions = True

    def import_data(
        self,
        dataset,
        dry_run=False,
        raise_errors=False,
        use_transactions=None,
        collect_failed_rows=False,
        rollback_on_validation_errors=False,
        **kwargs,
    ):
        result = super().import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=raise_errors,
            use_transactions=True,
            collect_failed_rows=collect_failed_rows,
            rollback_on_validation_errors=True,
            **kwargs,
        )
        # The admin shows a whole-file error with its traceback: server paths, nothing a
        # person can act on. The message is what the page shows.
        for error in [*result.base_errors, *(e for _n, es in result.row_errors() for e in es)]:
            error.traceback = ""
        if not dry_run and (result.has_errors() or result.has_validation_errors()):
            for row_result in result.rows:
                if row_result.import_type in SAVED:
                    result.totals[row_result.import_type] -= 1
                    result.totals[RowResult.IMPORT_TYPE_SKIP] += 1
                    row_result.import_type = RowResult.IMPORT_TYPE_SKIP
        return result

    def import_row(self, row, instance_loader, **kwargs):
        using = self.get_db_connection_name()
        with transaction.atomic(using=using):
            row_result = super().import_row(row, instance_loader, **kwargs)
            if not row_result.is_valid():
                transaction.set_rollback(True, using=using)
        return row_result

    def before_import(self, dataset, **kwargs):
        self.check_headers(dataset)

    def check_headers(self, dataset):
        """Headers are matched without regard to case or surrounding spaces; a column this
        resource does not know is refused (header_problems)."""
        headers = [cell_text(header).lower() for header in dataset.headers or []]
        dataset.headers = with_aliases(headers, self.aliases)
        known = [field.column_name for field in self.get_import_fields()]
        problems = header_problems(dataset.headers, known)
        for index, header in enumerate(dataset.headers):
            if not header and any(cell_text(value) for value in dataset.get_col(index)):
                problems.append(
                    _("Column %(number)s has values but no header.") % {"number": index + 1}
                )
        if problems:
            raise ValueError(" ".join(problems))

    def do_instance_save(self, instance, is_create):
        instance._change_reason = str(CHANGE_REASON)
        super().do_instance_save(instance, is_create)


class TextWidget(widgets.CharWidget):
    """One line of text, trimmed; an empty cell is an empty string."""

    def clean(self, value, row=None, **kwargs):
        return cell_text(value)


class LongTextWidget(widgets.CharWidget):
    """Text kept as written (Markdown, several lines); an empty cell is an empty string."""

    def clean(self, value, row=None, **kwargs):
        return "" if value is None else unquoted(str(value))


def unique_organization_slug(name):
    base = slugify(name)[:80].strip("-")
    if not base:
        raise ValueError(
            _("%(name)s has no letters or digits to make the organization's slug from.")
            % {"name": quoted(name)}
        )
    slug, number = base, 1
    while Organization.objects.filter(slug=slug).exists():
        number += 1
        suffix = f"-{number}"
        slug = base[: 80 - len(suffix)] + suffix
    return slug


NAME_AND_ACRONYM = re.compile(r"^(?P<name>.+?)\s*\((?P<acronym>[^()]+)\)$")


class OrganizationWidget(widgets.Widget):
    """An organization by its name or acronym (or slug, or “Name (ACRONYM)” as the admin shows
    it), created when there is none by that name."""

    def __init__(self):
        super().__init__(coerce_to_string=True)
        self.ambiguous_names = None

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            return None
        # Its name in any language: the lookup must not depend on the admin's language.
        names = [f"{column}__iexact" for column in get_translation_fields("name")]
        for lookup in (*names, "acronym__iexact", "slug"):
            found = self.one(text, Organization.objects.filter(**{lookup: text}))
            if found:
                return found
        name, acronym = text, ""
        named = NAME_AND_ACRONYM.match(text)
        if named:
            name, acronym = named["name"], named["acronym"]
            same_name = Organization.objects.filter(
                functools.reduce(operator.or_, (Q(**{lookup: name}) for lookup in names))
            )
            found = self.one(text, same_name.filter(acronym__iexact=acronym)) or self.one(
                text, same_name
            )
            if found:
                return found
        organization = Organization(
            **{get_translation_fields("name")[0]: name},
            acronym=acronym,
            slug=unique_organization_slug(name),
        )
        try:
            organization.full_clean(exclude=["name"])  # its name_en carries the rules
        except ValidationError as error:
            raise ValueError(
                _("The new organization %(name)s cannot be created: %(reasons)s")
                % {"name": quoted(text), "reasons": " ".join(error.messages)}
            ) from error
        organization.save()
        return organization

    @staticmethod
    def one(text, organizations):
        """The one organization of several candidates; None if there is none; an error if
        there are several."""
        matches = list(organizations[:5])
        if len(matches) > 1:
            slugs = ", ".join(organization.slug for organization in matches)
            raise ValueError(
                _(
                    "Several organizations are called %(name)s (%(slugs)s); write the slug of "
                    "the one you mean."
                )
                % {"name": quoted(text), "slugs": slugs}
            )
        return matches[0] if matches else None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if self.ambiguous_names is None:
            self.ambiguous_names = names_used_twice(Organization.objects.all())
        return value.slug if value.name.lower() in self.ambiguous_names else value.name


# A text column per site language; "job_title" and "bio" (files from before) are the English.
JOB_TITLES = get_translation_fields("job_title")
BIOS = get_translation_fields("bio")


class SpeakerResource(AllOrNothingModelResource):
    slug = fields.Field(attribute="slug", column_name="slug", widget=TextWidget())
    name = fields.Field(attribute="name", column_name="name", widget=TextWidget())
    pronouns = fields.Field(attribute="pronouns", column_name="pronouns", widget=TextWidget())
    organization = fields.Field(
        attribute="organization", column_name="organization", widget=OrganizationWidget()
    )
    website = fields.Field(attribute="website", column_name="website", widget=TextWidget())
    # job_title_en, job_title_es, bio_en, bio_es… (one per site language) are made from the
    # model's columns, with the widgets of widget_from_django_field.
    aliases = {"job_title": JOB_TITLES[0], "bio": BIOS[0]}

    class Meta:
        model = Speaker
        fields = ["slug", "name", "pronouns", *JOB_TITLES, "organization", "website", *BIOS]
        import_id_fields = ["slug"]
        clean_model_instances = True  # full_clean(): the admin's rules (slug, URL, lengths…)
        skip_unchanged = True  # an unchanged row is not saved, so no empty history entry
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.rows_by_slug = {}

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if f.name in BIOS:
            return LongTextWidget
        if f.name in JOB_TITLES:
            return TextWidget
        return super().widget_from_django_field(f, default)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A text not yet translated is stored as NULL or as "": an empty cell leaves it so.
        if original is not None:
            for column in (*JOB_TITLES, *BIOS):
                if not getattr(instance, column) and not getattr(original, column):
                    setattr(instance, column, getattr(original, column))
        return super().skip_row(instance, original, row, import_validation_errors)

    def get_queryset(self):
        return Speaker.objects.select_related("organization")

    def filter_export(self, queryset, **kwargs):
        if isinstance(queryset, QuerySet):
            return queryset.select_related("organization")
        return queryset

    def before_import(self, dataset, **kwargs):
        self.rows_by_slug = {}
        super().before_import(dataset, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        slug = cell_text(row.get("slug"))
        first_row = self.rows_by_slug.setdefault(slug, kwargs.get("row_number"))
        if slug and first_row != kwargs.get("row_number"):
            errors["slug"] = [
                ValidationError(
                    _(
                        "Row %(row)s of this file already has the speaker %(slug)s; each "
                        "speaker may appear only once."
                    )
                    % {"row": first_row, "slug": quoted(slug)}
                )
            ]
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
