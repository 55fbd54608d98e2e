"""The admin's own pages (imports, merges, previews) show their
breadcrumbs as Django's admin does, in a list its stylesheet draws as a bar, not as bare text."""

import re

import pytest
from django.utils.html import strip_tags

from tests.factories import make_speaker

pytestmark = pytest.mark.django_db


TRAIL = re.compile(r'<ol class="breadcrumbs">(.*?)</ol>', re.S)
ITEM = re.compile(r"<li[^>]*>(.*?)</li>", re.S)


def breadcrumbs(response):
    page = response.content.decode()
    assert 'class="breadcrumbs"' in page
    assert '<div class="breadcrumbs">' not in page
    trail = TRAIL.search(page)
    assert trail is not None, "no breadcrumbs list"
    return [" ".join(strip_tags(item).split()) for item in ITEM.findall(trail.group(1))]


@pytest.mark.parametrize(
    ("address", "last"),
    [
        ("/admin/program/session/import/", "Import sessions"),
        ("/admin/speakers/speaker/import/", "Import speakers"),
    ],
)
def test_an_import_page_shows_where_it_is(client, organizer, address, last):
    client.force_login(organizer)
    trail = breadcrumbs(client.get(address))
    assert trail[0] == "Home"
    assert trail[-1] == last


def test_the_merge_page_shows_where_it_is(client, organizer):
    first = make_speaker(name="Eva Millona", slug="eva-millona")
    second = make_speaker(name="Eva Milona", slug="eva-milona")
    client.force_login(organizer)
    response = client.post(
        "/admin/speakers/speaker/",
        {"action": "merge_duplicates", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 200
    assert breadcrumbs(response)[:2] == ["Home", "Speakers"]
