"""What the site answers when a service it needs fails, and what it tells a load balancer.

The database: an unreachable or silent one is an outage to wait out, a 503 with Retry-After
(unavailable_or_server_error), while the page cache keeps serving what it has
(niic.program_version keeps the version without it).

Redis: niic.faults.RedisCache is Django's Redis cache for a site that keeps serving while Redis
fails. Once one call fails or times out (settings: half a second), the breaker stops asking
Redis for the rest of that request and for BREAKER_SECONDS in this worker; meanwhile reads
miss and writes are dropped, as if the cache were empty, so a request waits for Redis once at
most and nothing answers 500 because of it."""

import logging
import sys
import threading
import time
import uuid

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.signals import request_started
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language_from_path
from django.views.decorators.cache import never_cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Long enough for a database restart or failover, short enough that nobody gives up.
RETRY_AFTER_SECONDS = 30
# How long a worker leaves Redis alone after a call failed: a few seconds of pages rendered
# here instead of each request waiting for its timeout again.
BREAKER_SECONDS = 5


class CacheBreaker:
    """Whether the shared cache may be asked: not after a failure in this request, nor for
    BREAKER_SECONDS after any failure in this process."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.closed_until = 0.0
        self.request = threading.local()

    def allows(self):
        return not getattr(self.request, "failed", False) and time.monotonic() >= self.closed_until

    def trip(self):
        self.request.failed = True
        self.closed_until = time.monotonic() + self.seconds

    def new_request(self, **kwargs):
        self.request.failed = False


shared_cache = CacheBreaker(BREAKER_SECONDS)
request_started.connect(shared_cache.new_request, weak=False, dispatch_uid="niic-cache-breaker")


class RedisCache(DjangoRedisCache):
    """Django's, failing fast: every call goes through the breaker. When it is open, or when
    the call fails, a read misses (`default`, {}), a write is not made (False), and incr()
    finds no key (ValueError, as for a missing one)."""

    def _guarded(self, call, unanswered, *args, **kwargs):
        if not shared_cache.allows():
            return unanswered
        try:
            return call(*args, **kwargs)
        except (RedisError, OSError):  # refused, timed out, dropped: not the missing key of incr
            shared_cache.trip()
            logger.warning(
                "cache unreachable: not asked again for %s s", BREAKER_SECONDS, exc_info=True
            )
            return unanswered

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guarded(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set, False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guarded(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._guarded(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._guarded(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        found = self._guarded(super().incr, missing, key, delta, version)
        if found is missing:
            raise ValueError(f"Key '{key}' not found: the cache does not answer.")
        return found

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guarded(super().delete_many, None, keys, version)

    def clear(self):
        return self._guarded(super().clear, False)


def unavailable_or_server_error(request, *args, **kwargs):
    """handler500: an unreachable or timed-out database is an outage to wait out, not a bug.
    It answers 503 with Retry-After on a page in the visitor's language; anything else gets
    the friendly 500 page (niic.views.server_error)."""
    from .views import server_error

    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return server_error(request)
    language = get_language_from_path(request.path_info) or translation.get_language()
    with translation.override(language):
        response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def database_is_up():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        logger.warning("health check: database unreachable", exc_info=True)
        return False


def cache_is_up():
    """Through the breaker: a cache that failed a moment ago is reported down at once."""
    key = f"niic:health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "up", 10)
        up = cache.get(key) == "up"
        cache.delete(key)
    except Exception:  # any failure of another cache's client (a database cache's) is down too
        logger.warning("health check: cache unreachable", exc_info=True)
        return False
    if not up:
        logger.warning("health check: cache unreachable")
    return up


@never_cache
def health(request):
    """For load balancers, and for whoever is paged. Writes nothing to the database.

    200 while this app server can answer: "ok" when the database and the cache both answer,
    "degraded" when one of them does not (with the database down, pages already in the cache
    are served; with the cache down, every page is rendered here). 503 ("unavailable") when
    neither does: take the server out of rotation. With ?strict=1, "degraded" is a 503 too,
    for a monitor that must hear of any failure."""
    checks = {"database": database_is_up(), "cache": cache_is_up()}
    if all(checks.values()):
        status = "ok"
    elif any(checks.values()):
        status = "degraded"
    else:
        status = "unavailable"
    strict = request.GET.get("strict") == "1"
    serving = status == "ok" or (status == "degraded" and not strict)
    return JsonResponse(
        {"status": status, **{name: "ok" if up else "unavailable" for name, up in checks.items()}},
        status=200 if serving else 503,
    )
