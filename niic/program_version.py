"""The program version: one value that changes whenever anything the public site shows changes.

Every public page is cached, and revalidated, under it (niic.middleware.PublicPageCache), so
it must change on every machine the moment a change commits:

- it is stored in the database (niic.models.ProgramVersion), which every app server shares,
  and mirrored in the cache when the cache is shared too (Redis), so that a page served from
  the cache costs no query at all;
- it is bumped once per committed transaction that wrote a program model (the receivers that
  niic.apps connects) or sent tracks.signals.program_changed (bulk writes that emit no model
  signals);
- bump and mirror refresh both hold the version row's lock while they write the mirror, so the
  mirror is written in the order the database was, and a reader can never put back an older
  version over a newer one. The mirror also expires after MIRROR_SECONDS, which bounds the
  damage of a lost cache write (a cache that was briefly unreachable) to well within the
  freshness promise.

While the database is unreachable the last version this process saw is used, so that pages
already in the cache keep being served; nothing can change the program meanwhile."""

import datetime
import logging
import secrets
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import ProgramVersion

logger = logging.getLogger(__name__)

CACHE_KEY = "niic:program-version"
MIRROR_SECONDS = 30
# After a failed read, the database is left alone for this long: every request would otherwise
# wait for the connect timeout again.
OUTAGE_BACKOFF_SECONDS = 5


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: datetime.datetime


class _LastKnown:
    """What this process last read, for use while the database is unreachable."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version = None
        self.database_down_until = 0.0

    def remember(self, version):
        with self.lock:
            self.version = version
            self.database_down_until = 0.0

    def database_failed(self):
        with self.lock:
            self.database_down_until = time.monotonic() + OUTAGE_BACKOFF_SECONDS

    def database_presumed_down(self):
        return time.monotonic() < self.database_down_until


last_known = _LastKnown()


def cache_is_shared():
    """A local-memory cache is private to one process: mirroring the version there would let
    another process serve from an older version, so then the database is read every time."""
    return not isinstance(caches["default"], LocMemCache | DummyCache)


def current():
    """The version now, read from the mirror when there is one, else from the database."""
    if cache_is_shared():
        try:
            mirrored = cache.get(CACHE_KEY)
        except Exception:  # the cache is an optimization: on failure use the database
            logger.warning("cache unreachable: reading the program version from the database")
            mirrored = None
        if mirrored is not None:
            version = Version(*mirrored)
            last_known.remember(version)
            return version
    if last_known.version is not None and last_known.database_presumed_down():
        return last_known.version
    try:
        version = _refresh_mirror() if cache_is_shared() else _read()
    except DatabaseError:
        last_known.database_failed()
        if last_known.version is None:
            raise
        logger.warning("database unreachable: serving pages cached under the last known version")
        return last_known.version
    last_known.remember(version)
    return version


def _read(using=DEFAULT_DB_ALIAS, for_update=False):
    """The stored version. Plain SQL: this runs for every revalidation when the cache is not
    shared, and building the ORM query would cost more than running it."""
    connection = connections[using]
    table = connection.ops.quote_name(ProgramVersion._meta.db_table)
    lock = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
    sql = f"SELECT token, changed_at FROM {table} WHERE id = %s{lock}"  # noqa: S608  (no input)
    with connection.cursor() as cursor:
        cursor.execute(sql, [ProgramVersion.ROW])
        row = cursor.fetchone()
    if row is None:
        # Only a flushed database lacks the row (the migration creates it).
        stored, _ = ProgramVersion.objects.using(using).get_or_create(
            pk=ProgramVersion.ROW,
            defaults={"token": _new_token(0), "changed_at": timezone.now()},
        )
        return Version(stored.token, stored.changed_at)
    token, changed_at = row
    if isinstance(changed_at, str):  # SQLite returns the text it stores
        changed_at = parse_datetime(changed_at)
    if timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, datetime.UTC)
    return Version(token, changed_at)


def _refresh_mirror():
    with transaction.atomic():
        version = _read(for_update=True)
        _write_mirror(version)
    return version


def _write_mirror(version):
    try:
        cache.set(CACHE_KEY, (version.token, version.changed_at), MIRROR_SECONDS)
    except Exception:
        logger.warning("cache unreachable: the program version mirror was not written")


def _new_token(number):
    return f"{number}-{secrets.token_hex(6)}"


def bump(using=DEFAULT_DB_ALIAS):
    """A new version, now. Its time is at least a second after the previous one, so that a
    client revalidating with If-Modified-Since (whole seconds) sees every change."""
    with transaction.atomic(using=using):
        _read(using)  # makes sure the row exists
        row = ProgramVersion.objects.using(using).select_for_update().get(pk=ProgramVersion.ROW)
        row.number += 1
        row.token = _new_token(row.number)
        row.changed_at = max(
            timezone.now(), row.changed_at.replace(microsecond=0) + datetime.timedelta(seconds=1)
        )
        row.save(using=using)
        version = Version(row.token, row.changed_at)
        if cache_is_shared():
            _write_mirror(version)
    last_known.remember(version)
    logger.info("program version %s", version.token)
    return version


class _Pending:
    """The bump that the writes of one transaction ask for when it commits: each write
    registers a callback, and the first one to run bumps for them all."""

    def __init__(self, using):
        self.using = using
        self.done = False

    def __call__(self):
        if not self.done:
            self.done = True
            bump(self.using)


# {database alias: the _Pending of the current transaction}, per thread, as connections are.
_pending = threading.local()


def note_change(using=DEFAULT_DB_ALIAS):
    """Something the public program shows was written through `using`: bump the version once
    the transaction commits, once however many writes it made (at once in autocommit, where
    the write has committed already).

    Every write registers its own callback with transaction.on_commit, so that a savepoint
    rolled back takes its writes' callbacks with it and leaves the others'. They share one
    _Pending until it has run: one left behind by a rolled-back transaction never ran, and
    serves the next one."""
    pending = getattr(_pending, using, None)
    if pending is None or pending.done:
        pending = _Pending(using)
        setattr(_pending, using, pending)
    transaction.on_commit(pending, using=using, robust=True)


def program_changed_receiver(sender=None, using=None, **kwargs):
    note_change(using or DEFAULT_DB_ALIAS)


def model_changed_receiver(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    note_change(using)


def m2m_changed_receiver(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        note_change(using)
