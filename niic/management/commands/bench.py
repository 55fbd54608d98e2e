"""`make bench`: how long each public page and export takes to render, how many SQL queries it
makes and how large its body is, on generated editions of growing size; then the same site
over HTTP, on gunicorn with 2 workers as `make run` serves it: uncached pages, and with wrk the
cached schedule day, a 304 and a static file of the same size served by the same stack
(WhiteNoise), so that their ratio comes from one run.

Each size is generated (niic.generated_program), measured and deleted again before the next
one, so that the site-wide pages (speaker directory, search) see that edition alone. Nothing
else in the database is touched, but it is written to: `make bench` points DATABASE_URL at a
throwaway .bench.sqlite3 unless the caller names another database, and this command refuses
to run without DATABASE_URL so that it never writes to a developer's own db.sqlite3."""

import gc
import gzip
import math
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode

import django
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import translation

from niic import loadtools, program_version
from niic.generated_program import generate_program
from sessions import services
from sessions.importing import read_dataset, read_rows
from sessions.models import Room, Session
from sessions.resources import SessionResource
from speakers.models import Organization, Speaker
from speakers.spreadsheets import SafeXLSX
from tracks.models import Conference, Topic, Track

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

# The render targets (issues 9 and 24): (page, sessions, budget in ms), uncached, through the test
# client, which times the site's own work (over HTTP, gunicorn's is added; reported beside).
# Each page must also make as many queries at TARGET_SIZE as at BASELINE_SIZE, so that its
# cost does not grow with the edition's sessions through extra queries.
TARGET_SIZE = 1000
BASELINE_SIZE = 200
TARGETS = [
    ("schedule day", 1000, 100),
    ("schedule day", 5000, 250),
    ("session", 1000, 10),
    ("session", 5000, 10),
    ("speaker", 1000, 10),
    ("speaker", 5000, 10),
    ("speaker directory", 1000, 40),
    ("edition .ics", 1000, 100),
]
DAY_HTML_BUDGET_KB = 150
# A cached page and a 304 at this share, at least, of a static file's requests per second, at
# each number of connections.
STATIC_SHARE = 0.7
# Over HTTP: uncached requests per page (each after a new program version), and wrk's runs.
HTTP_PAGES = ["schedule day", "session", "speaker", "speaker directory", "edition .ics"]
HTTP_REPEAT = 7
WRK_SECONDS = 5
WRK_CONNECTIONS = (4, 16)


@dataclass
class Measurement:
    median_ms: float
    queries: int
    samples: int
    body_bytes: int


@dataclass
class HttpRun:
    uncached_ms: dict = field(default_factory=dict)
    day_bytes: int = 0
    head_etag_matches: bool = False
    # {connections: {"cached_day" | "not_modified" | "static_file": loadtools.WrkResult}}
    wrk: dict = field(default_factory=dict)


def generated_slug(sessions, seed=1):
    return f"generated-s{seed}-n{sessions}"


def delete_generated(slug):
    """What generate_program replaces for this slug: the edition and its people."""
    Conference.objects.filter(slug=slug).delete()
    Organization.objects.filter(slug__startswith=f"{slug}-").delete()
    Speaker.objects.filter(slug__startswith=f"{slug}-").delete()


