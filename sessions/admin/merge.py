"""Merging the duplicate records of one person: the speaker list's action."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .. import services
from .forms import MergeForm
from .messages import message_list


class SpeakerMerge:
    """The merge action of SpeakerAdmin (a mixin of it)."""

    @admin.action(description=_("Merge the selected duplicates"), permissions=["change", "delete"])
    def merge_duplicates(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, _("Select at least two speakers to merge."), messages.ERROR)
            return None
        form = MergeForm(request.POST if "keep" in request.POST else None)
        form.fields["keep"].queryset = queryset
        if form.is_valid():
            kept = form.cleaned_data["keep"]
            try:
                services.speakers_merge(
                    user=request.user, keep=kept, duplicates=list(queryset.exclude(pk=kept.pk))
                )
            except (ValidationError, PermissionDenied) as error:
                self.message_user(
                    request,
                    format_html(
                        _("Not merged: {reasons}"), reasons=message_list(error, request.user)
                    ),
                    messages.ERROR,
                )
                return None
            self.message_user(
                request,
                _("Merged into “%(name)s”; every panel seat was kept.") % {"name": kept},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/speakers/speaker/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge duplicate speakers"),
                "speakers": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
