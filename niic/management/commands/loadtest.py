"""`make loadtest`: the morning rush and the minute after a change, on loopback.

The site runs as in production (gunicorn, 2 workers, PostgreSQL, Redis, the task worker that
renders the most-read pages after each change) on a generated edition;
wrk loads the schedule day, a session page, search and the edition's .ics for a fixed time while
this process publishes an edit every few seconds, as an organizer on another machine would, and
checks over HTTP when each edit shows. It reports requests/s, p50/p99 and errors per page, and
whether every edit was kept and became visible within the freshness promise. Each edit is what an
organizer's is: saved through the services as an organizer, then released (or, for an edition
that publishes at once, visible on save)."""

import os
import secrets
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from psycopg import sql

from niic import loadtools, roles
from niic.generated_program import generate_program
from sessions.models import Session
from sessions.services import next_release_name, program_release, session_save
from tracks.models import Conference
from tracks.signals import program_changed

SEARCH_TERM = "coalitions"
# What every browser and calendar app sends: pages come gzipped, as they would to attendees.
BROWSER_HEADERS = {"Accept-Encoding": "gzip, deflate, br"}


def ensure_database(url):
    """Create the database DATABASE_URL names if the server does not have it yet."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = parts._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def make_current(conference):
    """The generated edition becomes the one the site presents, whose most-read pages the task
    worker renders after each change, as it would for the real edition during its rush."""
    with transaction.atomic():
        Conference.objects.filter(is_current=True).exclude(pk=conference.pk).update(
            is_current=False
        )
        Conference.objects.filter(pk=conference.pk).update(is_current=True)
        program_changed.send(sender=Conference)


class Command(BaseCommand):
    help = (
        "Load the site on gunicorn with PostgreSQL and Redis with wrk while edits are "
        "published; report throughput, latency, errors and how fast each edit showed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=30, help="Length of the load.")
        parser.add_argument("--sessions", type=int, default=1000)
        parser.add_argument("--rooms", type=int, default=12)
        parser.add_argument(
            "--edit-every", type=float, default=3.0, help="Seconds between two edits."
        )
        parser.add_argument(
            "--connections", type=int, default=2, help="wrk connections for each page."
        )

    def handle(self, *args, seconds, sessions, rooms, edit_every, connections, **options):
        self.check_requirements()
        url = os.environ["DATABASE_URL"]
        ensure_database(url)
        self.progress(f"Preparing {urlsplit(url).path.lstrip('/')}: migrate, generate…")
        call_command("migrate", verbosity=0, interactive=False)
        program = generate_program(
            sessions=sessions, speakers=max(100, sessions // 2), seed=1, rooms=rooms
        )
        make_current(program.conference)
        static_root = Path(tempfile.mkdtemp(prefix="niic-loadtest-static-"))
        loadtools.collect_static(static_root)
        conference = program.conference
        day = conference.days[0]
        edited = list(
            Session.objects.public()
            .for_edition(conference)
            .on_day(conference, day)
            .order_by("starts_at", "pk")[: max(1, int(seconds / edit_every) + 2)]
        )
        with translation.override("en"):
            edition = {"edition": conference.slug}
            pages = {
                "schedule day": reverse("program:schedule", kwargs=edition)
                + "?"
                + urlencode({"day": day.isoformat()}),
                "session": edited[0].get_absolute_url(),
                "search": reverse("search") + "?" + urlencode({"q": SEARCH_TERM}),
                "edition .ics": reverse("program:edition-calendar", kwargs=edition),
            }
        # The same cache settings as this process, which publishes the edits: the servers
        # must see the program version it bumps.
        environment = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
        self.progress(
            f"Serving {program.sessions} sessions in {program.rooms} rooms; loading for "
            f"{seconds} s with an edit every {edit_every:g} s…"
        )
        with loadtools.Gunicorn(static_root, workers=2, task_worker=True, **environment) as server:
            results = {}
            threads = [
                threading.Thread(
                    target=self.load,
                    args=(results, name, f"{server.base_url}{path}", seconds, connections),
                )
                for name, path in pages.items()
            ]
            for thread in threads:
                thread.start()
            edits = self.publish_edits(server, edited, pages["schedule day"], seconds, edit_every)
            for thread in threads:
                thread.join()
        self.report(program, seconds, connections, pages, results, edits)

    def check_requirements(self):
        missing = []
        if loadtools.wrk_path() is None:
            missing.append("wrk (Debian: apt-get install wrk)")
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            missing.append("DATABASE_URL naming a PostgreSQL database")
        if not os.environ.get("REDIS_URL"):
            missing.append("REDIS_URL naming a Redis database")
        if missing:
            raise CommandError("make loadtest needs " + "; ".join(missing) + ".")

    def progress(self, message):
        self.stderr.write(message)

    def load(self, results, name, url, seconds, connections):
        try:
            results[name] = loadtools.run_wrk(
                url, seconds, connections=connections, headers=BROWSER_HEADERS
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            results[name] = error

    def publish_edits(self, server, sessions, day_path, seconds, edit_every):
        """Edit one session after another until the load ends; for each, how long until the
        session page and the schedule day both show it over HTTP (None: not within the
        promise)."""
        promise = settings.NIIC_FRESHNESS_SECONDS
        organizer = self.organizer()
        ends = time.monotonic() + seconds - 2
        edits = []
        number = 0
        while time.monotonic() + edit_every < ends and number < len(sessions):
            time.sleep(edit_every)
            session = sessions[number]
            number += 1
            session.title = f"{session.title} (edit {number})"
            session_save(user=organizer, session=session)
            if not session.conference.publishes_at_once:
                program_release(
                    user=organizer,
                    conference=session.conference,
                    name=next_release_name(session.conference),
                )
            saved = time.monotonic()
            visible_after = None
            while time.monotonic() - saved < promise:
                on_page = (
                    session.title in server.request("GET", session.get_absolute_url()).body.decode()
                )
                on_day = on_page and session.title in server.request("GET", day_path).body.decode()
                if on_page and on_day:
                    visible_after = time.monotonic() - saved
                    break
                time.sleep(0.05)
            edits.append((session, visible_after))
        return edits

    def organizer(self):
        """The organizer who makes the edits (the services check their rights as anyone's)."""
        roles.setup_roles()
        user, _ = User.objects.get_or_create(
            username="loadtest-organizer@example.org",
            defaults={"email": "loadtest-organizer@example.org"},
        )
        user.groups.add(Group.objects.get(name=roles.ORGANIZERS))
        return User.objects.get(pk=user.pk)  # fresh: group permissions are cached per object

    def report(self, program, seconds, connections, pages, results, edits):
        write = self.stdout.write
        promise = settings.NIIC_FRESHNESS_SECONDS
        write(
            f"NIIC load test: gunicorn (2 sync workers), PostgreSQL, Redis, the task worker; "
            f"{program.sessions} "
            f"sessions in {program.rooms} rooms; wrk {connections} connections per page for "
            f"{seconds} s, all pages at once, accepting gzip as browsers do."
        )
        write("")
        width = max(len(name) for name in pages) + 2
        columns = f"{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'requests':>10}{'errors':>8}"
        write("page".ljust(width) + columns)
        total_errors = 0
        for name in pages:
            result = results.get(name)
            if not isinstance(result, loadtools.WrkResult):
                write(f"{name.ljust(width)}wrk failed: {result}")
                total_errors += 1
                continue
            total_errors += result.errors
            write(
                f"{name.ljust(width)}{result.requests_per_second:>9.0f}{result.p50_ms:>9.1f}"
                f"{result.p99_ms:>9.1f}{result.requests:>10}{result.errors:>8}"
            )
        write("")
        kept = [Session.objects.get(pk=session.pk).title == session.title for session, _ in edits]
        delays = [after for _, after in edits if after is not None]
        write(
            f"Edits published: {len(edits)}; kept: {sum(kept)}; visible on the session page and "
            f"the schedule day within {promise} s: {len(delays)}"
        )
        if delays:
            write(
                f"  seconds from save to visible: median {statistics.median(delays):.2f}, "
                f"max {max(delays):.2f}"
            )
        ok = total_errors == 0 and edits and all(kept) and len(delays) == len(edits)
        write("")
        write(
            ("✓" if ok else "✗") + f" 0 errors: {total_errors == 0}; every edit kept: {all(kept)}; "
            f"every edit visible within {promise} s: {len(delays) == len(edits)}"
        )
        if not ok:
            raise CommandError("The load test missed its targets (above).")
