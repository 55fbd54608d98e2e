"""sitemap.xml (sitemaps.org 0.9) of the public pages, one per language: /en/sitemap.xml lists
the English pages, each with its Spanish alternate, and /es/sitemap.xml the other way round
(a sitemap may list only pages under its own folder).

Which routes it lists, and how, each route's public() mark says (sessions.public_pages). Only
public things are listed: published and cancelled sessions, and the speakers and organizations
of those; a page that exists for a draft alone is never named. Seven queries, whatever the size
of the program."""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from speakers.models import Organization, Speaker
from tracks.models import Conference, Topic, Track

from . import released
from .cards import SLUG_PLACEHOLDER
from .models import Room, Session
from .public_pages import registry

PUBLIC = Session.PUBLIC_STATUSES
# How the sitemap lists a route's pages: the `sitemap` of its public() mark
# (sessions.public_pages), one of these two or one of the functions below, which return the
# pages of the route `name` given {edition id: edition slug}.
SITE_PAGE = "site page"  # one page for the whole site
EDITION_PAGE = "edition page"  # one page per edition


@dataclass(frozen=True)
class Page:
    path: str
    lastmod: object = None  # a datetime, for a session


def public_pages():
    """Every public page, in the active language: the site's pages, each edition's, then those
    of each track, topic, room, session, speaker and organization, as their routes' marks say."""
    routes = registry().values()
    pages = [Page(reverse(route.name)) for route in routes if route.sitemap == SITE_PAGE]
    editions = list(Conference.objects.order_by("-start_date", "slug").values_list("pk", "slug"))
    for _pk, edition in editions:
        for route in routes:
            if route.sitemap == EDITION_PAGE:
                pages.append(Page(reverse(route.name, kwargs={"edition": edition})))
    slug_of = dict(editions)
    for route in routes:
        if callable(route.sitemap):
            pages.extend(route.sitemap(route.name, slug_of))
    return pages


# Each URL is reversed once, with placeholders filled in for each row.


def each_track(name, slug_of):
    url = reverse(name, kwargs={"edition": "EDITION", "track": SLUG_PLACEHOLDER})
    rows = Track.objects.order_by("conference", "order", "slug").values_list(
        "conference_id", "slug"
    )
    return [Page(fill(url, slug_of[edition_id], slug)) for edition_id, slug in rows]


def each_topic(name, slug_of):
    url = reverse(name, kwargs={"edition": "EDITION", "track": "TRACK", "topic": SLUG_PLACEHOLDER})
    rows = Topic.objects.order_by("track__conference", "track__order", "order", "slug").values_list(
        "track__conference_id", "track__slug", "slug"
    )
    return [
        Page(fill(url, slug_of[edition_id], slug).replace("TRACK", track, 1))
        for edition_id, track, slug in rows
    ]


def each_room(name, slug_of):
    url = reverse(name, kwargs={"edition": "EDITION", "room": SLUG_PLACEHOLDER})
    rows = Room.objects.order_by("conference", "order", "slug").values_list("conference_id", "slug")
    return [Page(fill(url, slug_of[edition_id], slug)) for edition_id, slug in rows]


def each_public_session(name, slug_of):
    url = reverse(name, kwargs={"edition": "EDITION", "session": SLUG_PLACEHOLDER})
    rows = (
        released.sessions()
        .public()
        .order_by("conference", "starts_at", "pk")
        .values_list("conference_id", "slug", "updated_at")
    )
    return [
        Page(fill(url, slug_of[edition_id], slug), updated_at)
        for edition_id, slug, updated_at in rows
    ]


def each_public_speaker(name, slug_of):
    """Speakers on a published or cancelled session: one on drafts alone is not named."""
    url = reverse(name, kwargs={"speaker": SLUG_PLACEHOLDER})
    slugs = (
        Speaker.objects.filter(
            **{f"{released.speaker_seats_lookup()}__session__status__in": PUBLIC}
        )
        .distinct()
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    return [Page(url.replace(SLUG_PLACEHOLDER, slug)) for slug in slugs]


def each_public_organization(name, slug_of):
    url = reverse(name, kwargs={"organization": SLUG_PLACEHOLDER})
    slugs = (
        Organization.objects.filter(
            **{f"speakers__{released.speaker_seats_lookup()}__session__status__in": PUBLIC}
        )
        .distinct()
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    return [Page(url.replace(SLUG_PLACEHOLDER, slug)) for slug in slugs]


def fill(url, edition, slug):
    return url.replace("EDITION", edition, 1).replace(SLUG_PLACEHOLDER, slug)


def sitemap_xml(request):
    """The sitemap of the active language's pages, each with its other languages' alternates."""
    language = translation.get_language()
    prefix = f"/{language}/"
    root = request.build_absolute_uri("/").rstrip("/")
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for page in public_pages():
        rest = page.path.removeprefix(prefix)
        out.append(f"<url><loc>{escape(root + page.path)}</loc>")
        if page.lastmod is not None:
            out.append(f"<lastmod>{page.lastmod.isoformat(timespec='seconds')}</lastmod>")
        for code, _name in settings.LANGUAGES:
            out.append(
                f'<xhtml:link rel="alternate" hreflang="{code}" '
                f'href="{escape(f"{root}/{code}/{rest}")}"/>'
            )
        out.append("</url>")
    out.append("</urlset>")
    return "\n".join(out) + "\n"
