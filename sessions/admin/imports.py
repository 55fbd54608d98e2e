"""The import pages of the admin, for sessions and for speakers alike: upload a spreadsheet, see
what it would do to every row (with each error next to its row, in words), then confirm.

One pipeline serves both sheets (a Sheet says which reader and which service): the file is read
into rows (sessions.importing.read_rows, speakers.resources.read_rows), and the services check
the user's rights and every rule for the whole file and write all of it or nothing
(services.sessions_import, services.speakers_import). The preview is the same call as a dry run.

What the preview read waits for the confirmation in the database (speakers.SpreadsheetUpload,
so any app server can take the confirmation, and no cache culls or evicts it), under a random
token tied to the user who uploaded it and to the sheet, for an hour: a confirmation form can
name nothing else. It is the file's cells, as read_dataset read them within its limits
(compressed: a 5,000-row sheet is a few hundred KB), so that the confirmation does not read the
file again; the version of every stored row the preview read, which the confirmation checks;
and the cells the organizer corrected on the preview (a suggestion accepted with a click: the
preview is read again from the stored cells, without another upload). Every request this page
cannot use (no file, a file it cannot read, a token that is malformed, expired or someone
else's) answers 400 with a message.

The page also serves a template to fill in (?template=csv or xlsx: the columns, an example
row, and in the XLSX the valid values), a preview of the rows with errors only (?only=errors),
and the rows a preview refused, with their errors, to correct and upload again."""

import datetime
import pickle
import re
import secrets
import zlib
from dataclasses import dataclass

import tablib
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from speakers import resources as speaker_sheet
from speakers.models import SpreadsheetUpload
from speakers.spreadsheets import (
    Corrections,
    FileError,
    SafeCSV,
    SafeXLSX,
    counts,
    read_dataset,
    safe_dataset,
)

from .. import importing as session_sheet
from .. import services
from . import import_templates

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_SECONDS = 60 * 60
TOKEN = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Sheet:
    """A kind of spreadsheet the admin imports, and how its page speaks of it."""

    key: str  # of its uploads in the cache
    read_rows: object  # dataset -> rows
    apply: object  # services.<things>_import(*, user, rows, dry_run)
    columns: list
    template: str
    title: str
    help_text: str
    changed_meanwhile: str
    imported: object  # (counts) -> the message once imported
    changelist: str
    # Whether the preview records each stored row's version, for the confirmation to check.
    versioned: bool = False
    # (rows) -> [(what, [names])]: the valid values the preview lists beside its rows.
    choices: object = None
    # (file format) -> a Databook or Dataset to fill in.
    template_dataset: object = None
    # (row) -> [(what, before, after)] of a row that updates what is stored.
    differences: object = None


SESSIONS = Sheet(
    key="program-import",
    read_rows=session_sheet.read_rows,
    apply=services.sessions_import,
    columns=session_sheet.COLUMNS,
    template="admin/program/session/import.html",
    title=_("Import sessions"),
    help_text=_("CSV (UTF-8) or XLSX, at most 5 MB: one row per session."),
    changed_meanwhile=_(
        "Nothing was imported: the program changed since the preview, and some rows now "
        "break a rule. See why below."
    ),
    imported=lambda counts: (
        ngettext(
            "Imported: %(new)d new session, %(update)d updated.",
            "Imported: %(new)d new sessions, %(update)d updated.",
            counts["new"],
        )
        % counts
    ),
    changelist="admin:program_session_changelist",
    versioned=True,
    choices=import_templates.session_choices,
    template_dataset=import_templates.session_template,
    differences=import_templates.session_differences,
)
SPEAKERS = Sheet(
    key="speaker-import",
    read_rows=speaker_sheet.read_rows,
    apply=services.speakers_import,
    columns=speaker_sheet.COLUMNS,
    template="admin/speakers/speaker/import.html",
    title=_("Import speakers"),
    help_text=_("CSV (UTF-8) or XLSX, at most 5 MB: one row per speaker."),
    changed_meanwhile=_(
        "Nothing was imported: the speakers changed since the preview, and some rows now have "
        "errors. See why below."
    ),
    imported=lambda counts: (
        ngettext(
            "Imported: %(new)d new speaker, %(update)d updated.",
            "Imported: %(new)d new speakers, %(update)d updated.",
            counts["new"],
        )
        % counts
    ),
    changelist="admin:speakers_speaker_changelist",
    template_dataset=import_templates.speaker_template,
)


class UploadForm(forms.Form):
    spreadsheet = forms.FileField(label=_("Spreadsheet"))

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["spreadsheet"].help_text = sheet.help_text

    def clean_spreadsheet(self):
        upload = self.cleaned_data["spreadsheet"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is too large; import at most 5 MB at a time."), code="too_large"
            )
        return upload


