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
  version over a newer one. The mirror says when the database was last read for it: one older
  than MIRROR_CHECK_SECONDS is read again from the database (by whichever request comes
  first), which bounds the damage of a lost cache write (Redis briefly unreachable during a
  bump) to a few seconds, well within the freshness promise.

The mirror never expires: it is the last known version of the whole site, kept beside the
cached pages. While the database is unreachable (or was a moment ago: it is then left alone for
a few seconds) the mirror's version is used, else the last one this process saw, so that pages
already in the cache keep being served, by a worker started during the outage too; nothing can
change the program meanwhile."""

import contextlib
import datetime
import functools
import json
import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.memcached import BaseMemcachedCache
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, OperationalError, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tracks.models import Conference

from . import faults
from .models import ProgramVersion

logger = logging.getLogger(__name__)

CACHE_KEY = "niic:program-version"
MIRROR_CHECK_SECONDS = 2
CHECK_CLAIM_KEY = f"{CACHE_KEY}:checking"
CHECK_CLAIM_SECONDS = 30
# After a failed read, the database is left alone for this long, doubled after each further
# failure up to the most: every request would otherwise wait for the connect timeout again.
OUTAGE_BACKOFF_SECONDS = 5
OUTAGE_BACKOFF_MOST_SECONDS = 10


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: datetime.datetime
    # ((opens, closes), …) of every edition in epoch seconds, sorted; None when unknown.
    edition_days: tuple | None = None


def _edition_days_of(conferences):
    return sorted(
        [int(edition.opens_at().timestamp()), int(edition.closes_at().timestamp())]
        for edition in conferences
    )


def _edition_days(stored):
    """The stored JSON as a tuple of (opens, closes); plain SQL gives SQLite's text."""
    if stored is None:
        return None
    if isinstance(stored, str):
        return _edition_days_from_text(stored)
    return tuple((opens, closes) for opens, closes in stored)


@functools.lru_cache(maxsize=8)
def _edition_days_from_text(stored):
    # Read on every request without a shared cache, and the same text until the next bump.
    return tuple((opens, closes) for opens, closes in json.loads(stored))


class _LastKnown:
    """What this process last read, for use while the database is unreachable."""

    def __init__(self):
        self.lock = threading.Lock()
        self.version = None
        self.database_down_until = 0.0
        self.backoff = OUTAGE_BACKOFF_SECONDS

    def remember(self, version):
        with self.lock:
            self.version = version

    def database_answered(self):
        with self.lock:
            self.database_down_until = 0.0
            self.backoff = OUTAGE_BACKOFF_SECONDS

    def database_failed(self):
        with self.lock:
            self.database_down_until = time.monotonic() + self.backoff
            self.backoff = min(self.backoff * 2, OUTAGE_BACKOFF_MOST_SECONDS)

    def database_presumed_down(self):
        return time.monotonic() < self.database_down_until


last_known = _LastKnown()


def cache_is_shared():
    """Whether the cache is another service that every app server shares (Redis), where the
    version is mirrored: one private to a process would let another process serve from an
    older version, and a table in the database would cost as much as the version's own row,
    and fail with it."""
    return isinstance(caches["default"], RedisCache | BaseMemcachedCache)


def current():
    """The version now: the mirror's when it was checked against the database a moment ago
    (or is being checked by another request), else the database's; while the database is
    unreachable, the last known."""
    mirrored, checked_at = _read_mirror() if cache_is_shared() else (None, 0.0)
    claimed = False
    if mirrored is not None:
        last_known.remember(mirrored)
        if (
            time.time() - checked_at < MIRROR_CHECK_SECONDS
            or last_known.database_presumed_down()
            or not (claimed := _claim_check())
        ):
            return mirrored
    fallback = last_known.version
    if fallback is not None and last_known.database_presumed_down():
        return fallback
    try:
        _answers_within(connections[DEFAULT_DB_ALIAS], settings.DATABASE_CONNECT_TIMEOUT)
        version = (
            _refresh_mirror() if cache_is_shared() and faults.shared_cache.allows() else _read()
        )
    except DatabaseError:
        last_known.database_failed()
        if fallback is None:
            raise
        logger.warning("database unreachable: serving pages cached under the last known version")
        return fallback
    finally:
        if claimed:
            _release_check()
    last_known.database_answered()
    last_known.remember(version)
    return version


