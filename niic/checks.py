from django.conf import settings
from django.core import checks

from . import settings as project_settings


def secret_key_is_placeholder():
    return settings.SECRET_KEY == project_settings.PLACEHOLDER_SECRET_KEY


@checks.register(checks.Tags.security, deploy=True)
def check_secret_key_is_set(app_configs, **kwargs):
    if secret_key_is_placeholder():
        return [
            checks.Error(
                "DJANGO_SECRET_KEY is not set: the site would run with the public placeholder key.",
                hint="Set DJANGO_SECRET_KEY to a long random value kept out of the repository.",
                id="niic.E001",
            )
        ]
    return []
