from django.utils.cache import patch_cache_control

PUBLIC_MAX_AGE = 300


class PublicCacheMiddleware:
    """Lets browsers and proxies cache the public program pages for a few minutes.

    Only anonymous GETs outside the admin that did not touch the session (so carry no
    `Vary: Cookie`) are marked public; ConditionalGetMiddleware then adds an ETag, and a
    conditional GET for an unchanged page gets a 304."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cacheable = (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not request.path.startswith("/admin/")
            and not response.has_header("Cache-Control")
            and "cookie" not in response.get("Vary", "").lower()
        )
        if cacheable:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        return response
