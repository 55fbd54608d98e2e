"""Public pages at the speed of static files, and never stale.

PublicPageCache answers an anonymous GET or HEAD of a public page in one of three ways, cheapest
first:

1. a conditional request whose ETag or Last-Modified still holds gets a 304 before any view
   runs: the validators come from the program version (niic.program_version) and the request
   alone, so that costs one cache read (or one small query without a shared cache) and
   renders nothing;
2. a page this process sent before under the same version is sent again from its memory
   (PageMemory), with the headers it was sent with: a hit then reads nothing but the version;
3. a page rendered before under the same version is sent from Django's cache (Redis when
   REDIS_URL is set, so shared by every app server);
4. otherwise the view renders it, and it is stored for the next visitor.

The middleware stands before the session, locale, CSRF, authentication and CSP middlewares:
none of their work is done for an answer from the cache. The stored page carries the headers
they gave it when it was rendered (its Content-Security-Policy among them).

The version changes with every committed change to the program, so a change is served by the
site at once; browsers and CDNs may keep a page FRESHNESS_SECONDS at most (Cache-Control
below), which is the promise the README makes. Pages that show the clock ("happening now",
the schedule's default day) are keyed by a time bucket too.

Only the routes each URLconf marks public() are handled (sessions.public_pages, which also
says which pages read the clock and which query parameters they read). A page is keyed on what
it reads, and the view is given only that, so that nobody can fill the cache with copies of
one page: query parameters its route does not name are dropped, and the host is the allowed
host name it names (a port other than the server's is dropped; a host that matches only a
wildcard of ALLOWED_HOSTS is not cached).

A visitor is anonymous unless their session has a signed-in user: a cookie that names no
such session (expired, made up) is ignored, at the cost of one read of the session store, and
only when there is a session cookie. A signed-in user's request goes to the view as it came,
and the answer is `Cache-Control: private` and `Vary: Cookie`, never stored. A request with an
Authorization header is left alone; a response that sets a cookie or depends on one is never
stored. The exports for apps are among the public pages: a view can name headers that every
answer of its route carries, a 304 given here included (CORS, for the files any site's script
may read)."""

import bisect
import collections
import functools
import gzip
import hashlib
import logging
import re
import threading
import time
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse, QueryDict
from django.http.request import split_domain_port
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language_from_path

from sessions import released
from sessions.public_pages import Clock, registry

from . import program_version

logger = logging.getLogger(__name__)

FRESHNESS_SECONDS = settings.NIIC_FRESHNESS_SECONDS
# Browsers and CDNs use a page for MAX_AGE seconds, then once more while they fetch it again in
# the background: it is at most their sum old. A clock page is rendered at most CLOCK_BUCKET
# seconds after its bucket starts, and kept by them half as long.
MAX_AGE = FRESHNESS_SECONDS // 3
STALE_WHILE_REVALIDATE = FRESHNESS_SECONDS - MAX_AGE
CLOCK_BUCKET_SECONDS = max(1, FRESHNESS_SECONDS // 2)
CLOCK_MAX_AGE = CLOCK_BUCKET_SECONDS // 3
CLOCK_STALE_WHILE_REVALIDATE = FRESHNESS_SECONDS - CLOCK_BUCKET_SECONDS - CLOCK_MAX_AGE

# Pages of a superseded version are never read again; this bounds how long they linger, and
# (with Redis's maxmemory) how much room pages for many different searches take.
PAGE_CACHE_SECONDS = 60 * 60
# While one request renders a page, others for the same page wait for it this long at most,
# looking every RENDER_POLL_SECONDS; a claim left by a killed worker expires by itself.
RENDER_WAIT_SECONDS = 10
RENDER_POLL_SECONDS = 0.02
RENDER_CLAIM_SECONDS = 30
# For this long after a change at most, a visitor whose page is being rendered gets the answer
# sent before the change instead of waiting (PublicPageCache.previous_answer).
STALE_WHILE_RENDERING_SECONDS = 10
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/ld+json",
    "application/xml",
    "application/atom+xml",
    "application/calendar+xml",
)
ACCEPTS_GZIP = re.compile(r"\bgzip\b", re.IGNORECASE)
MINIMUM_COMPRESSED_SIZE = 1024
# Headers that belong to one response, not to the stored page.
NOT_STORED = {"content-length", "content-encoding", "date", "etag", "last-modified"}


