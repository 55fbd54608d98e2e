"""The public pages: the routes that every anonymous visitor sees alike.

Each app's URLconf marks its own public routes where it declares them, `public(path(...))`, and
the registry is read back from the URLconf itself (`registry()`), so there is no list beside it
to keep in step: the page cache (niic.middleware), the sitemap (sessions.sitemap) and the tests
all read this one. tests/test_public_pages.py walks the URLconf and fails on a route that is
neither marked nor private (the admin, health, media), or marked twice.

It lives in sessions, not in niic, because the sitemap reads it and no app may import niic
(tests/test_architecture.py); niic marks its own pages with the same helper."""

import enum
import functools
from dataclasses import dataclass

from django.conf.urls.i18n import LocalePrefixPattern
from django.core.exceptions import ImproperlyConfigured
from django.urls import URLPattern, URLResolver, get_resolver


class Clock(enum.Enum):
    """Whether a page reads the clock, so that it must be rendered again as time passes."""

    NEVER = "never"
    ALWAYS = "always"  # "happening now / up next"
    WITHOUT_DAY = "without-day"  # opens on today unless ?day= names a day


@dataclass(frozen=True)
class Mark:
    clock: Clock = Clock.NEVER
    # How the sitemap lists the route's pages (sessions.sitemap); None: it does not.
    sitemap: object = None
    # The query parameters its view reads (its filter form's fields): the page cache drops
    # any other before the view sees the request, so that they make no page of their own.
    parameters: frozenset = frozenset()


@dataclass(frozen=True)
class PublicRoute:
    name: str  # the view name, with its namespace: "program:schedule"
    route: str  # the pattern, after the language prefix: "editions/<slug:edition>/"
    localized: bool  # under the language prefix (/en/…, /es/…)
    clock: Clock
    sitemap: object
    parameters: frozenset = frozenset()


def public(pattern, *, clock=Clock.NEVER, sitemap=None, parameters=()):
    """Marks a path() as a public page and returns it. `parameters`: the names of the query
    parameters its view reads, none by default."""
    if not isinstance(pattern, URLPattern) or not pattern.name:
        raise ImproperlyConfigured(f"public() takes a named path(), not {pattern!r}")
    pattern.public_page = Mark(clock=clock, sitemap=sitemap, parameters=frozenset(parameters))
    return pattern


def walk(resolver=None, *, namespaces=(), route="", localized=False):
    """(route, view name, URLPattern, under the language prefix) of every pattern, through
    every include(); the language prefix is the active language's."""
    resolver = get_resolver() if resolver is None else resolver
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(
                pattern,
                namespaces=(*namespaces, pattern.namespace) if pattern.namespace else namespaces,
                route=route + str(pattern.pattern),
                localized=localized or isinstance(pattern.pattern, LocalePrefixPattern),
            )
        else:
            name = ":".join((*namespaces, pattern.name)) if pattern.name else None
            yield route + str(pattern.pattern), name, pattern, localized


def marked(resolver=None):
    """Every pattern marked public(), in URLconf order (a name twice if marked twice)."""
    routes = []
    for route, name, pattern, localized in walk(resolver):
        mark = getattr(pattern, "public_page", None)
        if mark is not None:
            prefix = str(LocalePrefixPattern()) if localized else ""
            routes.append(
                PublicRoute(
                    name=name,
                    route=route.removeprefix(prefix),
                    localized=localized,
                    clock=mark.clock,
                    sitemap=mark.sitemap,
                    parameters=mark.parameters,
                )
            )
    return routes


def registry():
    """{view name: PublicRoute} of the site's URLconf, in URLconf order."""
    return _registry(get_resolver())


@functools.cache
def _registry(resolver):
    # Keyed by the resolver: a test that swaps the URLconf gets its own.
    found = {}
    for route in marked(resolver):
        if route.name in found:
            raise ImproperlyConfigured(f"{route.name} is marked public twice")
        found[route.name] = route
    return found
