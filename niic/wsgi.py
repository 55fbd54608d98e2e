import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "niic.settings")

application = get_wsgi_application()

from niic.checks import secret_key_is_placeholder  # noqa: E402  (needs the settings loaded)

# The production path: never serve the public with the placeholder key.
if secret_key_is_placeholder():
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set; refusing to serve with the placeholder secret key."
    )