def _claim_check():
    """One request of the whole site reads the database when the mirror is due: the others
    use the mirror meanwhile, rather than every one of them waiting on a database that may
    have stopped answering. A claim left by a killed worker expires with gunicorn's timeout."""
    return cache.add(CHECK_CLAIM_KEY, True, CHECK_CLAIM_SECONDS)


def _release_check():
    cache.delete(CHECK_CLAIM_KEY)


def _answers_within(connection, seconds):
    """Raises OperationalError unless the open connection answers within `seconds`.

    A database that stops answering on a connection already open is bounded by nothing: the
    statement timeout needs a server that still counts, and the connect timeout is past. So
    the connection's health check (Django's, which it replaces for this request) is timed: the
    socket is shut when it is late, which ends the wait; the connection is then closed, and
    made anew (within the connect timeout) by the next request that needs it."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return  # a new connection is bounded by the connect timeout
    if connection.in_atomic_block:
        return  # not a request's: whatever the transaction's state, it is not to be closed
    timer = threading.Timer(seconds, _shut, [connection.connection.fileno()])
    timer.daemon = True
    timer.start()
    try:
        connection.connection.execute("SELECT 1")
    except Exception as error:  # the driver's own error, from the shut socket or before
        connection.close()
        raise OperationalError("the database did not answer") from error
    finally:
        timer.cancel()
    connection.health_check_done = True


def _shut(fileno):
    logger.warning("database silent: the connection is shut")
    with contextlib.suppress(OSError):
        socket.socket(fileno=os.dup(fileno)).shutdown(socket.SHUT_RDWR)


def _read_mirror():
    """(version, when the database was read for it, a time.time()), or (None, 0.0)."""
    try:
        mirrored = cache.get(CACHE_KEY)
    except Exception:  # the cache is an optimization: on failure use the database
        logger.warning("cache unreachable: reading the program version from the database")
        return None, 0.0
    if not isinstance(mirrored, tuple) or len(mirrored) != 4:
        return None, 0.0  # none yet, or written by an older release
    token, changed_at, edition_days, checked_at = mirrored
    return Version(token, changed_at, edition_days), checked_at


def _read(using=DEFAULT_DB_ALIAS, for_update=False):
    """The stored version. Plain SQL: this runs for every revalidation when the cache is not
    shared, and building the ORM query would cost more than running it."""
    connection = connections[using]
    table = connection.ops.quote_name(ProgramVersion._meta.db_table)
    lock = " FOR UPDATE" if for_update and connection.features.has_select_for_update else ""
    sql = f"SELECT token, changed_at, edition_days FROM {table} WHERE id = %s{lock}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [ProgramVersion.ROW])
        row = cursor.fetchone()
    if row is None:
        # Only a flushed database lacks the row (the migration creates it).
        stored, _ = ProgramVersion.objects.using(using).get_or_create(
            pk=ProgramVersion.ROW,
            defaults={"token": _new_token(0), "changed_at": timezone.now()},
        )
        return Version(stored.token, stored.changed_at, _edition_days(stored.edition_days))
    token, changed_at, edition_days = row
    if isinstance(changed_at, str):  # SQLite returns the text it stores
        changed_at = parse_datetime(changed_at)
    if timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, datetime.UTC)
    return Version(token, changed_at, _edition_days(edition_days))


def _refresh_mirror():
    with transaction.atomic():
        version = _read(for_update=True)
        _write_mirror(version)
    return version


def _write_mirror(version):
    try:
        cache.set(
            CACHE_KEY,
            (version.token, version.changed_at, version.edition_days, time.time()),
            None,
        )
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
        row.edition_days = _edition_days_of(
            Conference.objects.using(using).only("start_date", "end_date", "time_zone")
        )
        row.save(using=using)
        version = Version(row.token, row.changed_at, _edition_days(row.edition_days))
        if cache_is_shared():
            _write_mirror(version)
    last_known.remember(version)
    logger.info("program version %s", version.token)
    from . import warming  # imports this module

    warming.after_bump(version)
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