def compressed(plain):
    """The stored page gzipped, when that helps: a small or binary page is sent as is."""
    content_type = {name.lower(): value for name, value in plain["headers"]}.get("content-type", "")
    if len(plain["body"]) < MINIMUM_COMPRESSED_SIZE or not content_type.startswith(
        COMPRESSIBLE_TYPES
    ):
        return plain
    return {
        "headers": plain["headers"],
        "body": gzip.compress(plain["body"], compresslevel=6, mtime=0),
        "encoding": "gzip",
    }


class PageMemory:
    """The answers this process sent last, by page and encoding: (headers, body) ready to send.
    A key names the program version (PublicPage.validators), so an entry is never out of date,
    only unused once the version moves on; the least recently sent go first once the bodies
    pass `budget` bytes (NIIC_PAGE_MEMORY_MB a process)."""

    def __init__(self, budget):
        self.budget = budget
        self.entries = collections.OrderedDict()
        # {(page identity, encoding): key of the answer sent last for it, whatever the version}
        self.latest = {}
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, headers, body, identity=None):
        if len(body) > self.budget:
            return
        with self.lock:
            if identity is not None:
                self.latest[identity] = key
            if key in self.entries:
                return
            self.entries[key] = (headers, body)
            self.size += len(body)
            while self.size > self.budget:
                _, (_, oldest_body) = self.entries.popitem(last=False)
                self.size -= len(oldest_body)
            if len(self.latest) > 4 * len(self.entries) + 64:  # forget pages no longer held
                self.latest = {
                    name: held for name, held in self.latest.items() if held in self.entries
                }

    def previous(self, identity):
        """The answer sent last for this page (and encoding), under whichever version."""
        with self.lock:
            key = self.latest.get(identity)
            return None if key is None else self.entries.get(key)

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.latest.clear()
            self.size = 0


page_memory = PageMemory(settings.NIIC_PAGE_MEMORY_MB * 1024 * 1024)


@functools.lru_cache(maxsize=4096)
def public_route(path, language):
    """(PublicRoute, headers of every answer) of the public route this path resolves to, or
    None; `language` is the path's, None for a route outside the language prefix. The headers
    are those its view names in its `route_headers` attribute (as
    sessions.export_views.open_to_apps does). Remembered: resolving is a good part of what a
    revalidation costs, and the URLconf does not change while serving."""
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    route = registry().get(match.view_name)
    if route is None:
        return None
    return route, tuple(getattr(match.func, "route_headers", {}).items())


