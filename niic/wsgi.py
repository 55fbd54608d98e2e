import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "niic.settings")

application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after the settings module is set)

from niic.checks import secret_key_is_placeholder  # noqa: E402

# Serving with DEBUG off is the production path: never with the placeholder key. (With
# DJANGO_DEBUG=1, `runserver` still starts for local development.)
if secret_key_is_placeholder() and not settings.DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set; refusing to serve with the placeholder secret key."
    )
