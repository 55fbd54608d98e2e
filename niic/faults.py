"""What the site answers when a service it needs fails, and what it tells a load balancer."""

import logging
import sys
import uuid

from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language_from_path
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

# Long enough for a database restart or failover, short enough that nobody gives up.
RETRY_AFTER_SECONDS = 30


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
    key = f"niic:health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "up", 10)
        up = cache.get(key) == "up"
        cache.delete(key)
        return up
    except Exception:  # any failure of the cache client means it is down
        logger.warning("health check: cache unreachable", exc_info=True)
        return False


@never_cache
def health(request):
    """For load balancers: 200 when this app server can reach its database and cache, 503
    (take it out of rotation) when it cannot. Writes nothing to the database."""
    checks = {"database": database_is_up(), "cache": cache_is_up()}
    healthy = all(checks.values())
    return JsonResponse(
        {name: "ok" if up else "unavailable" for name, up in checks.items()},
        status=200 if healthy else 503,
    )
