"""What makes a public file readable by apps on other sites: CORS on every answer (a 304 and
the preflight included) and an ETag that answers a conditional GET. Used by the exports
(sessions.export_views) and the calendar feeds (sessions.views), which export_views imports."""

from functools import wraps

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, set_response_etag
from django.views.decorators.http import require_http_methods

# What lets any site's script read a file for apps: on every answer, a 304 included.
APP_HEADERS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag"}


def open_to_apps(view):
    """A public, read-only file for apps: any site's script may GET it (CORS, and the preflight
    some clients send first), and a conditional GET of an unchanged file gets a 304.

    The ETag is the file's own (calendars give one that leaves their DTSTAMP out). No
    Cache-Control is set here: niic.middleware.PublicPageCache stores these routes for
    anonymous visitors, and answers them (a 304 too) with its own ETag and Cache-Control and
    with the headers named in `route_headers`."""

    @require_http_methods(["GET", "HEAD", "OPTIONS"])
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
            response["Access-Control-Allow-Origin"] = APP_HEADERS["Access-Control-Allow-Origin"]
        else:
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming:
                if not response.has_header("ETag"):
                    set_response_etag(response)
                response = (
                    get_conditional_response(request, etag=response["ETag"], response=response)
                    or response
                )
            for name, value in APP_HEADERS.items():
                response[name] = value
        return response

    wrapped.route_headers = APP_HEADERS
    return wrapped
