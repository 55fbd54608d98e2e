"""Merging the duplicate records of one person: the speaker list's action.

The page shows each selected record with what tells it apart, the richest one chosen, and what
merging into the chosen record does to each session; the merge button confirms that preview
only (it carries the record previewed), so a record chosen afterwards is previewed first."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from speakers.models import Speaker

from .. import services
from .messages import linked_message, message_list, session_link

OTHER_RECORD_CHOSEN = _(
    "Nothing was merged: you chose another record than the one previewed. Check what merging "
    "into it does, then confirm."
)


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Speaker.objects.none(),
        widget=forms.RadioSelect,
        label=_("Keep this record; the others are merged into it and deleted"),
        error_messages={"invalid_choice": _("Choose one of the selected records to keep.")},
    )


def merged_message(plan):
    """What a merge did, in words: “Merged into “X”: 3 seats moved, 1 panel where …”."""
    parts = []
    if plan.seats_moved:
        parts.append(
            ngettext("%(count)d seat moved", "%(count)d seats moved", plan.seats_moved)
            % {"count": plan.seats_moved}
        )
    if plan.joined:
        parts.append(
            ngettext(
                "%(count)d panel where the records sat together now has one seat (%(roles)s)",
                "%(count)d panels where the records sat together now have one seat each "
                "(%(roles)s)",
                len(plan.joined),
            )
            % {
                "count": len(plan.joined),
                "roles": ", ".join(services.role_label(change.role) for change in plan.joined),
            }
        )
    if not parts:
        parts.append(gettext("no panel seat to move"))
    if plan.filled:
        parts.append(
            gettext("empty fields filled from the others: %(fields)s")
            % {"fields": ", ".join(plan.filled_labels)}
        )
    parts.append(
        ngettext(
            "%(count)d duplicate record deleted",
            "%(count)d duplicate records deleted",
            len(plan.duplicates),
        )
        % {"count": len(plan.duplicates)}
    )
    return gettext("Merged into “%(name)s”: %(details)s.") % {
        "name": plan.keep,
        "details": ", ".join(parts),
    }


def record_rows(form, records, user):
    """Each selected record beside its radio button, with what tells it apart."""
    radios = {str(radio.data["value"]): radio for radio in form["keep"]}
    rows = []
    for record in records:
        rows.append(
            {
                "radio": radios[str(record.pk)],
                "speaker": record,
                "filled": sum(1 for name in services.MERGED_FIELDS if getattr(record, name)),
                "fields": len(services.MERGED_FIELDS),
                "seats": [
                    {
                        "link": session_link(seat.session, user),
                        "role": services.role_label(seat.role),
                        "slot": seat.session.slot_label,
                        "edition": seat.session.conference,
                        "status": seat.session.get_status_display(),
                    }
                    for seat in record.seats
                ],
            }
        )
    return rows


def photo_cell(speaker):
    if not speaker.photo:
        return "—"
    return format_html('<img src="{}" width="80" alt=""> {}', speaker.photo.url, speaker.photo.name)


def sessions_cell(seats):
    if not seats:
        return gettext("None")
    items = format_html_join(
        "",
        "<li>{} — {}; {}, {} ({})</li>",
        (
            (seat["link"], seat["role"], seat["slot"], seat["edition"], seat["status"])
            for seat in seats
        ),
    )
    return format_html("<ul>{}</ul>", items)


def facts(row):
    """What may tell this record apart from the others: (label, value) pairs."""
    speaker = row["speaker"]

    def field(name):
        return capfirst(Speaker._meta.get_field(name).verbose_name)

    return [
        (field("organization"), speaker.organization or "—"),
        (field("job_title"), speaker.job_title or "—"),
        (field("pronouns"), speaker.pronouns or "—"),
        (field("website"), speaker.website or "—"),
        (field("bio"), Truncator(speaker.bio).chars(200) or "—"),
        (field("photo"), photo_cell(speaker)),
        (_("Sessions"), sessions_cell(row["seats"])),
        (
            _("Fields filled"),
            gettext("%(filled)d of %(fields)d")
            % {"filled": row["filled"], "fields": row["fields"]},
        ),
    ]


def plan_rows(plan, user):
    return [
        {
            "link": session_link(change.session, user),
            "slot": change.session.slot_label,
            "status": change.session.get_status_display(),
            "what": change.description if change.moves else None,
            "messages": [linked_message(error, user) for error in change.errors],
        }
        for change in plan.sessions
    ]


class SpeakerMerge:
    """The merge action of SpeakerAdmin (a mixin of it)."""

    @admin.action(description=_("Merge the selected duplicates"), permissions=["change", "delete"])
    def merge_duplicates(self, request, queryset):
        records = services.records_for_merge(queryset)
        if len(records) < 2:
            self.message_user(request, _("Select at least two speakers to merge."), messages.ERROR)
            return None
        chosen = "keep" in request.POST
        form = MergeForm(request.POST if chosen else None, initial={"keep": records[0].pk})
        form.fields["keep"].queryset = queryset
        if chosen and not form.is_valid():
            return self.merge_page(request, form, records, plan=None)
        keep_pk = form.cleaned_data["keep"].pk if chosen else records[0].pk
        keep = next(record for record in records if record.pk == keep_pk)
        duplicates = [record for record in records if record.pk != keep.pk]
        confirmed = request.POST.get("apply") if chosen else None
        try:
            if confirmed == str(keep.pk):
                plan = services.speakers_merge(user=request.user, keep=keep, duplicates=duplicates)
                self.message_user(request, merged_message(plan), messages.SUCCESS)
                return None
            if confirmed:
                self.message_user(request, OTHER_RECORD_CHOSEN, messages.WARNING)
            plan = services.speakers_merge_preview(
                user=request.user, keep=keep, duplicates=duplicates
            )
        except PermissionDenied as error:
            self.not_merged(request, error)
            return None
        except ValidationError as error:
            # The program changed since the preview: show why, with the preview as it now is.
            self.not_merged(request, error)
            plan = services.speakers_merge_preview(
                user=request.user, keep=keep, duplicates=duplicates
            )
        return self.merge_page(request, form, records, plan=plan)

    def not_merged(self, request, error):
        self.message_user(
            request,
            format_html(_("Not merged: {reasons}"), reasons=message_list(error, request.user)),
            messages.ERROR,
        )

    def merge_page(self, request, form, records, *, plan):
        rows = record_rows(form, records, request.user)
        for row in rows:
            row["facts"] = facts(row)
        return TemplateResponse(
            request,
            "admin/speakers/speaker/merge.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Merge duplicate speakers"),
                "records": rows,
                "form": form,
                "plan": plan,
                "rows": plan_rows(plan, request.user) if plan else [],
                "filled": plan.filled_labels if plan else [],
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