class PublicPage:
    """What identifies one public page: the same for every anonymous visitor who asks for it."""

    def __init__(self, *, route, language, origin, path, query="", clock=False, headers=()):
        self.route = route
        # (name, value) pairs for every answer, a 304 included.
        self.headers = headers
        self.language = language
        # Feeds and structured data carry absolute URLs: the host is part of the page.
        self.origin = origin
        self.path = path
        self.query = query
        self.clock = clock

    @classmethod
    def for_request(cls, request):
        """The page this request asks for, or None when it is not one to cache."""
        if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in request.META:
            return None
        language = get_language_from_path(request.path_info)
        found = public_route(request.path_info, language)
        if found is None:
            return None
        route, headers = found
        if route.localized != (language is not None):
            return None  # a language-free route whose path happens to begin like /es/
        host = canonical_host(request)
        if host is None:
            return None
        # As Django decodes them (a raw non-ASCII query is UTF-8, not the WSGI's Latin-1).
        pairs = [
            (name, value)
            for name, values in request.GET.lists()
            if name in route.parameters
            for value in values
        ]
        return cls(
            route=route.name,
            # A route outside the language prefix is the same page in every language.
            language=language or "",
            origin=f"{request.scheme}://{host}",
            path=request.path,
            # Parameter order does not change the page (values of one name keep theirs).
            query=urlencode(sorted(pairs, key=lambda pair: pair[0])),
            clock=route.clock is Clock.ALWAYS
            or (route.clock is Clock.WITHOUT_DAY and not any(name == "day" for name, _ in pairs)),
            headers=headers,
        )

    def as_asked_by(self, request):
        """The request as the view is to see it: with this page's host and query only, and
        without the session cookie of a visitor who is not signed in. Its META is a copy: the
        access log still shows what was asked."""
        request.META = {
            **request.META,
            "HTTP_HOST": self.origin.split("://", 1)[1],
            "QUERY_STRING": self.query,
        }
        request.GET = QueryDict(self.query)
        request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)

    def validators(self, version, now=None):
        """(cache key, ETag, Last-Modified as a timestamp) of this page under this version."""
        changed_at = int(version.changed_at.timestamp())
        bucket = ""
        if self.clock:
            now = time.time() if now is None else now
            bucket_start, bucket = clock_bucket(version, int(now))
            changed_at = max(changed_at, bucket_start)
        identity = "\n".join(
            [version.token, bucket, self.language, self.origin, self.path, self.query]
        )
        digest = hashlib.blake2b(identity.encode(), digest_size=16).hexdigest()
        return f"niic:page:{digest}", f'W/"{digest}"', changed_at

    def identity(self):
        """What names this page whatever the version (PageMemory.previous)."""
        return (self.language, self.origin, self.path, self.query)

    def cache_control(self):
        if self.clock:
            return (
                f"public, max-age={CLOCK_MAX_AGE}, "
                f"stale-while-revalidate={CLOCK_STALE_WHILE_REVALIDATE}"
            )
        return f"public, max-age={MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"


def clock_bucket(version, now):
    """(when the bucket began, its name) for a page that reads the clock at `now`. While an
    edition is on, a bucket lasts CLOCK_BUCKET_SECONDS; between editions, from one edition's
    first or last day to the next, so that a browser revalidating a past edition's schedule
    hours later gets a 304. Until a bump has recorded the editions' days, every moment counts."""
    windows = version.edition_days
    if windows is None or any(opens <= now < closes for opens, closes in windows):
        bucket_start = now // CLOCK_BUCKET_SECONDS * CLOCK_BUCKET_SECONDS
        return bucket_start, str(bucket_start)
    edges = sorted(edge for window in windows for edge in window)
    passed = bisect.bisect_right(edges, now)
    bucket_start = edges[passed - 1] if passed else 0
    return bucket_start, f"between-{passed}"


def canonical_host(request):
    """The host this request names, as one of ALLOWED_HOSTS names it (lower case, no trailing
    dot), with its port only when it is the server's own; None when it is not allowed, or
    allowed by a wildcard only ("*", ".example.org"), which would let anyone make hosts.
    Remembered by what it is read from, since every page hit asks and hosts are few; a few
    only, so that made-up Host headers cannot fill the memory."""
    meta = request.META
    key = (
        meta.get("HTTP_X_FORWARDED_HOST"),
        meta.get("HTTP_HOST"),
        meta.get("SERVER_NAME"),
        meta.get("SERVER_PORT"),
        request.is_secure(),
        tuple(settings.ALLOWED_HOSTS),
        settings.DEBUG,
        settings.USE_X_FORWARDED_HOST,
    )
    try:
        return _canonical_hosts[key]
    except KeyError:
        pass
    found = _canonical_host(request)
    if len(_canonical_hosts) < 64:
        _canonical_hosts[key] = found
    return found


_canonical_hosts = {}


def _canonical_host(request):
    try:
        domain, port = split_domain_port(request.get_host())
    except DisallowedHost:
        return None  # Django answers 400 further on
    if domain not in {host.lower() for host in settings.ALLOWED_HOSTS}:
        return None
    default_port = "443" if request.is_secure() else "80"
    if port and port == request.META.get("SERVER_PORT") and port != default_port:
        return f"{domain}:{port}"
    return domain


def signed_in(request):
    """Whether the request's session has a signed-in user. Without a session cookie that is
    known at once; with one, the session store is read (without making a session, or a
    cookie). A store that cannot be read counts as no user: the page cache then serves what
    it has, as for anyone."""
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return False
    try:
        return SESSION_KEY in import_module(settings.SESSION_ENGINE).SessionStore(key)
    except Exception:  # the database (or whichever store) is down
        logger.warning("session store unreachable: the visitor is served as anonymous")
        return False


