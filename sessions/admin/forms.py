"""The admin's forms: a session with its panel, in the order of the work, and the actions' and
merge's small forms."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields

from speakers.models import Speaker
from tracks.models import Conference

from .. import rules, services
from ..forms import SessionForm
from ..models import Session, StaleSessionError
from .messages import linked_message, names_a_session


class TopicCheckboxes(forms.CheckboxSelectMultiple):
    """Topics grouped by track, each box saying its track (data-track), so that the form's
    script shows only the chosen track's topics before anything is saved."""

    track_of = None  # {topic id: track id}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        key = getattr(value, "value", value)
        if self.track_of and key in self.track_of:
            option["attrs"]["data-track"] = self.track_of[key]
        return option


class InlineCheckboxes(forms.CheckboxSelectMultiple):
    """A few choices side by side (the languages), instead of a two-pane picker."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"class": "program-inline-choices", **(attrs or {})}, choices)


def local_field(field_class, input_type, **widget_attrs):
    widget_class = forms.DateInput if field_class is forms.DateField else forms.TimeInput
    widget_format = "%Y-%m-%d" if field_class is forms.DateField else "%H:%M"
    return widget_class(attrs={"type": input_type, **widget_attrs}, format=widget_format)


# A text's languages side by side (one row of the fieldset), English first.
WHAT_FIELDS = [
    "conference",
    tuple(get_translation_fields("title")),
    "slug",
    "track",
    "topics",
    "format",
    tuple(get_translation_fields("description")),
]


class SessionAdminForm(SessionForm):
    """The session as organizers enter it: one day and two clock times on the edition's own
    clock (made into starts_at and ends_at here), the panel in the order its rows are in."""

    day = forms.DateField(
        label=_("Day"),
        input_formats=["%Y-%m-%d"],
        widget=local_field(forms.DateField, "date"),
    )
    start_time = forms.TimeField(
        label=_("Start"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=local_field(forms.TimeField, "time", step=300),
    )
    end_time = forms.TimeField(
        label=_("End"),
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=local_field(forms.TimeField, "time", step=300),
    )
    # The version this form was opened at (Session.version is not editable).
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    acting_user = None  # set by SessionAdmin.get_form, for links in messages

    # The model's own fields that the form enters as day, start and end.
    FORM_FIELD_OF = {"starts_at": "day", "ends_at": "end_time"}

    class Meta(SessionForm.Meta):
        fields = [
            *(name for name in SessionForm.Meta.fields if name not in ("starts_at", "ends_at")),
            "cancellation_note",
        ]
        widgets = {
            **{
                title: forms.TextInput(attrs={"class": "vTextField program-title"})
                for title in get_translation_fields("title")
            },
            # Written later, often pasted: a few lines, so that the time and place are in view.
            **{
                description: forms.Textarea(attrs={"class": "vLargeTextField", "rows": 4})
                for description in get_translation_fields("description")
            },
            **{
                note: forms.Textarea(attrs={"class": "vLargeTextField", "rows": 2})
                for note in get_translation_fields("cancellation_note")
            },
            "languages": InlineCheckboxes,
            "interpretation_languages": InlineCheckboxes,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        session = self.instance
        if session.pk:
            self.fields["loaded_version"].initial = session.version
            zone = session.conference.tzinfo
            starts = timezone.localtime(session.starts_at, zone)
            ends = timezone.localtime(session.ends_at, zone)
            self.initial.setdefault("day", starts.date().isoformat())
            self.initial.setdefault("start_time", f"{starts:%H:%M}")
            self.initial.setdefault("end_time", f"{ends:%H:%M}")
        if "topics" in self.fields:
            self.group_topics_by_track()
        edition = self.edition()
        if edition is not None and "day" in self.fields:
            # The browser's date picker opens on the edition's days; other days are refused
            # by the rules, in their words.
            self.fields["day"].widget.attrs.update(
                min=edition.start_date.isoformat(), max=edition.end_date.isoformat()
            )
            self.fields["day"].help_text = _(
                "%(first)s to %(last)s. Times are on the edition’s clock, %(zone)s."
            ) % {
                "first": date_format(edition.start_date, str(rules.EDITION_FIRST_DAY_FORMAT)),
                "last": date_format(edition.end_date, str(rules.EDITION_LAST_DAY_FORMAT)),
                "zone": edition.time_zone,
            }

    def group_topics_by_track(self):
        field = self.fields["topics"]
        widget = getattr(field.widget, "widget", field.widget)  # inside the "add" wrapper
        topics = list(field.queryset.select_related("track"))
        groups = {}
        for topic in topics:
            groups.setdefault(topic.track, []).append((topic.pk, capfirst(topic.name)))
        widget.choices = [(capfirst(track.name), options) for track, options in groups.items()]
        widget.track_of = {topic.pk: topic.track_id for topic in topics}
        field.help_text = _("Only the topics of the session’s track can be chosen.")

    def edition(self):
        """The edition the form is for: the session's, or the one it was opened with."""
        if self.instance.conference_id:
            return self.instance.conference
        chosen = self.initial.get("conference")
        if isinstance(chosen, Conference):
            return chosen
        if chosen and str(chosen).isdigit():
            return Conference.objects.filter(pk=chosen).first()
        return None

    def add_error(self, field, error):
        # The rules speak of starts_at and ends_at; this form shows them as day, start, end.
        if field is None and hasattr(error, "error_dict"):
            error = ValidationError(
                {
                    self.FORM_FIELD_OF.get(name, name): errors
                    for name, errors in error.error_dict.items()
                }
            )
        super().add_error(self.FORM_FIELD_OF.get(field, field), error)

    def clean_times(self, cleaned_data):
        """starts_at and ends_at, from the day and clock times, on the edition's clock."""
        day, start, end = (cleaned_data.get(name) for name in ("day", "start_time", "end_time"))
        conference = cleaned_data.get("conference")
        if not (day and start and end and conference):
            return
        if end <= start:
            self.add_error(
                "end_time",
                ValidationError(_("A session must end after it starts."), code="ends_first"),
            )
            return
        zone = conference.tzinfo
        self.instance.starts_at = datetime.datetime.combine(day, start, tzinfo=zone)
        self.instance.ends_at = datetime.datetime.combine(day, end, tzinfo=zone)

    def clean(self):
        cleaned_data = super().clean()
        self.clean_times(cleaned_data)
        if self.instance.pk:
            seen = cleaned_data.get("loaded_version")
            current = Session.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if seen is None or not current or current[0] != seen:
                raise ValidationError(str(StaleSessionError(self.instance)), code="stale")
            # The save checks again, against this copy, in case someone saves in between.
            self.instance.version = seen
            previous = Session.objects.get(pk=self.instance.pk).status
            status = cleaned_data.get("status")
            for field, errors in rules.status_change_errors(previous, status).items():
                for error in errors:
                    self.add_error(field, error)
        elif cleaned_data.get("status") == Session.Status.CANCELLED:
            for field, errors in rules.status_change_errors(None, Session.Status.CANCELLED).items():
                for error in errors:
                    self.add_error(field, error)
        return cleaned_data

    def _post_clean(self):
        super()._post_clean()
        # The rules' messages name the other session; here they link to it, for this user.
        for field, errors in list(self._errors.items()):
            self._errors[field] = self.error_class(
                [
                    linked_message(error, self.acting_user) if names_a_session(error) else error
                    for error in errors.as_data()
                ]
            )


