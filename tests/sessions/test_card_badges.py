"""Issue 20, item 4: a session card says what an attendee chooses by — the languages it is held
in (when not only English), interpretation, CART and ASL — in words, on every listing, in both
languages."""

import re

import pytest
from django.utils import translation

from sessions.cards import access_badges
from sessions.models import Language
from tests.factories import la_time, make_conference, make_room, make_session, make_track

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    conference = make_conference()
    english = Language.objects.get_or_create(code="en", defaults={"name": "English"})[0]
    spanish = Language.objects.get_or_create(code="es", defaults={"name": "Español"})[0]
    track = make_track(conference, name="Civic engagement", slug="civic-engagement")
    room = make_room(conference, name="Room A")
    accessible = make_session(
        conference,
        title="Naturalization clinics",
        slug="clinics",
        track=track,
        room=room,
        has_cart=True,
        has_asl=True,
    )
    accessible.languages.set([english])
    accessible.interpretation_languages.set([spanish])
    spanish_only = make_session(
        conference,
        title="Organizing in Spanish",
        slug="en-espanol",
        track=track,
        room=room,
        starts_at=la_time(15, "13:00"),
        ends_at=la_time(15, "14:00"),
    )
    spanish_only.languages.set([spanish])
    plain = make_session(
        conference,
        title="Plain English session",
        slug="plain",
        track=track,
        room=room,
        starts_at=la_time(15, "15:00"),
        ends_at=la_time(15, "16:00"),
    )
    plain.languages.set([english])
    return conference


def card_of(html, slug):
    """The text of the <article> whose title links to `slug`."""
    for article in re.findall(r"<article.*?</article>", html, re.S):
        if f"/{slug}/" in article:
            return article
    raise AssertionError(f"no card for {slug}")


def words(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def pages(conference, language):
    return [
        f"/{language}/editions/{conference.slug}/schedule/?day=2014-12-15",
        f"/{language}/editions/{conference.slug}/program/",
        f"/{language}/editions/{conference.slug}/tracks/civic-engagement/",
    ]


def test_cards_on_every_listing_name_interpretation_cart_and_asl_in_words(client, edition):
    for path in pages(edition, "en"):
        html = client.get(path).content.decode()
        card = card_of(html, "clinics")
        assert "Interpretation: Spanish" in words(card), path
        assert '<abbr title="Real-time captioning">CART</abbr>' in card, path
        assert '<abbr title="American Sign Language">ASL</abbr>' in card, path
        # Spelt out for screen readers, which do not read an abbreviation's title.
        assert "(American Sign Language)" in words(card), path
        # English only, in an English-language program: nothing to say about its language.
        assert "In English" not in words(card), path
        assert "class=access" not in card_of(html, "plain"), path
        assert "In Spanish" in words(card_of(html, "en-espanol")), path


def test_the_badges_read_in_spanish_on_spanish_pages(client, edition):
    for path in pages(edition, "es"):
        html = client.get(path).content.decode()
        card = words(card_of(html, "clinics"))
        assert "Interpretación: español" in card, path
        assert "(lengua de señas americana)" in card, path
        assert "En español" in words(card_of(html, "en-espanol")), path


def test_a_session_in_two_languages_names_both():
    english, spanish = ("en", "English"), ("es", "Español")
    with translation.override("en"):
        assert "In English, Spanish" in access_badges(((english, spanish), ()), False, False)
        assert access_badges(((english,), ()), False, False) == ""
    # A code Django does not know is named as organizers entered it.
    with translation.override("en"):
        assert "Interpretation: Tagalog" in access_badges(
            ((english,), (("tl-x-test", "Tagalog"),)), False, False
        )


def test_search_results_carry_the_badges(client, edition):
    edition.is_current = True
    edition.save(update_fields=["is_current"])
    html = client.get("/en/search/?q=ASL").content.decode()
    assert '<abbr title="American Sign Language">ASL</abbr>' in card_of(html, "clinics")