def packed(dataset):
    """The cells of `dataset` (texts, numbers, dates and times, as read_dataset read them),
    compressed for storage."""
    table = (list(dataset.headers or []), [list(row) for row in dataset])
    return zlib.compress(pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpacked(cells):
    """The Dataset packed() packed."""
    headers, table = pickle.loads(zlib.decompress(bytes(cells)))  # noqa: S301  (our own row)
    return tablib.Dataset(*table, headers=headers)


def versions_read(sheet, rows):
    """{session id: version} of the stored sessions the preview read, for the confirmation."""
    if not sheet.versioned:
        return None
    return {str(row.original.pk): row.original.version for row in rows if row.original is not None}


def session_import(request, model_admin):
    return import_page(request, model_admin, SESSIONS)


def speaker_import(request, model_admin):
    return import_page(request, model_admin, SPEAKERS)


def import_page(request, model_admin, sheet):
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    if request.method == "GET" and request.GET.get("template") in ("csv", "xlsx"):
        return template_file(sheet, request.GET["template"])
    if request.method == "GET" and "token" in request.GET:
        upload = stored_upload(request, sheet, request.GET["token"])
        if upload is None:
            return lost_upload(request, model_admin, sheet)
        if request.GET.get("download") == "refused":
            return refused_rows_file(request, sheet, upload)
        return preview(request, model_admin, sheet, upload)
    if request.method == "POST" and "token" in request.POST:
        upload = stored_upload(request, sheet, request.POST["token"])
        if upload is None:
            return lost_upload(request, model_admin, sheet)
        if (
            "accept" in request.POST
            or "accept_all" in request.POST
            or "new_speaker" in request.POST
        ):
            return correct(request, model_admin, sheet, upload)
        return confirm(request, model_admin, sheet, upload)
    if request.method != "POST":
        return page(request, model_admin, sheet, form=UploadForm(sheet=sheet))
    form = UploadForm(request.POST, request.FILES, sheet=sheet)
    if not form.is_valid():
        return page(request, model_admin, sheet, form=form, status=400)
    file = form.cleaned_data["spreadsheet"]
    try:
        dataset = read_dataset(file.read(), file.name)
        cells = packed(dataset)  # as read, before read_rows looks at it
        rows = sheet.read_rows(dataset)  # a file whose columns are wrong is never kept
    except FileError as error:
        form.add_error("spreadsheet", str(error))
        return page(request, model_admin, sheet, form=form, status=400)
    now = timezone.now()
    # Expired uploads go as new ones come: the table holds an hour's uploads at most.
    SpreadsheetUpload.objects.filter(expires_at__lte=now).delete()
    upload = SpreadsheetUpload.objects.create(
        token=secrets.token_hex(16),
        user=request.user,
        sheet=sheet.key,
        file_name=file.name[:255],
        cells=cells,
        expires_at=now + datetime.timedelta(seconds=UPLOAD_SECONDS),
    )
    return preview(request, model_admin, sheet, upload, rows=rows)


def stored_upload(request, sheet, token):
    """The user's own upload of this sheet under `token`, unless it expired."""
    if not TOKEN.match(token or ""):
        return None
    return SpreadsheetUpload.objects.filter(
        token=token, user=request.user, sheet=sheet.key, expires_at__gt=timezone.now()
    ).first()


def lost_upload(request, model_admin, sheet):
    problem = _(
        "This upload cannot be found: it expired after an hour, or was made by someone "
        "else. Upload the file again."
    )
    return refused(request, model_admin, sheet, problem)


def refused(request, model_admin, sheet, problem):
    """The upload form again, with what stops this upload (400)."""
    return page(
        request, model_admin, sheet, form=UploadForm(sheet=sheet), problem=problem, status=400
    )


def read_upload(sheet, upload):
    """The rows of the stored upload, with the cells corrected on the preview."""
    return sheet.read_rows(
        unpacked(upload.cells), corrections=Corrections.from_json(upload.replacements)
    )


def preview(request, model_admin, sheet, upload, rows=None):
    """The dry run of the stored upload, as it now reads (`rows`: as just read from it); the
    versions it read are kept for the confirmation."""
    try:
        rows = read_upload(sheet, upload) if rows is None else rows
    except FileError as error:
        return refused(request, model_admin, sheet, str(error))
    rows = sheet.apply(user=request.user, rows=rows, dry_run=True)
    versions = versions_read(sheet, rows)
    if versions != upload.versions:
        upload.versions = versions
        upload.save(update_fields=["versions"])
    return page(
        request,
        model_admin,
        sheet,
        rows=rows,
        token=upload.token,
        file_name=upload.file_name,
        only_errors=request.GET.get("only") == "errors",
    )


def correct(request, model_admin, sheet, upload):
    """Accept one suggestion ("row:column"), or all of them, or take a name as a new speaker:
    kept with the upload, then the preview read again from the stored cells."""
    corrections = Corrections.from_json(upload.replacements)
    if "new_speaker" in request.POST:
        corrections.new_speakers.append(request.POST["new_speaker"][:200])
    else:
        try:
            rows = read_upload(sheet, upload)
        except FileError as error:
            return refused(request, model_admin, sheet, str(error))
        wanted = None if "accept_all" in request.POST else request.POST["accept"]
        for row in rows:
            for column, replacement in getattr(row, "suggestions", {}).items():
                if wanted is None or wanted == f"{row.number}:{column}":
                    corrections.replace(row.number, column, replacement)
    upload.replacements = corrections.as_json()
    upload.save(update_fields=["replacements"])
    return preview(request, model_admin, sheet, upload)


def confirm(request, model_admin, sheet, upload):
    """Import the stored upload, all of it, or only the rows without errors ("valid_only")."""
    try:
        rows = read_upload(sheet, upload)
        if "valid_only" in request.POST:
            checked = sheet.apply(user=request.user, rows=rows, dry_run=True)
            valid = {row.number for row in checked if not row.errors}
            rows = [row for row in read_upload(sheet, upload) if row.number in valid]
    except FileError as error:
        form = UploadForm(sheet=sheet)
        return page(request, model_admin, sheet, form=form, problem=str(error), status=400)
    versions = {int(pk): version for pk, version in (upload.versions or {}).items()}
    rows = sheet.apply(
        user=request.user, rows=rows, **({"versions": versions} if sheet.versioned else {})
    )
    # The upload is spent: a new preview shows the program as it now is.
    upload.delete()
    if any(row.errors for row in rows):
        model_admin.message_user(request, sheet.changed_meanwhile, messages.ERROR)
        return page(request, model_admin, sheet, rows=rows, file_name=upload.file_name)
    model_admin.message_user(request, sheet.imported(counts(rows)), messages.SUCCESS)
    return HttpResponseRedirect(reverse(sheet.changelist))


def template_file(sheet, file_format):
    """A sheet to fill in: the columns, an example row, and (XLSX) the valid values."""
    book = sheet.template_dataset(file_format)
    if isinstance(book, tablib.Databook):
        content = tablib.Databook(
            [safe_dataset(each, typed=True) for each in book.sheets()]
        ).export("xlsx")
        content_type = SafeXLSX().get_content_type()
    elif file_format == "xlsx":
        content = SafeXLSX().export_data(book)
        content_type = SafeXLSX().get_content_type()
    else:
        content = SafeCSV().export_data(book)
        content_type = "text/csv; charset=utf-8"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{sheet.key}-template.{file_format}"'
    return response


def refused_rows_file(request, sheet, upload):
    """The rows of the stored upload that have errors, as the file had them (corrections
    included), with an "errors" column the import ignores: to correct and upload again."""
    rows = sheet.apply(user=request.user, rows=read_upload(sheet, upload), dry_run=True)
    columns = [column for column in sheet.columns if any(column in row.cells for row in rows)]
    dataset = tablib.Dataset(headers=[*columns, "errors"])
    for row in rows:
        if row.errors:
            errors = "; ".join(
                f"{column}: {error}"
                for column, messages in row.errors.items()
                for error in messages
            )
            dataset.append([*(row.cells.get(column) for column in columns), errors])
    response = HttpResponse(SafeCSV().export_data(dataset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{sheet.key}-errors.csv"'
    return response


def page(request, model_admin, sheet, *, status=200, **context):
    rows = context.get("rows")
    if rows is not None:
        if sheet.differences:
            for row in rows:
                row.differences = sheet.differences(row)
        tally = counts(rows)
        context.update(
            refused=any(row.errors for row in rows),
            new_count=tally["new"],
            update_count=tally["update"],
            unchanged_count=tally["unchanged"],
            error_count=sum(bool(row.errors) for row in rows),
            valid_count=tally["new"] + tally["update"],
            suggestion_count=sum(len(getattr(row, "suggestions", {})) for row in rows),
            shown_rows=[row for row in rows if row.errors] if context.get("only_errors") else rows,
            draft_count=sum(
                1
                for row in rows
                if row.action == "new"
                and getattr(getattr(row, "session", None), "status", "") == "draft"
            ),
            new_speakers=sorted(
                {speaker.name for row in rows for speaker in getattr(row, "new_speakers", [])}
            ),
            new_organizations=sorted(
                {
                    row.new_organization.name
                    for row in rows
                    if getattr(row, "new_organization", None)
                }
            ),
            choices=sheet.choices(rows) if sheet.choices else [],
        )
    return TemplateResponse(
        request,
        sheet.template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": sheet.title,
            "columns": sheet.columns,
            "import_url": request.path,
            **context,
        },
        status=status,
    )


class SpeakerImport:
    """The speaker list's Import page (a mixin of SpeakerAdmin), the same page as the
    sessions'; its Export stays django-import-export's."""

    change_list_template = "admin/speakers/speaker/change_list.html"

    def has_import_permission(self, request):
        return services.may_import_speakers(request.user)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_import_permission": self.has_import_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="speakers_speaker_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        return speaker_import(request, self)
