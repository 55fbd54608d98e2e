"""No malformed admin request is a server error: every URL of every registered ModelAdmin, and
the admin's own pages, requested by an organizer and by a track chair with each of their query
parameters set to hostile values, answers with a page, a redirect or a 4xx — never a 5xx."""

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import (
    ALL_VAR,
    IS_POPUP_VAR,
    ORDER_VAR,
    PAGE_VAR,
    SEARCH_VAR,
    TO_FIELD_VAR,
)

from tests.niic.test_admin_confinement import admin_urls, object_of

pytestmark = pytest.mark.django_db

HOSTILE = [
    "",
    "abc",
    "-1",
    "0",
    "99999999999999999999",
    "1.5",
    "9999-12-31",
    "2014-13-45",
    "0000-00-00",
    "\x00",
    "a\x00b",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "²",
    "x" * 5000,
    "1,2,,3",
    "NaN",
]
# Parameters every page is tried with: Django's list parameters and our pages' own.
COMMON = [SEARCH_VAR, ORDER_VAR, PAGE_VAR, ALL_VAR, TO_FIELD_VAR, IS_POPUP_VAR, "edition", "day"]


def filter_parameters(model_admin, request):
    """The query parameters a changelist's filters and date hierarchy read."""
    names = set()
    changelist = model_admin.get_changelist_instance(request)
    for spec in changelist.filter_specs:
        names.update(spec.expected_parameters())
    if model_admin.date_hierarchy:
        field = model_admin.date_hierarchy
        names.update(f"{field}__{part}" for part in ("year", "month", "day"))
    return sorted(names)


def fuzz(client, user, two_tracks):
    """Every page with each of its parameters set to hostile values. Returns the number of
    requests and the ones that failed."""
    client.force_login(user)
    failures, tried = [], 0
    turn = 0
    for model, model_admin in admin.site._registry.items():
        obj = object_of(model, two_tracks)
        changelist = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        request = client.get(changelist).wsgi_request
        for url in admin_urls(model, model_admin, obj):
            is_list = url == changelist and model_admin.has_view_permission(request)
            names = COMMON + filter_parameters(model_admin, request) if is_list else COMMON
            for name in names:
                # Six hostile values for each filter of a list page (filters parse them), one
                # for every other parameter, taken in turn so that every value is used on
                # every kind of page.
                count = 6 if is_list and name not in COMMON else 1
                values = [HOSTILE[(turn + offset) % len(HOSTILE)] for offset in range(count)]
                turn += count
                for value in values:
                    response = client.get(url, {name: value})
                    tried += 1
                    if response.status_code >= 500:
                        failures.append((url, name, value[:20], response.status_code))
    return tried, failures


def test_hostile_query_parameters_never_give_an_organizer_a_server_error(client, two_tracks):
    tried, failures = fuzz(client, two_tracks["organizer"], two_tracks)
    assert failures == []
    assert tried >= 900, tried


def test_hostile_query_parameters_never_give_a_track_chair_a_server_error(client, two_tracks):
    tried, failures = fuzz(client, two_tracks["chair"], two_tracks)
    assert failures == []
    assert tried >= 900, tried