def private(response):
    """A signed-in user's answer to a public page: for their browser only, and only for them."""
    patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


class PublicPageCache:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page = PublicPage.for_request(request)
        if page is None:
            return self.get_response(request)
        if signed_in(request):
            return private(self.get_response(request))
        page.as_asked_by(request)
        version = program_version.current()
        key, etag, last_modified = page.validators(version)

        def finish(response):
            for name, value in page.headers:
                response[name] = value
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            response["Cache-Control"] = page.cache_control()
            patch_vary_headers(response, ["Accept-Encoding"])
            return response

        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return finish(not_modified)

        # Each encoding is stored apart, so that a hit fetches only the bytes it sends.
        encoding = (
            "gzip" if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")) else ""
        )
        variant = f"{key}:{encoding or 'identity'}"
        remembered = page_memory.get(variant)
        if remembered is not None:
            return self.answer(request, *remembered)
        identity = (page.identity(), encoding)
        stored = self.read_variant(key, encoding)
        if stored is None and self.being_rendered(key):
            previous = self.previous_answer(request, identity, version)
            if previous is not None:
                return previous
            stored = self.wait_for_another_render(key, encoding)
        if stored is None:
            claimed = self.claim(key)
            try:
                response = self.get_response(request)
                if not self.storable(response):
                    return response
                stored = self.store(key, response, encoding)
            finally:
                if claimed:
                    self.release(key)
        response = finish(self.respond(request, stored))
        page_memory.put(variant, list(response.items()), stored["body"], identity)
        return response

    def being_rendered(self, key):
        try:
            return cache.get(f"{key}:rendering") is not None
        except Exception:
            return False

    def previous_answer(self, request, identity, version):
        """While the current version's page is being rendered (by the task worker after a
        release, or by another visitor), the answer this process sent for it under the
        version before, for at most STALE_WHILE_RENDERING_SECONDS after the change: a visitor
        does not wait for a render, and the change is served as soon as it is rendered.
        Marked no-cache, so that browsers and CDNs ask again (the freshness promise counts
        from the change)."""
        if time.time() - version.changed_at.timestamp() > STALE_WHILE_RENDERING_SECONDS:
            return None
        previous = page_memory.previous(identity)
        if previous is None:
            return None
        response = self.answer(request, *previous)
        response["Cache-Control"] = "no-cache"
        return response

    # Right after a change, every visitor asks for pages that are no longer cached. One request
    # per page renders it (whichever claims it first, on any app server); the others wait for
    # its result instead of rendering the same page again on every worker at once.

    def claim(self, key):
        try:
            return cache.add(f"{key}:rendering", True, RENDER_CLAIM_SECONDS)
        except Exception:  # the cache is down: render without telling anyone
            return False

    def release(self, key):
        try:
            cache.delete(f"{key}:rendering")
        except Exception:  # it expires by itself
            logger.warning("cache unreachable: a render claim was not released")

    def wait_for_another_render(self, key, encoding):
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while True:
            try:
                found = cache.get_many([f"{key}:identity", f"{key}:rendering"])
            except Exception:
                return None
            if f"{key}:identity" in found:
                return self.read_variant(key, encoding)
            if f"{key}:rendering" not in found or time.monotonic() > deadline:
                return None  # nobody is rendering it (or it takes too long): render it here
            time.sleep(RENDER_POLL_SECONDS)

    def storable(self, response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
            and "cookie" not in response.get("Vary", "").lower()
        )

    def store(self, key, response, encoding):
        """What is stored for this encoding: the page as rendered is always stored, its gzipped
        copy only once a client asks for gzip (compressing a feed of a few MB is a good part
        of its render)."""
        headers = [
            (name, value) for name, value in response.items() if name.lower() not in NOT_STORED
        ]
        plain = {"headers": headers, "body": response.content, "encoding": ""}
        variants = {f"{key}:identity": plain}
        if encoding:
            variants[f"{key}:gzip"] = compressed(plain)
        self.write(variants)
        return variants[f"{key}:{encoding or 'identity'}"]

    def read_variant(self, key, encoding):
        """What is stored for this encoding; for gzip, made from the plain copy when the page
        was rendered for a client that did not ask for it."""
        try:
            if not encoding:
                return cache.get(f"{key}:identity")
            found = cache.get_many([f"{key}:gzip", f"{key}:identity"])
        except Exception:
            logger.warning("cache unreachable: rendering a public page")
            return None
        if f"{key}:gzip" in found:
            return found[f"{key}:gzip"]
        if f"{key}:identity" not in found:
            return None
        stored = compressed(found[f"{key}:identity"])
        self.write({f"{key}:gzip": stored})
        return stored

    def write(self, variants):
        try:
            cache.set_many(variants, PAGE_CACHE_SECONDS)
        except Exception:  # a page that is not stored is rendered again
            logger.warning("cache unreachable: a public page was not stored")

    @staticmethod
    def answer(request, headers, body):
        """A remembered answer: its headers as they were sent (Content-Length included)."""
        response = HttpResponse(b"" if request.method == "HEAD" else body)
        for name, value in headers:
            response[name] = value
        return response

    def respond(self, request, stored):
        body = stored["body"]
        response = HttpResponse()
        for name, value in stored["headers"]:
            response[name] = value
        if stored["encoding"]:
            response["Content-Encoding"] = stored["encoding"]
        response["Content-Length"] = str(len(body))
        if request.method != "HEAD":
            response.content = body
        return response


