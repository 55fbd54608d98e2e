"""`make bench`: how long each public page takes to render, and how many SQL queries it makes,
on generated editions of growing size.

Each size is generated (niic.generated_program), measured and deleted again before the next
one, so that the site-wide pages (speaker directory, search) see that edition alone. Nothing
else in the database is touched, but it is written to: `make bench` points DATABASE_URL at a
throwaway .bench.sqlite3 unless the caller names another database, and this command refuses
to run without DATABASE_URL so that it never writes to a developer's own db.sqlite3."""

import gc
import math
import os
import platform
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from urllib.parse import urlencode

import django
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import translation

from niic.generated_program import generate_program
from sessions.models import Session
from speakers.models import Organization, Speaker
from tracks.models import Conference

DEFAULT_SIZES = [200, 1000, 5000]
WARM_UPS = 2
SEARCH_TERM = "coalitions"
AGENDA_SIZE = 20
# Above this many sessions a page takes long enough that fewer timed requests give a stable
# median, and the whole run stays within a few minutes.
LARGE_EDITION = 2000
# A page whose first request takes longer gets one warm-up and SLOW_REPEAT timed requests.
SLOW_REQUEST_MS = 1000
SLOW_REPEAT = 3

# (page, budget in ms) at TARGET_SIZE: the pages that must stay fast as an edition grows. Each
# must also make as many queries there as at BASELINE_SIZE, so its cost does not grow
# with the edition's sessions through extra queries.
TARGET_SIZE = 1000
BASELINE_SIZE = 200
TARGETS = [
    ("schedule day", 100),
    ("speaker directory", 100),
    ("edition .ics", 150),
]


@dataclass
class Measurement:
    median_ms: float
    queries: int
    samples: int


def generated_slug(sessions, seed=1):
    return f"generated-s{seed}-n{sessions}"


def delete_generated(slug):
    """What generate_program replaces for this slug: the edition and its people."""
    Conference.objects.filter(slug=slug).delete()
    Organization.objects.filter(slug__startswith=f"{slug}-").delete()
    Speaker.objects.filter(slug__startswith=f"{slug}-").delete()