def speakers_for(sessions):
    return max(100, sessions // 2)


class Sample(NamedTuple):
    """What an edition's pages are measured on: its first public session and a speaker of it,
    its first track, topic and room, and an agenda of AGENDA_SIZE sessions."""

    session: Session
    speaker: Speaker
    track: Track
    topic: Topic
    room: Room
    agenda: str

    @classmethod
    def of(cls, conference):
        sessions = Session.objects.public().for_edition(conference).order_by("pk")
        session = sessions.select_related("conference").first()
        seat = session.panel.select_related("speaker__organization").order_by("pk").first()
        track = conference.tracks.order_by("order", "pk").first()
        topic = track.topics.order_by("order", "pk").first()
        room = conference.rooms.order_by("order", "pk").first()
        # Spread over the whole edition rather than its first slot.
        ids = list(sessions.values_list("pk", flat=True))
        agenda = ",".join(str(pk) for pk in ids[:: max(1, len(ids) // AGENDA_SIZE)][:AGENDA_SIZE])
        return cls(session, seat.speaker, track, topic, room, agenda)


def url(name, query=None, **kwargs):
    path = reverse(name, kwargs=kwargs or None)
    return f"{path}?{urlencode(query)}" if query else path


def page_urls(conference):
    """(page name, URL) for every public page type and export for apps, for this edition, in
    English."""
    session, speaker, track, topic, room, agenda = Sample.of(conference)
    first_day = conference.days[0].isoformat()
    edition = {"edition": conference.slug}
    track_kwargs = {**edition, "track": track.slug}
    with translation.override("en"):
        return [
            ("home", url("edition-home", **edition)),
            ("schedule day", url("program:schedule", {"day": first_day}, **edition)),
            (
                "schedule filtered",
                url("program:schedule", {"day": first_day, "track": track.slug}, **edition),
            ),
            ("whole program", url("program:whole-program", **edition)),
            ("session", session.get_absolute_url()),
            ("track list", url("program:track-list", **edition)),
            ("track", url("program:track-detail", **track_kwargs)),
            ("topic", url("program:topic-detail", topic=topic.slug, **track_kwargs)),
            ("room", url("program:room-detail", room=room.slug, **edition)),
            ("speaker directory", url("speaker-list")),
            ("speaker", url("speaker-detail", speaker=speaker.slug)),
            (
                "organization",
                url("organization-detail", organization=speaker.organization.slug),
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
            ("schedule.xml", url("program:schedule-xml", **edition)),
            ("schedule.json", url("program:schedule-json", **edition)),
            ("xCal", url("program:schedule-xcal", **edition)),
            ("schedule.csv", url("program:schedule-csv", **edition)),
        ]


def clear_caches():
    """Every page rendered afresh: the page cache emptied, and each process's memory of the
    pages it sent (what a program version's change does, for the pages it changes)."""
    from django.core.cache import caches

    from niic.middleware import page_memory

    for cache in caches.all():
        cache.clear()
    page_memory.clear()


def fetch(client, url):
    """One request, caches emptied first; how long it took in ms, and its body's size in bytes
    (as rendered: the test client asks for no compression)."""
    clear_caches()
    started = time.perf_counter()
    response = client.get(url)
    # A streamed body is only made as it is read: joined inside the timing, and measured.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise CommandError(f"GET {url} answered {response.status_code}, not 200.")
    return elapsed, len(body)


def measure(client, url, repeat):
    slow = fetch(client, url)[0] > SLOW_REQUEST_MS
    for _ in range(0 if slow else WARM_UPS - 1):
        fetch(client, url)
    with CaptureQueriesContext(connection) as queries:
        _, body_bytes = fetch(client, url)
    # Counted now: captured_queries reads the connection's log, which each request empties.
    query_count = len(queries.captured_queries)
    samples = min(repeat, SLOW_REPEAT) if slow else repeat
    gc.collect()
    timings = [fetch(client, url)[0] for _ in range(samples)]
    return Measurement(statistics.median(timings), query_count, samples, body_bytes)


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
        "Time every public page type and export for apps (median of repeated requests through "
        "the test client, DEBUG off, caches cleared), count its SQL queries and measure its "
        "body, on generated editions of several sizes. Writes to the database named by "
        "DATABASE_URL; `make bench` uses a throwaway .bench.sqlite3."
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
            "--pages",
            nargs="+",
            metavar="PAGE",
            help=(
                "Only these pages, by their names in the report (quoted: 'schedule day'), "
                "through the test client: no HTTP, release or import. For a quick look while "
                "working on one page."
            ),
        )
        parser.add_argument(
            "--no-http",
            action="store_true",
            help="Only the test client: no gunicorn, no wrk.",
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

    def handle(self, *args, sizes, repeat, pages, **options):
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
        # The page cache's table, when no Redis is named: without it every page is rendered.
        call_command("createcachetable", verbosity=0)
        slugs = {size: generated_slug(size) for size in sizes}
        # Left over by an interrupted run, they would swell the site-wide pages.
        for slug in slugs.values():
            delete_generated(slug)
        others = Conference.objects.count()

        self.only_pages = pages
        http = not options["no_http"] and not pages
        if http and loadtools.wrk_path() is None:
            self.progress("wrk is not installed (apt-get install wrk): measuring without HTTP.")
            http = False
        static_root = None
        if http:
            static_root = Path(tempfile.mkdtemp(prefix="niic-bench-static-"))
            self.progress("Collecting static files for gunicorn…")
            loadtools.collect_static(static_root)

        results, runs, http_runs = {}, {}, {}
        for size in sizes:
            program = self.generate(size)
            try:
                runs[size], results[size] = self.bench_size(program, repeat)
                if http:
                    http_runs[size] = self.bench_http(program, static_root)
                if not pages:
                    runs[size]["release"] = self.bench_release(program)
                    runs[size]["import"] = self.bench_import(program)
            finally:
                delete_generated(program.conference.slug)

        self.report(sizes, runs, results, http_runs, others)

    def generate(self, size):
        speakers = speakers_for(size)
        started = time.perf_counter()
        program = generate_program(sessions=size, speakers=speakers, seed=1, rooms=12)
        self.progress(
            f"Generated {size} sessions, {speakers} speakers, {program.rooms} rooms in "
            f"{time.perf_counter() - started:.1f} s; measuring…"
        )
        return program

    def test_client_settings(self):
        return override_settings(
            DEBUG=False,
            ALLOWED_HOSTS=["testserver"],
            # Plain static URLs: the manifest storage needs collectstatic first.
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            },
            # Uncached timings, without emptying whatever cache the settings name (Redis).
            CACHES={
                "default": {
                    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "niic-bench",
                }
            },
        )

    def progress(self, message):
        print(message, file=sys.stderr, flush=True)

    def bench_size(self, program, repeat):
        conference = program.conference
        size = program.sessions
        times = repeat if size <= LARGE_EDITION else min(repeat, max(5, math.ceil(repeat / 3)))
        pages = {}
        started = time.perf_counter()
        with warnings.catch_warnings(), self.test_client_settings():
            # WhiteNoise looks for collectstatic's output, which the test client does not need.
            warnings.filterwarnings("ignore", "No directory at", UserWarning)
            client = Client()
            urls = page_urls(conference)
            if unknown := set(self.only_pages or ()) - {page for page, _ in urls}:
                raise CommandError(
                    f"No page named {', '.join(sorted(unknown))}; the pages are: "
                    + ", ".join(page for page, _ in urls)
                )
            for page, url in urls:
                if not self.only_pages or page in self.only_pages:
                    pages[page] = measure(client, url, times)
        self.progress(f"  through the test client in {time.perf_counter() - started:.1f} s")
        run = {
            "sessions": program.sessions,
            "speakers": program.speakers,
            "rooms": program.rooms,
            "repeat": times,
        }
        return run, pages

    def bench_release(self, program):
        """Seconds to release the edition after one session was retitled (generate_program
        made its first release), and to withdraw that release again: each reads the whole
        working program, or a snapshot, and replaces every released copy."""
        user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
            "bench", "bench@localhost", secrets.token_urlsafe(24)
        )
        session = Session.objects.filter(conference=program.conference).first()
        session.title = f"{session.title} (retitled)"
        services.session_save(user=user, session=session)
        started = time.perf_counter()
        release = services.program_release(user=user, conference=program.conference, name="bench")
        timings = {"release": time.perf_counter() - started}
        started = time.perf_counter()
        services.release_withdraw(user=user, release=release)
        timings["withdraw"] = time.perf_counter() - started
        self.progress(
            f"  release of {program.sessions} sessions: {timings['release']:.2f} s, "
            f"withdrawal {timings['withdraw']:.2f} s"
        )
        return timings

    def bench_import(self, program):
        """Seconds to import the edition's sessions as an XLSX export of them: once into an empty
        edition (every row new), then again (every row unchanged)."""
        user = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
            "bench", "bench@localhost", secrets.token_urlsafe(24)
        )
        sessions = Session.objects.filter(conference=program.conference)
        content = SafeXLSX().export_data(SessionResource().export(sessions))
        sessions.delete()
        timings = {}
        for kind in ("new", "unchanged"):
            started = time.perf_counter()
            rows = services.sessions_import(
                user=user, rows=read_rows(read_dataset(content, "program.xlsx"))
            )
            timings[kind] = time.perf_counter() - started
            if any(row.errors for row in rows):
                raise CommandError("The generated program's export did not import back.")
        self.progress(
            f"  spreadsheet import of {program.sessions} rows: {timings['new']:.1f} s new, "
            f"{timings['unchanged']:.1f} s unchanged"
        )
        return timings

    def bench_http(self, program, static_root):
        started = time.perf_counter()
        urls = dict(page_urls(program.conference))
        day = urls["schedule day"]
        # The same cache settings as this process, which bumps the program version.
        environment = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
        run = HttpRun()
        # The static reference is written before gunicorn starts: WhiteNoise indexes its files
        # then. It is the schedule day's own HTML, so the bytes are the same.
        static_name = f"bench/schedule-day-{program.sessions}.html"
        with loadtools.Gunicorn(static_root, workers=2, **environment) as server:
            body = server.request("GET", day).body
        static_file = static_root / static_name
        static_file.parent.mkdir(exist_ok=True)
        static_file.write_bytes(body)
        # As collectstatic leaves a file (CompressedManifestStaticFilesStorage): with its
        # gzipped copy, which WhiteNoise sends to a browser that asks for gzip.
        compressed_file = static_file.with_name(static_file.name + ".gz")
        compressed_file.write_bytes(gzip.compress(body, compresslevel=9, mtime=0))
        run.day_bytes = len(body)
        try:
            with loadtools.Gunicorn(static_root, workers=2, **environment) as server:
                for page in HTTP_PAGES:
                    run.uncached_ms[page] = self.uncached_over_http(server, urls[page])
                got = server.request("GET", day)
                head = server.request("HEAD", day)
                etag = got.getheader("ETag")
                run.head_etag_matches = etag is not None and head.getheader("ETag") == etag
                for _ in range(4):  # in each worker's cache, whatever the cache
                    server.request("GET", day)
                base = server.base_url
                static_url = f"/{settings.STATIC_URL.strip('/')}/{static_name}"
                for connections in WRK_CONNECTIONS:
                    run.wrk[connections] = {
                        "cached_day": self.wrk(f"{base}{day}", connections),
                        "not_modified": self.wrk(
                            f"{base}{day}", connections, {"If-None-Match": etag}
                        ),
                        "static_file": self.wrk(f"{base}{static_url}", connections),
                    }
        finally:
            static_file.unlink()
            compressed_file.unlink()
        self.progress(f"  over HTTP in {time.perf_counter() - started:.1f} s")
        return run

    def uncached_over_http(self, server, url):
        """Median time of a GET after the program version changed, so that no cache helps."""
        timings = []
        for _ in range(HTTP_REPEAT):
            program_version.bump()
            started = time.perf_counter()
            response = server.request("GET", url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise CommandError(f"GET {url} over HTTP answered {response.status}, not 200.")
        return statistics.median(timings[1:])

    def wrk(self, url, connections, headers=None):
        """wrk asking as browsers do, for gzip."""
        headers = {"Accept-Encoding": "gzip, deflate, br", **(headers or {})}
        return loadtools.run_wrk(url, WRK_SECONDS, connections=connections, headers=headers)

    def report(self, sizes, runs, results, http_runs, others):
        write = self.stdout.write
        write(
            f"NIIC page benchmark: {database_description()}; Python {platform.python_version()}, "
            f"Django {django.get_version()}"
        )
        for size in sizes:
            run = runs[size]
            write(
                f"  {size:>6}: {run['sessions']} sessions, {run['speakers']} speakers, "
                f"{run['rooms']} rooms"
            )
        if others:
            write(
                f"  The database holds {others} other edition(s): the speaker directory, "
                "search and edition list include them."
            )
        self.report_test_client(sizes, runs, results)
        if http_runs:
            self.report_http(sizes, http_runs)
        if self.only_pages:
            return
        write("")
        write("Releasing the program (after one retitle), then withdrawing that release:")
        for size in sizes:
            timings = runs[size]["release"]
            write(
                f"  {size:>6} sessions: release {timings['release']:.2f} s, "
                f"withdrawal {timings['withdraw']:.2f} s"
            )
        write("")
        write("Spreadsheet import (XLSX, every row new, then every row unchanged):")
        for size in sizes:
            timings = runs[size]["import"]
            write(
                f"  {size:>6} rows: {timings['new']:.1f} s new, "
                f"{timings['unchanged']:.1f} s unchanged"
            )
        write("")
        write("Targets (issues 9 and 24):")
        for line in self.target_lines(results, http_runs):
            write("  " + line)

    def report_test_client(self, sizes, runs, results):
        write = self.stdout.write
        write("")
        write(
            "Rendering through the test client (median after "
            f"{WARM_UPS} warm-ups, DEBUG off, caches cleared before each request),"
        )
        write("queries, and the body's size in KB (uncompressed):")
        pages = list(results[sizes[0]])
        width = max(len(page) for page in pages) + 2
        # Three columns a size, so that the table stays within 100 columns for three sizes.
        header = "page".ljust(width) + "".join(
            f"{f'{size} ms':>10} {'q':>4}{'KB':>8}" for size in sizes
        )
        write(header)
        write("-" * len(header))
        shortened = False
        for page in pages:
            cells = []
            for size in sizes:
                measured = results[size][page]
                mark = "*" if measured.samples < runs[size]["repeat"] else " "
                shortened = shortened or mark == "*"
                cells.append(
                    f"{measured.median_ms:>10.1f}{mark}{measured.queries:>4}"
                    f"{measured.body_bytes / 1024:>8.1f}"
                )
            write(page.ljust(width) + "".join(cells))
        if shortened:
            write(
                f"* over {SLOW_REQUEST_MS / 1000:g} s on its first request: median of "
                f"{SLOW_REPEAT} requests after 1 warm-up."
            )

    def report_http(self, sizes, http_runs):
        write = self.stdout.write
        cache = "Redis" if os.environ.get("REDIS_URL") else "local-memory"
        write("")
        write(
            f"Over HTTP: gunicorn (niic/gunicorn.py), 2 sync workers, {cache} cache. Uncached: "
            f"median of {HTTP_REPEAT - 1} GETs, each after a new program version. Then wrk, "
            f"1 thread, {' and '.join(map(str, WRK_CONNECTIONS))} connections, {WRK_SECONDS} s "
            "each, asking for gzip."
        )
        measured = [size for size in sizes if size in http_runs]
        runs = [http_runs[size] for size in measured]
        width = 34

        def row(label, cells):
            write(label.ljust(width) + "".join(cells))

        header = "".ljust(width) + "".join(f"{size:>22}" for size in measured)
        write(header)
        write("-" * len(header))
        for page in HTTP_PAGES:
            row(f"uncached {page}", (f"{run.uncached_ms[page]:>19.1f} ms" for run in runs))
        row("schedule day HTML", (f"{run.day_bytes / 1024:>19.0f} KB" for run in runs))
        for connections in WRK_CONNECTIONS:
            for label, attribute in (
                ("cached schedule day", "cached_day"),
                ("304 of the schedule day", "not_modified"),
                ("static file, same size (gzip)", "static_file"),
            ):
                wrk_runs = [run.wrk[connections][attribute] for run in runs]
                row(f"{label}, {connections} conn.", (f"{'':>22}" for _ in wrk_runs))
                row("  requests/s", (f"{wrk.requests_per_second:>22.0f}" for wrk in wrk_runs))
                row(
                    "  p50 / p99 ms",
                    (f"{wrk.p50_ms:>13.1f} / {wrk.p99_ms:>5.1f}" for wrk in wrk_runs),
                )
                row("  errors", (f"{wrk.errors:>22}" for wrk in wrk_runs))
            for label, attribute in (
                ("cached / static", "cached_day"),
                ("304 / static", "not_modified"),
            ):
                row(
                    f"{label}, {connections} conn.",
                    (f"{self.share(run, connections, attribute):>21.0%} " for run in runs),
                )

    @staticmethod
    def share(run, connections, attribute):
        measured = run.wrk[connections]
        return measured[attribute].requests_per_second / measured["static_file"].requests_per_second

    def target_lines(self, results, http_runs):
        lines = []

        def mark(ok):
            return "✓" if ok else "✗ MISSED"

        for page, size, budget in TARGETS:
            label = f"{page} under {budget} ms at {size} sessions, uncached"
            if size not in results or page not in results[size]:
                lines.append(f"- {label}: not measured (add {size} to --sizes)")
                continue
            value, where = results[size][page].median_ms, "test client"
            steady = ""
            if size == TARGET_SIZE and page in results.get(BASELINE_SIZE, {}):
                same = results[size][page].queries == results[BASELINE_SIZE][page].queries
                steady = (
                    f", {results[size][page].queries} queries "
                    + ("= " if same else "≠ ")
                    + f"{results[BASELINE_SIZE][page].queries} at {BASELINE_SIZE}"
                )
            else:
                same = True
            lines.append(
                f"{mark(value < budget and same)} {label}: {value:.1f} ms ({where}{steady})"
            )
        if TARGET_SIZE not in http_runs:
            lines.append(f"- HTTP targets: not measured (wrk, and {TARGET_SIZE} in --sizes)")
            return lines
        run = http_runs[TARGET_SIZE]
        kilobytes = run.day_bytes / 1024
        lines.append(
            f"{mark(kilobytes <= DAY_HTML_BUDGET_KB)} schedule day at most "
            f"{DAY_HTML_BUDGET_KB} KB of HTML at {TARGET_SIZE} sessions: {kilobytes:.0f} KB"
        )
        for connections in WRK_CONNECTIONS:
            measured = run.wrk[connections]
            for label, attribute in (
                ("cached schedule day", "cached_day"),
                ("304", "not_modified"),
            ):
                share = self.share(run, connections, attribute)
                lines.append(
                    f"{mark(share >= STATIC_SHARE)} {label} at least {STATIC_SHARE:.0%} of the "
                    f"static file's requests/s at {TARGET_SIZE} sessions, {connections} "
                    f"connections: {share:.0%} ({measured[attribute].requests_per_second:.0f} "
                    f"vs {measured['static_file'].requests_per_second:.0f})"
                )
        lines.append(f"{mark(run.head_etag_matches)} HEAD carries the same ETag as GET")
        return lines
