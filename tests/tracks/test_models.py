import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import make_conference, make_track
from tracks.colours import contrast_with_white
from tracks.models import Conference, Track

pytestmark = pytest.mark.django_db


def test_track_colour_without_aa_contrast_on_white_is_refused(conference):
    track = Track(conference=conference, name="Arts", slug="arts", colour="#f59e0b")
    with pytest.raises(ValidationError) as excinfo:
        track.full_clean()
    assert excinfo.value.message_dict["colour"] == [
        "#f59e0b has a contrast of 2.15:1 on white; text needs at least 4.5:1 (WCAG AA). "
        "Choose a darker colour."
    ]


def test_track_colour_must_be_a_hex_colour(conference):
    track = Track(conference=conference, name="Arts", slug="arts", colour="blue")
    with pytest.raises(ValidationError) as excinfo:
        track.full_clean()
    assert excinfo.value.message_dict["colour"] == [
        "Enter a colour as # and six hexadecimal digits, e.g. #1d4ed8."
    ]


def test_contrast_matches_the_wcag_formula():
    assert round(contrast_with_white("#000000"), 2) == 21.0
    assert round(contrast_with_white("#ffffff"), 2) == 1.0
    assert round(contrast_with_white("#1d4ed8"), 2) == 6.7


def test_track_slug_is_unique_within_an_edition_only(conference):
    make_track(conference, slug="health")
    make_track(make_conference(), slug="health")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_track(conference, slug="health")


def test_only_one_edition_is_current():
    make_conference(is_current=True)
    second = make_conference()
    second.is_current = True
    with pytest.raises(ValidationError) as excinfo:
        second.full_clean()
    assert excinfo.value.messages == ["Another edition is already current."]


def test_current_is_the_edition_marked_current():
    make_conference()
    current = make_conference(is_current=True)
    assert Conference.objects.current() == current


def test_current_is_none_before_any_edition_is_loaded():
    assert Conference.objects.current() is None


def test_unknown_time_zone_is_refused(conference):
    conference.time_zone = "Pacific Time"
    with pytest.raises(ValidationError) as excinfo:
        conference.full_clean()
    assert excinfo.value.message_dict["time_zone"] == [
        "“Pacific Time” is not an IANA time zone name such as America/Los_Angeles."
    ]


def test_edition_days_are_the_inclusive_range(conference):
    assert [day.isoformat() for day in conference.days] == [
        "2014-12-14",
        "2014-12-15",
        "2014-12-16",
    ]


def test_edition_ending_before_it_starts_is_refused_by_the_database(conference):
    conference.end_date = conference.start_date.replace(day=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        conference.save()