def error_summary(form, inline_admin_formsets):
    """[(label, anchor, message)]: every error of the form and of its panel rows, for the list
    at the top of the page that links each refusal to the field or the row it is about."""
    items = []
    for name, errors in form.errors.items():
        label = anchor = None
        if name in form.fields:
            label, anchor = capfirst(form.fields[name].label or name), form[name].auto_id
        items += [(label, anchor, message) for message in errors]
    for inline_admin_formset in inline_admin_formsets:
        formset = inline_admin_formset.formset
        heading = capfirst(inline_admin_formset.opts.verbose_name_plural)
        anchor = f"{formset.prefix}-group"
        items += [(heading, anchor, error) for error in formset.non_form_errors()]
        for index, row in enumerate(formset.forms):
            if not row.errors:
                continue
            chosen = row["speaker"].value()
            speaker = Speaker.objects.filter(pk=chosen).first() if str(chosen).isdigit() else None
            label = _("Panel, row %(number)d") % {"number": index + 1}
            if speaker is not None:
                label = _("Panel, row %(number)d (%(speaker)s)") % {
                    "number": index + 1,
                    "speaker": speaker,
                }
            for errors in row.errors.values():
                items += [(label, f"{formset.prefix}-{index}", message) for message in errors]
    return items


class PanelFormSet(forms.BaseInlineFormSet):
    """The panel as submitted (rows marked for deletion left out) is what the clash rule reads;
    a clash is shown on the row of the speaker concerned."""

    acting_user = None

    def clean(self):
        super().clean()
        session = self.instance
        if session.status != Session.Status.PUBLISHED or not (
            session.starts_at and session.ends_at
        ):
            return
        row_of_speaker = {
            form.cleaned_data["speaker"].pk: form
            for form in self.forms
            if form.cleaned_data.get("speaker") and not form.cleaned_data.get("DELETE")
        }
        for seat in rules.speaker_clashes(session, list(row_of_speaker)):
            error = rules.speaker_taken(seat.speaker, seat.session)
            row_of_speaker[seat.speaker_id].add_error(
                "speaker", linked_message(error, self.acting_user)
            )

    def panel(self):
        """[services.Seat] in the order given, from the valid rows kept."""
        rows = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("speaker") and not form.cleaned_data.get("DELETE")
        ]
        return [
            services.Seat(speaker=row["speaker"], role=row["role"], order=row.get("order") or 0)
            for row in rows
        ]


class CancelForm(forms.Form):
    confirm = forms.CharField(widget=forms.HiddenInput, initial="1")
    note = forms.CharField(
        label=_("Note for attendees (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown with each cancelled session, e.g. where to go instead."),
    )


class MoveToTrackForm(forms.Form):
    confirm = forms.CharField(widget=forms.HiddenInput, initial="1")
    track = forms.ModelChoiceField(queryset=None, label=_("Move to track"))
