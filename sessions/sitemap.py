"""sitemap.xml (sitemaps.org 0.9) of the public pages, one per language: /en/sitemap.xml lists
the English pages, each with its Spanish alternate, and /es/sitemap.xml the other way round
(a sitemap may list only pages under its own folder).

Only public things are listed: published and cancelled sessions, and the speakers and
organizations of those; a page that exists for a draft alone is never named. Seven queries,
whatever the size of the program."""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from speakers.models import Organization, Speaker
from tracks.models import Conference, Topic, Track

from .cards import SLUG_PLACEHOLDER
from .models import Room, Session

PUBLIC = Session.PUBLIC_STATUSES
EDITION_PAGES = [
    "edition-home",
    "program:schedule",
    "program:track-list",
    "program:change-log",
    "program:use-in-app",
]


@dataclass(frozen=True)
class Page:
    path: str
    lastmod: object = None  # a datetime, for a session


def public_pages():
    """Every public page, in the active language."""
    pages = [Page(reverse("home")), Page(reverse("edition-list")), Page(reverse("speaker-list"))]
    editions = list(Conference.objects.order_by("-start_date", "slug").values_list("pk", "slug"))
    slug_of = dict(editions)
    for _pk, edition in editions:
        for name in EDITION_PAGES:
            pages.append(Page(reverse(name, kwargs={"edition": edition})))
    # Each further URL is reversed once, with placeholders filled in for each row.
    track_url = reverse(
        "program:track-detail", kwargs={"edition": "EDITION", "track": SLUG_PLACEHOLDER}
    )
    for edition_id, slug in Track.objects.order_by("conference", "order", "slug").values_list(
        "conference_id", "slug"
    ):
        pages.append(Page(fill(track_url, slug_of[edition_id], slug)))
    topic_url = reverse(
        "program:topic-detail",
        kwargs={"edition": "EDITION", "track": "TRACK", "topic": SLUG_PLACEHOLDER},
    )
    for edition_id, track, slug in Topic.objects.order_by(
        "track__conference", "track__order", "order", "slug"
    ).values_list("track__conference_id", "track__slug", "slug"):
        pages.append(Page(fill(topic_url, slug_of[edition_id], slug).replace("TRACK", track, 1)))
    room_url = reverse(
        "program:room-detail", kwargs={"edition": "EDITION", "room": SLUG_PLACEHOLDER}
    )
    for edition_id, slug in Room.objects.order_by("conference", "order", "slug").values_list(
        "conference_id", "slug"
    ):
        pages.append(Page(fill(room_url, slug_of[edition_id], slug)))
    session_url = reverse(
        "program:session-detail", kwargs={"edition": "EDITION", "session": SLUG_PLACEHOLDER}
    )
    for edition_id, slug, updated_at in (
        Session.objects.public()
        .order_by("conference", "starts_at", "pk")
        .values_list("conference_id", "slug", "updated_at")
    ):
        pages.append(Page(fill(session_url, slug_of[edition_id], slug), updated_at))
    speaker_url = reverse("speaker-detail", kwargs={"speaker": SLUG_PLACEHOLDER})
    for slug in (
        Speaker.objects.filter(panel_memberships__session__status__in=PUBLIC)
        .distinct()
        .order_by("slug")
        .values_list("slug", flat=True)
    ):
        pages.append(Page(speaker_url.replace(SLUG_PLACEHOLDER, slug)))
    organization_url = reverse("organization-detail", kwargs={"organization": SLUG_PLACEHOLDER})
    for slug in (
        Organization.objects.filter(speakers__panel_memberships__session__status__in=PUBLIC)
        .distinct()
        .order_by("slug")
        .values_list("slug", flat=True)
    ):
        pages.append(Page(organization_url.replace(SLUG_PLACEHOLDER, slug)))
    return pages


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
