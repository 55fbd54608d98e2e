import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "niic.settings")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after the settings module is set)
from django.urls import get_resolver  # noqa: E402
from django.utils import translation  # noqa: E402

from niic.checks import secret_key_is_placeholder  # noqa: E402

# Serving with DEBUG off is the production path: never with the placeholder key. (With
# DJANGO_DEBUG=1, `runserver` still starts for local development.)
if secret_key_is_placeholder() and not settings.DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set; refusing to serve with the placeholder secret key."
    )


def load_what_the_first_request_would():
    """The URLconf (and with it every view and what they import) and each language's catalogue,
    loaded as the worker starts: otherwise its first visitor waits for them, about 0.2 s, and
    every worker gunicorn starts anew has a first visitor."""
    get_resolver().url_patterns  # noqa: B018  (the property imports the URLconf)
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            translation.gettext("Schedule")


load_what_the_first_request_would()
