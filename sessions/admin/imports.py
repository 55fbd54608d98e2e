"""The session import page of the admin: upload a spreadsheet, see what it would do to every
row (with each error next to its row, in words), then confirm.

The uploaded file waits for the confirmation in Django's cache (Redis when configured, so any
app server can take the confirmation), under a random token tied to the user who uploaded it: a
confirmation form can name nothing else. Every request this page cannot use (no file, a file it
cannot read, a token that is malformed, expired or someone else's) answers 400 with a message."""

import re
import secrets

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .. import services
from ..importing import COLUMNS, FileError, read_dataset, read_rows

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
UPLOAD_SECONDS = 60 * 60
TOKEN = re.compile(r"^[0-9a-f]{32}$")


class UploadForm(forms.Form):
    spreadsheet = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("CSV (UTF-8) or XLSX, at most 5 MB: one row per session."),
    )

    def clean_spreadsheet(self):
        upload = self.cleaned_data["spreadsheet"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("This file is too large; import at most 5 MB at a time."), code="too_large"
            )
        return upload


def upload_key(user, token):
    return f"program-import:{user.pk}:{token}"


def session_import(request, model_admin):
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return confirm(request, model_admin)
    if request.method != "POST":
        return page(request, model_admin, form=UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return page(request, model_admin, form=form, status=400)
    upload = form.cleaned_data["spreadsheet"]
    content = upload.read()
    try:
        rows = read_rows(read_dataset(content, upload.name))
    except FileError as error:
        form.add_error("spreadsheet", str(error))
        return page(request, model_admin, form=form, status=400)
    rows = services.sessions_import(user=request.user, rows=rows, dry_run=True)
    token = secrets.token_hex(16)
    cache.set(upload_key(request.user, token), (upload.name, content), UPLOAD_SECONDS)
    return page(request, model_admin, rows=rows, token=token, file_name=upload.name)


def confirm(request, model_admin):
    token = request.POST.get("token", "")
    stored = cache.get(upload_key(request.user, token)) if TOKEN.match(token) else None
    if stored is None:
        return page(
            request,
            model_admin,
            form=UploadForm(),
            problem=_(
                "This upload cannot be found: it expired after an hour, or was made by someone "
                "else. Upload the file again."
            ),
            status=400,
        )
    file_name, content = stored
    try:
        rows = services.sessions_import(
            user=request.user, rows=read_rows(read_dataset(content, file_name))
        )
    except FileError as error:
        return page(request, model_admin, form=UploadForm(), problem=str(error), status=400)
    if any(row.errors for row in rows):
        model_admin.message_user(
            request,
            _(
                "Nothing was imported: the program changed since the preview, and some rows now "
                "break a rule. See why below."
            ),
            messages.ERROR,
        )
        return page(request, model_admin, rows=rows, token=token, file_name=file_name)
    cache.delete(upload_key(request.user, token))
    counts = {action: sum(row.action == action for row in rows) for action in ("new", "update")}
    model_admin.message_user(
        request,
        ngettext(
            "Imported: %(new)d new session, %(update)d updated.",
            "Imported: %(new)d new sessions, %(update)d updated.",
            counts["new"],
        )
        % counts,
        messages.SUCCESS,
    )
    return HttpResponseRedirect(reverse("admin:program_session_changelist"))


def page(request, model_admin, *, status=200, **context):
    rows = context.get("rows")
    if rows is not None:
        context.update(
            refused=any(row.errors for row in rows),
            new_count=sum(row.action == "new" for row in rows),
            update_count=sum(row.action == "update" for row in rows),
            unchanged_count=sum(row.action == "unchanged" for row in rows),
            error_count=sum(bool(row.errors) for row in rows),
            new_speakers=sorted({speaker.name for row in rows for speaker in row.new_speakers}),
        )
    return TemplateResponse(
        request,
        "admin/program/session/import.html",
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": _("Import sessions"),
            "columns": COLUMNS,
            **context,
        },
        status=status,
    )
