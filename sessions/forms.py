from django import forms

from .models import Session
from .rules import validate_topics_of_track


class SessionForm(forms.ModelForm):
    """The session form every editing path uses, so that topics are checked against the track
    (a many-to-many rule that Session.clean() cannot see before the session is saved)."""

    class Meta:
        model = Session
        fields = [
            "conference", "track", "topics", "title", "slug", "format", "description",
            "starts_at", "ends_at", "room", "status", "languages", "interpretation_languages",
            "has_cart", "has_asl", "is_sample",
        ]  # fmt: skip

    def clean(self):
        cleaned_data = super().clean()
        topics = cleaned_data.get("topics")
        if topics:
            try:
                validate_topics_of_track(list(topics), cleaned_data.get("track"))
            except forms.ValidationError as error:
                self.add_error("topics", error)
        return cleaned_data