# Staff previewing the working program


SEES_RELEASED_KEY = "niic:sees-the-released-program"


def previews_working_program(request):
    """Whether this request is a staff member's, who has not switched to what attendees see.
    Without a session cookie nobody is signed in: the session is then not read, which would
    mark the answer as depending on the cookie (Vary: Cookie) and keep it out of the cache."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not _is_staff(request):
        return False
    return not request.session.get(SEES_RELEASED_KEY, False)


def _is_staff(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated and user.is_staff


class ProgramPreview:
    """Signed-in staff read the working program on the public pages (sessions.released), with
    a banner that says how much is not yet released; they can switch to what attendees see.
    Their answers never reach the page cache: PublicPageCache leaves signed-in requests alone
    and makes the answer private; it is also marked no-store here, since a preview is out of
    date at the next edit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.previews_working_program = previews_working_program(request)
        request.sees_program_as_staff = request.previews_working_program or (
            settings.SESSION_COOKIE_NAME in request.COOKIES and _is_staff(request)
        )
        if not request.previews_working_program:
            return self.get_response(request)
        with released.working_program():
            response = self.get_response(request)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        if PublicPage.for_request(request) is not None:
            patch_cache_control(response, private=True, no_store=True)
        return response


# Staff's own language for the admin


ADMIN_LANGUAGE_KEY = "niic:admin-language"


def remember_admin_language(request, user):
    """Puts the user's chosen admin language ("" for none) in their session, read from the
    database once, at login: every admin request then reads it from the session it loads
    anyway, without a query of its own."""
    from .models import StaffPreferences

    chosen = (
        StaffPreferences.objects.filter(user=user).values_list("language", flat=True).first() or ""
    )
    request.session[ADMIN_LANGUAGE_KEY] = chosen
    return chosen


class AdminLanguage:
    """The admin in the language its user chose (niic.StaffPreferences), whatever the browser
    asks for; the browser decides (LocaleMiddleware, above) only when the user chose nothing.

    Only admin addresses are looked at: public pages carry their language in the URL, and
    reading the user of an anonymous visitor's request would make every public page depend on
    the session cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self.chosen_language(request)
        if not language:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        return self.get_response(request)

    def chosen_language(self, request):
        if not request.path_info.startswith(admin_prefix()):
            return ""
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return ""
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return ""
        if ADMIN_LANGUAGE_KEY in request.session:
            language = request.session[ADMIN_LANGUAGE_KEY]
        else:  # signed in before languages were remembered
            language = remember_admin_language(request, user)
        return language if language in dict(settings.LANGUAGES) else ""


@functools.cache
def admin_prefix():
    from django.urls import reverse

    return reverse("admin:index")