def speakers_for(sessions):
    return max(100, sessions // 2)


def page_urls(conference):
    """(page name, URL) for every public page type, for this edition, in English."""
    edition = {"edition": conference.slug}
    first_day = conference.days[0].isoformat()
    sessions = Session.objects.public().for_edition(conference).order_by("pk")
    session = sessions.select_related("conference").first()
    speaker_seat = session.panel.select_related("speaker__organization").order_by("pk").first()
    track = conference.tracks.order_by("order", "pk").first()
    topic = track.topics.order_by("order", "pk").first()
    room = conference.rooms.order_by("order", "pk").first()
    # Spread over the whole edition rather than its first slot.
    ids = list(sessions.values_list("pk", flat=True))
    agenda = ",".join(str(pk) for pk in ids[:: max(1, len(ids) // AGENDA_SIZE)][:AGENDA_SIZE])
    track_kwargs = {**edition, "track": track.slug}

    def url(name, query=None, **kwargs):
        path = reverse(name, kwargs=kwargs or None)
        return f"{path}?{urlencode(query)}" if query else path

    with translation.override("en"):
        return [
            ("home", url("edition-home", **edition)),
            ("schedule day", url("program:schedule", {"day": first_day}, **edition)),
            (
                "schedule filtered",
                url("program:schedule", {"day": first_day, "track": track.slug}, **edition),
            ),
            ("session", session.get_absolute_url()),
            ("track list", url("program:track-list", **edition)),
            ("track", url("program:track-detail", **track_kwargs)),
            ("topic", url("program:topic-detail", topic=topic.slug, **track_kwargs)),
            ("room", url("program:room-detail", room=room.slug, **edition)),
            ("speaker directory", url("speaker-list")),
            ("speaker", url("speaker-detail", speaker=speaker_seat.speaker.slug)),
            (
                "organization",
                url(
                    "organization-detail",
                    organization=speaker_seat.speaker.organization.slug,
                ),
            ),
            ("search", url("search", {"q": SEARCH_TERM})),
            ("edition list", url("edition-list")),
            (f"agenda ({AGENDA_SIZE} sessions)", url("program:agenda", {"sessions": agenda})),
            ("edition .ics", url("program:edition-calendar", **edition)),
            ("track .ics", url("program:track-calendar", **track_kwargs)),
            (
                "session .ics",
                url("program:session-calendar", session=session.slug, **edition),
            ),
            (
                f"agenda .ics ({AGENDA_SIZE})",
                url("program:agenda-calendar", {"sessions": agenda}),
            ),
        ]


def clear_caches():
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


def fetch(client, url):
    """One request, caches emptied first; how long it took in ms."""
    clear_caches()
    started = time.perf_counter()
    response = client.get(url)
    if response.streaming:
        b"".join(response.streaming_content)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise CommandError(f"GET {url} answered {response.status_code}, not 200.")
    return elapsed


def measure(client, url, repeat):
    slow = fetch(client, url) > SLOW_REQUEST_MS
    for _ in range(0 if slow else WARM_UPS - 1):
        fetch(client, url)
    with CaptureQueriesContext(connection) as queries:
        fetch(client, url)
    # Counted now: captured_queries reads the connection's log, which each request empties.
    query_count = len(queries.captured_queries)
    samples = min(repeat, SLOW_REPEAT) if slow else repeat
    gc.collect()
    timings = [fetch(client, url) for _ in range(samples)]
    return Measurement(statistics.median(timings), query_count, samples)


def database_description():
    vendor = connection.vendor
    name = connection.settings_dict["NAME"]
    if vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} ({name})"
    if vendor == "postgresql":
        version = connection.pg_version
        major, minor = divmod(version, 10000)
        host = connection.settings_dict.get("HOST") or "local socket"
        return f"PostgreSQL {major}.{minor} ({name} on {host})"
    return f"{connection.display_name} ({name})"


class Command(BaseCommand):
    help = (
        "Time every public page type (median of repeated requests through the test client, "
        "DEBUG off, caches cleared) and count its SQL queries, on generated editions of "
        "several sizes. Writes to the database named by DATABASE_URL; `make bench` uses a "
        "throwaway .bench.sqlite3."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            type=int,
            nargs="+",
            default=DEFAULT_SIZES,
            metavar="SESSIONS",
            help="Edition sizes in sessions (default: %(default)s).",
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=15,
            help=(
                f"Timed requests per page after {WARM_UPS} warm-ups (default: %(default)s; a "
                f"third as many, at least 5, for editions over {LARGE_EDITION} sessions, and "
                f"{SLOW_REPEAT} after 1 warm-up for a page over {SLOW_REQUEST_MS} ms)."
            ),
        )

    def handle(self, *args, sizes, repeat, **options):
        if not os.environ.get("DATABASE_URL"):
            raise CommandError(
                "bench generates editions in the database, so it needs DATABASE_URL to name a "
                "database other than your own: run `make bench` (a throwaway .bench.sqlite3; "
                'BENCH_ARGS="--sizes 50 --repeat 3" for a quick run), or set DATABASE_URL.'
            )
        if repeat < 1 or any(size < 1 for size in sizes):
            raise CommandError("--sizes and --repeat must be at least 1.")
        sizes = sorted(set(sizes))
        self.progress(f"Migrating {database_description()}…")
        call_command("migrate", verbosity=0, interactive=False)
        slugs = {size: generated_slug(size) for size in sizes}
        # Left over by an interrupted run, they would swell the site-wide pages.
        for slug in slugs.values():
            delete_generated(slug)
        others = Conference.objects.count()

        results, runs = {}, {}
        with (
            warnings.catch_warnings(),
            override_settings(
                DEBUG=False,
                ALLOWED_HOSTS=["testserver"],
                # Plain static URLs: the manifest storage needs collectstatic first.
                STORAGES={
                    **settings.STORAGES,
                    "staticfiles": {
                        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                    },
                },
                # Uncached timings, without emptying whatever cache the settings name (Redis).
                CACHES={
                    "default": {
                        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                        "LOCATION": "niic-bench",
                    }
                },
            ),
        ):
            # WhiteNoise looks for collectstatic's output, which the bench does not need.
            warnings.filterwarnings("ignore", "No directory at", UserWarning)
            client = Client()
            for size in sizes:
                runs[size], results[size] = self.bench_size(client, size, repeat)

        self.report(sizes, runs, results, others)

    def progress(self, message):
        print(message, file=sys.stderr, flush=True)

    def bench_size(self, client, size, repeat):
        speakers = speakers_for(size)
        started = time.perf_counter()
        program = generate_program(sessions=size, speakers=speakers, seed=1)
        conference = program.conference
        self.progress(
            f"Generated {size} sessions, {speakers} speakers, {program.rooms} rooms in "
            f"{time.perf_counter() - started:.1f} s; measuring…"
        )
        times = repeat if size <= LARGE_EDITION else min(repeat, max(5, math.ceil(repeat / 3)))
        try:
            pages = {}
            started = time.perf_counter()
            for page, url in page_urls(conference):
                pages[page] = measure(client, url, times)
            self.progress(f"  measured in {time.perf_counter() - started:.1f} s")
        finally:
            delete_generated(conference.slug)
        run = {
            "sessions": program.sessions,
            "speakers": program.speakers,
            "rooms": program.rooms,
            "repeat": times,
        }
        return run, pages

    def report(self, sizes, runs, results, others):
        write = self.stdout.write
        write(
            f"NIIC page benchmark: {database_description()}; Python {platform.python_version()}, "
            f"Django {django.get_version()}"
        )
        for size in sizes:
            run = runs[size]
            write(
                f"  {size:>6}: {run['sessions']} sessions, {run['speakers']} speakers, "
                f"{run['rooms']} rooms; median of {run['repeat']} requests after {WARM_UPS} "
                "warm-ups, DEBUG off, caches cleared before each request"
            )
        if others:
            write(
                f"  The database holds {others} other edition(s): the speaker directory, "
                "search and edition list include them."
            )
        write("")
        pages = list(results[sizes[0]])
        width = max(len(page) for page in pages) + 2
        header = "page".ljust(width) + "".join(f"{f'{size} ms':>10} {'q':>5}" for size in sizes)
        write(header)
        write("-" * len(header))
        shortened = False
        for page in pages:
            cells = []
            for size in sizes:
                measured = results[size][page]
                mark = "*" if measured.samples < runs[size]["repeat"] else " "
                shortened = shortened or mark == "*"
                cells.append(f"{measured.median_ms:>10.1f}{mark}{measured.queries:>5}")
            write(page.ljust(width) + "".join(cells))
        if shortened:
            write(
                f"* over {SLOW_REQUEST_MS / 1000:g} s on its first request: median of "
                f"{SLOW_REPEAT} requests after 1 warm-up."
            )
        write("")
        write(f"Targets ({TARGET_SIZE} sessions, uncached; queries as many as at {BASELINE_SIZE}):")
        for page, budget in TARGETS:
            write("  " + self.target_line(results, page, budget))

    def target_line(self, results, page, budget):
        label = f"{page} under {budget} ms"
        if TARGET_SIZE not in results:
            return f"- {label}: not measured (add {TARGET_SIZE} to --sizes)"
        measured = results[TARGET_SIZE][page]
        fast = measured.median_ms < budget
        parts = [f"{measured.median_ms:.1f} ms"]
        if BASELINE_SIZE in results:
            baseline = results[BASELINE_SIZE][page].queries
            steady = measured.queries == baseline
            parts.append(
                f"{measured.queries} queries "
                + ("= " if steady else "≠ ")
                + f"{baseline} at {BASELINE_SIZE}"
            )
        else:
            steady = True
            parts.append(
                f"{measured.queries} queries (not compared: add {BASELINE_SIZE} to --sizes)"
            )
        mark = "✓" if fast and steady else "✗ MISSED"
        return f"{mark} {label}: " + ", ".join(parts)
