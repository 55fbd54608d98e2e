"""The schedule's filters. Every choice comes from the edition's own data, fetched once by the
view, so validating and rendering the form costs no further queries; an unknown value is a
form error that the page shows, never a 500."""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Session
from .queries import Fold, fold
from .texts import language_word

ACCESS_CHOICES = [
    ("cart", _("CART captioning")),
    ("asl", _("ASL interpretation")),
    ("interpretation", _("Interpretation offered")),
]
MAX_QUERY_LENGTH = 200


def topic_key(topic, track):
    """Topic slugs are unique within their track only, so the URL names both."""
    return f"{track.slug}/{topic.slug}"


# What chat apps and mail readers take into a link that ends a sentence: “see …?sessions=1,2.”
TRAILING_PUNCTUATION = ".),;!?'\""
ENCODED_TRAILING_PUNCTUATION = re.compile(
    "(?:%(?:" + "|".join(f"{ord(c):02X}" for c in TRAILING_PUNCTUATION) + "))+$", re.IGNORECASE
)


def strip_trailing_punctuation(raw):
    """“1,2.” or “1,2),” → “1,2”: the tail a shared link picks up, also when it arrives still
    percent-encoded (“1,2%2E”, encoded twice on its way). Whitespace there goes too."""
    while True:
        stripped = ENCODED_TRAILING_PUNCTUATION.sub("", raw.rstrip(TRAILING_PUNCTUATION).rstrip())
        if stripped == raw:
            return raw
        raw = stripped


def parse_session_ids(raw, limit):
    """“12,15,20” → [12, 15, 20] (duplicates dropped); anything else is refused with a reason.
    Punctuation ending the value (“12,15.”, as a shared link picks up) is ignored.
    Only ASCII digits count: "²" is a digit to Python's str.isdigit(), not to int()."""
    raw = strip_trailing_punctuation(raw or "")
    if not raw:
        return []
    parts = [part.strip() for part in raw.split(",")]
    if len(parts) > limit:
        raise ValidationError(
            _("An agenda holds at most %(limit)d sessions.") % {"limit": limit}, code="too_many"
        )
    if not all(part.isascii() and part.isdecimal() and len(part) <= 18 for part in parts):
        raise ValidationError(
            _("The list of sessions must be numbers separated by commas."), code="invalid"
        )
    return list(dict.fromkeys(int(part) for part in parts))


MAX_AGENDA_SESSIONS = 200


class SessionIdsField(forms.CharField):
    def to_python(self, value):
        return parse_session_ids(super().to_python(value), MAX_AGENDA_SESSIONS)


class ScheduleFilterForm(forms.Form):
    """Holds the day, which selects what to show rather than filtering it, and the agenda the
    page was opened with (without JavaScript, the stars add to that list)."""

    day = forms.TypedChoiceField(
        label=_("Day"),
        required=False,
        coerce=str,
        error_messages={"invalid_choice": _("“%(value)s” is not a day of this edition.")},
    )
    agenda = SessionIdsField(required=False, widget=forms.HiddenInput)

    NOT_FILTERS = ("day", "agenda")


