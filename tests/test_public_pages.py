"""One registry of public pages (sessions.public_pages), tied to the URLconf: every route of the
public site is marked public() once, in every language; the page cache serves each of them;
and the page types the tests walk (tests/pages.py) cover each of them."""

import re

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.urls import URLResolver, get_resolver, include, path, reverse
from django.urls.resolvers import RegexPattern
from django.utils import translation

from niic.middleware import public_route
from sessions.public_pages import _registry, public, registry, walk
from tests.pages import PAGE_TYPES

LANGUAGES = [code for code, _name in settings.LANGUAGES]
# What is not the public site: the admin (password reset included), the health check for the
# load balancer, staff's switch between the working and the released program, a speaker's own
# page (in each language), an agenda kept under its own unguessable link (sessions.views
# shared_agenda: whoever holds the link, nobody else), and files (static files, speakers' photos).
PRIVATE_PREFIXES = (
    "admin/",
    "health/",
    "preview/",
    *(f"{language}/speaker/" for language in LANGUAGES),
    *(f"{language}/agenda/<slug:token>" for language in LANGUAGES),
    *(f"{language}/agenda/link/" for language in LANGUAGES),
    settings.STATIC_URL.lstrip("/"),
    settings.MEDIA_URL.lstrip("/"),
)


def unmarked_public_routes(resolver):
    return [
        route
        for route, _name, pattern, _localized in walk(resolver)
        if not route.startswith(PRIVATE_PREFIXES) and not hasattr(pattern, "public_page")
    ]


def marked_twice(resolver):
    names = [
        name
        for _route, name, pattern, _localized in walk(resolver)
        if hasattr(pattern, "public_page")
    ]
    return sorted({name for name in names if names.count(name) > 1})


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_route_is_marked_public_once(language):
    with translation.override(language):
        resolver = get_resolver()
        routes = [route for route, *_ in walk(resolver)]
        assert (unmarked_public_routes(resolver), marked_twice(resolver)) == ([], [])
    # The walk went through the language prefix, into the program's include().
    assert f"{language}/editions/<slug:edition>/schedule/" in routes


def made_up_urlconf():
    def view(request):
        return HttpResponse()

    program = [
        public(path("marked/", view, name="marked")),
        path("forgotten/", view, name="forgotten"),
        public(path("again/", view, name="marked")),
    ]
    return URLResolver(
        RegexPattern(r"^/"),
        [
            path("admin/login/", view, name="login"),
            path("", include((program, "program"))),
            path("unnamed.txt", view),
        ],
    )


def test_the_walk_finds_a_route_left_unmarked_and_a_name_marked_twice():
    resolver = made_up_urlconf()
    assert unmarked_public_routes(resolver) == ["forgotten/", "unnamed.txt"]
    assert marked_twice(resolver) == ["program:marked"]
    with pytest.raises(ImproperlyConfigured, match="program:marked is marked public twice"):
        _registry(resolver)


def example_path(route, language):
    """A path of the route, with "x" for each slug: it need not exist to be resolved."""
    kwargs = dict.fromkeys(re.findall(r"<(?:\w+:)?(\w+)>", route.route), "x")
    with translation.override(language):
        return reverse(route.name, kwargs=kwargs)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_page_cache_takes_every_route_of_the_registry_for_a_public_page(language):
    for route in registry().values():
        path_language = language if route.localized else None
        found = public_route(example_path(route, language), path_language)
        assert found is not None, route.name
        assert found[0] == route, route.name
    assert public_route("/admin/", None) is None
    assert public_route("/health/", None) is None


def test_every_route_of_the_registry_has_a_page_type_in_the_tests():
    assert sorted({page.route for page in PAGE_TYPES.values()}) == sorted(registry())


def test_the_registry_says_which_pages_read_the_clock_and_which_the_sitemap_lists():
    routes = registry()
    assert {name for name, route in routes.items() if route.clock.name == "ALWAYS"} == {
        "home",
        "edition-home",
    }
    assert {name for name, route in routes.items() if route.clock.name == "WITHOUT_DAY"} == {
        "program:current-schedule",
        "program:schedule",
    }
    assert [name for name, route in routes.items() if route.sitemap is not None] == [
        "home",
        "edition-list",
        "edition-home",
        "speaker-list",
        "speaker-detail",
        "organization-detail",
        "program:schedule",
        "program:track-list",
        "program:track-detail",
        "program:topic-detail",
        "program:room-detail",
        "program:session-detail",
        "program:use-in-app",
        "program:change-log",
    ]
