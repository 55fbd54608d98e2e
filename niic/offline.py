"""Offline at the venue: what the service worker (static/niic/sw.js, served at /sw.js) keeps on
a visitor's device, the web app manifest, and the version that ties a stored copy to one
deployment.

The service worker asks /<language>/offline/pages.json for the list of the current edition's
public pages in the visitor's language: `core` is fetched at once (the schedule and each of its
days, the whole program, tracks, speakers, the agenda, this offline page, the static files),
`pages` afterwards, one at a time (every public session, speaker, track, topic and room of the
edition). Drafts and unreleased changes never reach the list: it reads the released program,
as every public page does."""

import functools
import hashlib
import json
import re

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from sessions import released
from sessions.models import Room
from speakers.models import Speaker
from tracks.models import Topic, Track

STATIC_FOLDER = settings.BASE_DIR / "static" / "niic"
SERVICE_WORKER_FILE = STATIC_FOLDER / "sw.js"
# The files whose content makes a deployment: what pages look like and say, and what runs.
DEPLOYMENT_SOURCES = (
    "static/niic",
    "templates",
    "locale",
    "niic",
    "sessions",
    "speakers",
    "tracks",
)
DEPLOYMENT_SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".svg", ".png", ".mo"}
# Paths the service worker never stores, whatever their answer says: staff's pages, a
# speaker's own page (signed in with an e-mailed link), the health check.
NEVER_STORED = ("/admin/", "/preview/", "/health/", "/sw.js")
ICON_SIZES = (192, 512)


@functools.cache
def deployment_version():
    """A digest of the deployed code, templates, translations and static files (or
    NIIC_DEPLOYMENT_VERSION, when the deployment names itself): a new deployment gets new cache
    names in the service worker, which then drops the copy the old one stored."""
    if settings.NIIC_DEPLOYMENT_VERSION:
        return settings.NIIC_DEPLOYMENT_VERSION
    digest = hashlib.blake2b(digest_size=8)
    for folder in DEPLOYMENT_SOURCES:
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.suffix in DEPLOYMENT_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    # The static files' names change with their content in production (hashed names).
    digest.update(static("niic/site.css").encode())
    return digest.hexdigest()


@functools.cache
def theme_colour():
    """The brand colour of the design tokens (--brand in site.css): the app's title bar."""
    tokens = (STATIC_FOLDER / "site.css").read_text(encoding="utf-8")
    return re.search(r"--brand:\s*(#[0-9a-fA-F]{3,8})\s*;", tokens).group(1)


@functools.cache
def surface_colour():
    tokens = (STATIC_FOLDER / "site.css").read_text(encoding="utf-8")
    return re.search(r"--surface:\s*(#[0-9a-fA-F]{3,8})\s*;", tokens).group(1)


def service_worker_source(languages):
    """sw.js with its settings filled in: the deployment, and where each language's list and
    offline page are."""
    config = {
        "deployment": deployment_version(),
        "static": settings.STATIC_URL
        if settings.STATIC_URL.startswith("/")
        else "/" + settings.STATIC_URL,
        "media": "/" + settings.MEDIA_URL.strip("/") + "/",
        "neverStored": [*NEVER_STORED, *(f"/{code}/speaker/" for code in languages)],
        "languages": list(languages),
        "lists": {code: _in_language(code, "offline-pages") for code in languages},
        "offlinePages": {code: _in_language(code, "offline") for code in languages},
    }
    source = SERVICE_WORKER_FILE.read_text(encoding="utf-8")
    return source.replace("/*CONFIG*/ {}", json.dumps(config), 1)


def _in_language(code, name):
    with translation.override(code):
        return reverse(name)


def static_files():
    """Every file of static/niic the pages load (the service worker itself aside)."""
    return [
        static(f"niic/{path.name}")
        for path in sorted(STATIC_FOLDER.iterdir())
        if path.is_file() and path.name != SERVICE_WORKER_FILE.name
    ]


def core_pages(conference):
    """The pages fetched at once, in the active language: what a visitor opens first, and what
    the offline page links to (both addresses of the schedule, the whole program and the
    tracks: the menu links to the edition's own, the manifest starts on /schedule/)."""
    pages = [reverse("home")]
    if conference is not None:
        for schedule in (
            reverse("program:current-schedule"),
            reverse("program:schedule", kwargs={"edition": conference.slug}),
        ):
            pages.append(schedule)
            pages.extend(f"{schedule}?day={day:%Y-%m-%d}" for day in conference.days)
        pages += [
            reverse("program:current-whole-program"),
            reverse("program:whole-program", kwargs={"edition": conference.slug}),
            reverse("program:current-track-list"),
            reverse("program:track-list", kwargs={"edition": conference.slug}),
        ]
    pages += [
        reverse("speaker-list"),
        reverse("program:agenda"),
        reverse("program:changes-json"),
        reverse("offline"),
        reverse("web-manifest"),
        reverse("track-colours"),
    ]
    return pages


def edition_pages(conference):
    """The pages fetched in the background: each public session of the edition, its speakers,
    tracks, topics and rooms. Five queries, whatever the size of the program."""
    if conference is None:
        return []
    edition = conference.slug
    placeholder = "SLUG-PLACEHOLDER"

    def each(name, slugs, **kwargs):
        url = reverse(name, kwargs={"edition": edition, **kwargs})
        return [url.replace(placeholder, slug, 1) for slug in slugs]

    sessions = (
        released.sessions()
        .public()
        .for_edition(conference)
        .order_by("starts_at", "pk")
        .values_list("slug", flat=True)
    )
    speakers = (
        Speaker.objects.filter(
            **{
                f"{released.speaker_seats_lookup()}__session__conference": conference,
                f"{released.speaker_seats_lookup()}__session__status__in": (
                    released.PUBLIC_STATUSES
                ),
            }
        )
        .distinct()
        .order_by("slug")
        .values_list("slug", flat=True)
    )
    speaker_url = reverse("speaker-detail", kwargs={"speaker": placeholder})
    topic_url = reverse(
        "program:topic-detail", kwargs={"edition": edition, "track": "TRACK", "topic": placeholder}
    )
    topics = Topic.objects.filter(track__conference=conference).order_by(
        "track__order", "order", "slug"
    )
    return [
        *each("program:session-detail", sessions, session=placeholder),
        *(speaker_url.replace(placeholder, slug, 1) for slug in speakers),
        *each(
            "program:track-detail",
            Track.objects.filter(conference=conference)
            .order_by("order", "slug")
            .values_list("slug", flat=True),
            track=placeholder,
        ),
        *(
            topic_url.replace("TRACK", track, 1).replace(placeholder, slug, 1)
            for track, slug in topics.values_list("track__slug", "slug")
        ),
        *each(
            "program:room-detail",
            Room.objects.filter(conference=conference)
            .order_by("order", "slug")
            .values_list("slug", flat=True),
            room=placeholder,
        ),
    ]


def manifest(language_code, name, short_name, description):
    """The web app manifest of the site in one language (https://www.w3.org/TR/appmanifest/)."""
    icons = [
        {
            "src": static(f"niic/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any",
        }
        for size in ICON_SIZES
    ]
    icons += [
        {
            "src": static("niic/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("niic/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    return {
        # One app whichever language it was installed from.
        "id": "/",
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": language_code,
        "dir": "ltr",
        "start_url": reverse("program:current-schedule"),
        "scope": "/",
        "display": "standalone",
        "theme_color": theme_colour(),
        "background_color": surface_colour(),
        "icons": icons,
    }
