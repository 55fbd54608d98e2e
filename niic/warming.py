"""After a change attendees can see, the pages they read most are rendered into the page cache
in the background (a task run by the worker, `manage.py db_worker`), so that the first visitor
after a release is served from the cache instead of waiting for a cold render while others
queue behind it.

The pages are asked for as a visitor at NIIC_SITE_URL would ask (its host is part of a cached
page's key), through the whole middleware stack, so that what is stored is exactly what
niic.middleware.PublicPageCache would have stored on that visitor's request. A burst of edits
enqueues a task per version; each task stops as soon as the version it was for is superseded,
so only the last one renders."""

import io
import logging
import sys
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.urls import reverse
from django.utils import translation

from tracks.models import Conference

from . import program_version

logger = logging.getLogger(__name__)

# The exports for apps and the edition's calendar, which every app and calendar polls.
MOST_READ_EXPORTS = [
    "schedule-xml",
    "schedule-json",
    "schedule-xcal",
    "schedule-csv",
    "edition-calendar",
]


def most_read_paths(conference):
    """(path, query) of the home page, each schedule day (and the schedule as first opened),
    the whole program and the exports, in every site language."""
    edition = {"edition": conference.slug}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            schedule = reverse("program:schedule", kwargs=edition)
            yield reverse("home"), ""
            yield schedule, ""
            for day in conference.days:
                yield schedule, urlencode({"day": day.isoformat()})
            yield reverse("program:whole-program", kwargs=edition), ""
            for name in MOST_READ_EXPORTS:
                yield reverse(f"program:{name}", kwargs=edition), ""


def _request(site, path, query):
    port = site.port or (443 if site.scheme == "https" else 80)
    return WSGIRequest(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": site.hostname,
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": site.netloc,
            # As browsers ask: the gzipped copy is stored beside the plain one either way.
            "HTTP_ACCEPT_ENCODING": "gzip",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.url_scheme": site.scheme,
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
    )


def warm(token):
    """Renders the most-read pages of the current edition into the cache while `token` is
    still the program's version. Returns how many pages were asked for."""
    conference = Conference.objects.current()
    if conference is None:
        return 0
    handler = BaseHandler()
    handler.load_middleware()
    site = urlsplit(settings.NIIC_SITE_URL)
    asked = 0
    for path, query in most_read_paths(conference):
        if program_version.current().token != token:
            break  # a newer version's task renders the pages again
        # Not closed: closing a response sends request_finished, which would close the task's
        # database connection (inside a transaction, as in tests) after each page.
        response = handler.get_response(_request(site, path, query))
        if response.status_code != 200:
            logger.warning("warming %s?%s answered %s", path, query, response.status_code)
        asked += 1
    return asked


def after_bump(version):
    """Enqueues the warming of the pages for `version` (when NIIC_WARM_PAGES is on). A failure
    to enqueue costs only cold renders: visitors render the pages, as without warming."""
    if not settings.NIIC_WARM_PAGES:
        return
    from .tasks import warm_public_pages

    try:
        warm_public_pages.enqueue(version.token)
    except Exception:
        logger.exception("the warming of the pages for version %s could not be enqueued", version)