class ListSelect(forms.Select):
    """A <select> written in Python: Django's template for it includes a template per option,
    which cost the schedule more than its queries (a topic list has dozens of options)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            items = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (option["value"], flatatt(option["attrs"]), option["label"])
                    for option in options
                ),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, items)
                if group_name
                else items
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            format_html_join("", "{}", ((group,) for group in groups)),
        )


class ScheduleFilter(django_filters.FilterSet):
    track = django_filters.ChoiceFilter(
        label=_("Track"),
        widget=ListSelect,
        field_name="track__slug",
        empty_label=_("All tracks"),
        error_messages={"invalid_choice": _("“%(value)s” is not a track of this edition.")},
    )
    topic = django_filters.ChoiceFilter(
        label=_("Topic"),
        widget=ListSelect,
        method="filter_topic",
        empty_label=_("All topics"),
        error_messages={"invalid_choice": _("“%(value)s” is not a topic of this edition.")},
    )
    room = django_filters.ChoiceFilter(
        label=_("Room"),
        widget=ListSelect,
        field_name="room__slug",
        empty_label=_("All rooms"),
        error_messages={"invalid_choice": _("“%(value)s” is not a room of this edition.")},
    )
    format = django_filters.ChoiceFilter(
        label=_("Format"),
        widget=ListSelect,
        choices=Session.Format.choices,
        empty_label=_("All formats"),
        error_messages={"invalid_choice": _("“%(value)s” is not a session format.")},
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"),
        widget=ListSelect,
        method="filter_language",
        empty_label=_("Any language"),
        error_messages={"invalid_choice": _("“%(value)s” is not a language of the program.")},
    )
    access = django_filters.ChoiceFilter(
        label=_("Access"),
        widget=ListSelect,
        method="filter_access",
        choices=ACCESS_CHOICES,
        empty_label=_("Any"),
        error_messages={"invalid_choice": _("“%(value)s” is not an access service.")},
    )
    speaker = django_filters.CharFilter(
        label=_("Speaker or organization"), method="filter_speaker", max_length=MAX_QUERY_LENGTH
    )
    q = django_filters.CharFilter(
        label=_("Words in title or description"), method="filter_text", max_length=MAX_QUERY_LENGTH
    )

    class Meta:
        model = Session
        fields = []
        form = ScheduleFilterForm

    def __init__(self, data, queryset, *, conference, tracks, rooms, languages):
        super().__init__(data, queryset)
        self.conference = conference
        self.filters["track"].extra["choices"] = [
            (track.slug, capfirst(track.name)) for track in tracks
        ]
        self.filters["topic"].extra["choices"] = [
            (
                capfirst(track.name),
                [(topic_key(topic, track), capfirst(topic.name)) for topic in track.topics.all()],
            )
            for track in tracks
            if track.topics.all()
        ]
        self.filters["room"].extra["choices"] = [(room.slug, room.name) for room in rooms]
        self.filters["language"].extra["choices"] = [
            # In the page's language ("Idioma: inglés"), as the cards name them.
            (language.code, capfirst(language_word(language.code, language.name)))
            for language in languages
        ]
        self.form.fields["day"].choices = [("", "")] + [
            (day.isoformat(), day.isoformat()) for day in conference.days
        ]

    def filter_queryset(self, queryset):
        # The form's day field picks the page to show; every other field filters.
        for name, value in self.form.cleaned_data.items():
            if name in self.filters:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_topic(self, queryset, name, value):
        track_slug, topic_slug = value.split("/", 1)
        return queryset.filter(
            pk__in=queryset.model.objects.filter(
                topics__track__slug=track_slug, topics__slug=topic_slug
            ).values("pk")
        )

    def filter_language(self, queryset, name, value):
        return queryset.filter(
            pk__in=queryset.model.objects.filter(
                Q(languages__code=value) | Q(interpretation_languages__code=value)
            ).values("pk")
        )

    def filter_access(self, queryset, name, value):
        if value == "cart":
            return queryset.filter(has_cart=True)
        if value == "asl":
            return queryset.filter(has_asl=True)
        return queryset.filter(
            pk__in=queryset.model.objects.filter(interpretation_languages__isnull=False).values(
                "pk"
            )
        )

    def filter_speaker(self, queryset, name, value):
        value = fold(value)
        seats = queryset.model.panel.rel.related_model.objects.alias(
            speaker_name=Fold("speaker__name"),
            organization_name=Fold("speaker__organization__name"),
            organization_acronym=Fold("speaker__organization__acronym"),
        ).filter(
            Q(speaker_name__contains=value)
            | Q(organization_name__contains=value)
            | Q(organization_acronym=value)
        )
        return queryset.filter(pk__in=seats.values("session_id"))

    def filter_text(self, queryset, name, value):
        value = fold(value)
        return queryset.alias(
            folded_title=Fold("title"), folded_description=Fold("description")
        ).filter(Q(folded_title__contains=value) | Q(folded_description__contains=value))

    @property
    def chosen_day(self):
        day = self.form.cleaned_data.get("day")
        return next((d for d in self.conference.days if d.isoformat() == day), None)

    @property
    def agenda(self):
        return self.form.cleaned_data.get("agenda") or []

    @property
    def active_filter_count(self):
        return sum(
            1
            for name, value in self.form.cleaned_data.items()
            if value and name not in ScheduleFilterForm.NOT_FILTERS
        )
