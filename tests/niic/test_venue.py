"""Issue 20, item 11: the home page gives the venue with its address and a plain link to a map;
organizers fill it in the admin; a generated edition's invented venue is labelled sample data."""

import re

import pytest
from django.urls import reverse

from niic.generated_program import generate_program
from tests.factories import make_conference
from tracks.models import Conference

pytestmark = pytest.mark.django_db


def venue_line(html):
    found = re.search(r'<p class="venue">(.*?)</p>', html, re.S)
    return found and " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def test_the_home_page_gives_the_venue_its_address_and_a_map_link(client):
    make_conference(
        is_current=True,
        venue="Westin Bonaventure",
        venue_address="404 S Figueroa St, Los Angeles, CA 90071",
    )
    for language, label in (("en", "Venue:"), ("es", "Lugar:")):
        html = client.get(f"/{language}/").text
        line = venue_line(html)
        assert line.startswith(label), line
        assert "Westin Bonaventure, 404 S Figueroa St, Los Angeles, CA 90071" in line
        assert (
            'href="https://www.openstreetmap.org/search?query='
            '404+S+Figueroa+St%2C+Los+Angeles%2C+CA+90071"'
        ) in html
        # A link only: nothing on the page loads from the map's site.
        assert not re.search(r'(src|srcset|data)="[^"]*openstreetmap', html)


def test_without_a_venue_the_home_page_gives_the_city_only(client, niic):
    html = client.get("/en/").text
    assert venue_line(html) is None
    assert "openstreetmap" not in html
    assert "in Los Angeles, California" in html


def test_a_generated_editions_venue_is_labelled_sample_data(client):
    conference = generate_program(sessions=10, speakers=5, seed=3).conference
    line = venue_line(client.get(f"/en/editions/{conference.slug}/").text)
    assert line.startswith("Venue: Sample Convention Center, 1 Sample Street, Sample City")
    assert "Sample data" in line


def test_organizers_set_the_venue_in_the_admin(client, organizer):
    conference = make_conference(is_current=True)
    client.force_login(organizer)
    url = reverse(f"admin:{Conference._meta.app_label}_conference_change", args=[conference.pk])
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, False):
            continue
        data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    data |= {"venue": "Main convention hall", "venue_address": "1 Main St, Los Angeles"}
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context and response.context["adminform"].form.errors
    )
    conference.refresh_from_db()
    assert conference.venue_address == "1 Main St, Los Angeles"
    assert "Main convention hall, 1 Main St, Los Angeles" in venue_line(client.get("/en/").text)


def test_an_address_on_two_lines_is_refused_and_nothing_is_saved(client, organizer):
    conference = make_conference(is_current=True)
    client.force_login(organizer)
    url = reverse(f"admin:{Conference._meta.app_label}_conference_change", args=[conference.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: (v.isoformat() if hasattr(v, "isoformat") else v)
        for name in form.fields
        if (v := form[name].value()) not in (None, False)
    }
    data["venue_address"] = "1 Main St\nLos Angeles"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "venue_address" in response.context["adminform"].form.errors
    conference.refresh_from_db()
    assert conference.venue_address == ""
