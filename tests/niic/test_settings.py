import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.services import redis_is_listening, skip_unless

PROJECT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-production-value-" + "x" * 40,
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "niic.example.org",
    "DJANGO_HTTPS": "1",
    "DJANGO_EMAIL_HOST": "smtp.niic.example.org",
}


def run_python(code_or_args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "REDIS_URL"
    }
    environment.update(env)
    args = code_or_args if isinstance(code_or_args, list) else ["-c", code_or_args]
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    # The one silenced check asks for HSTS preload, which is a choice of its own.
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (1 silenced).",
    )


def settings_values(*names, **env):
    values = ", ".join(f"s.{name}" for name in names)
    result = run_python(f"from niic import settings as s; print(repr([{values}]))", **env)
    assert result.returncode == 0, result.stderr
    return eval(result.stdout)  # noqa: S307  (our own repr of plain values)


def test_https_sends_hsts_without_preload_unless_asked_for_separately():
    names = ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]
    assert settings_values(*names, **PRODUCTION) == [31536000, True, False]
    assert settings_values(*names, **PRODUCTION, DJANGO_HSTS_PRELOAD="1") == [31536000, True, True]
    assert settings_values(*names, DJANGO_HSTS_PRELOAD="1") == [0, False, False]


def test_postgresql_connections_get_the_connect_and_statement_timeouts_from_the_environment():
    url = {"DATABASE_URL": "postgres://niic@db.example.org:5432/niic"}
    assert settings_values('DATABASES["default"]["OPTIONS"]', **url) == [
        {"connect_timeout": 5, "options": "-c statement_timeout=20000"}
    ]
    timeouts = {"DJANGO_DB_CONNECT_TIMEOUT": "3", "DJANGO_DB_STATEMENT_TIMEOUT": "2.5"}
    assert settings_values('DATABASES["default"]["OPTIONS"]', **url, **timeouts) == [
        {"connect_timeout": 3, "options": "-c statement_timeout=2500"}
    ]


def test_a_media_bucket_stores_photos_with_django_storages_s3():
    bucket = {
        "DJANGO_MEDIA_BUCKET": "niic-photos",
        "DJANGO_MEDIA_ENDPOINT_URL": "https://objects.example.org",
        "DJANGO_MEDIA_DOMAIN": "photos.example.org",
    }
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.url('speakers/a.jpg'))"
    )
    result = run_python(code, DJANGO_SETTINGS_MODULE="niic.settings", **bucket)
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "S3Storage niic-photos https://photos.example.org/media/speakers/a.jpg",
    ), result.stderr
    assert settings_values('STORAGES["default"]["BACKEND"]') == [
        "django.core.files.storage.FileSystemStorage"
    ]


def test_logs_are_one_json_object_per_line_unless_text_is_asked_for():
    code = (
        "import django, logging; django.setup();"
        "logging.getLogger('niic.test').warning('database %s', 'unreachable', extra={'port': 1})"
    )
    result = run_python(code, DJANGO_SETTINGS_MODULE="niic.settings")
    entry = json.loads(result.stderr)
    assert {key: entry[key] for key in ("level", "logger", "message", "port")} == {
        "level": "WARNING",
        "logger": "niic.test",
        "message": "database unreachable",
        "port": 1,
    }
    text = run_python(code, DJANGO_SETTINGS_MODULE="niic.settings", DJANGO_LOG_FORMAT="text")
    assert text.stderr.strip().endswith(" WARNING niic.test: database unreachable")


def test_check_deploy_fails_with_the_placeholder_secret_key():
    production_without_key = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = run_python(["manage.py", "check", "--deploy"], **production_without_key)
    assert result.returncode == 1
    assert "niic.E001" in result.stderr


def test_the_wsgi_application_refuses_to_start_with_the_placeholder_secret_key():
    result = run_python("import niic.wsgi", DJANGO_DEBUG="0")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY is not set; "
        "refusing to serve with the placeholder secret key."
    )


def test_the_wsgi_application_starts_with_a_real_secret_key():
    result = run_python("import niic.wsgi; print('ready')", **PRODUCTION)
    assert (result.returncode, result.stdout.strip()) == (0, "ready")


def test_debug_is_off_unless_asked_for():
    result = run_python("from niic import settings; print(settings.DEBUG)")
    assert result.stdout.strip() == "False"


def test_redis_url_selects_the_redis_cache_and_it_works():
    skip_unless(redis_is_listening(), "Redis is not listening on 127.0.0.1:6379")
    code = (
        "import django; django.setup();"
        "from django.core.cache import caches; cache = caches['default'];"
        "cache.set('niic-settings-test', 'kept', 10);"
        "print(type(cache).__name__, cache.get('niic-settings-test'))"
    )
    result = run_python(
        code, DJANGO_SETTINGS_MODULE="niic.settings", REDIS_URL="redis://127.0.0.1:6379/15"
    )
    assert (result.returncode, result.stdout.strip()) == (0, "RedisCache kept"), result.stderr


def test_without_redis_url_the_cache_is_a_database_table_every_worker_shares():
    code = (
        "import django; django.setup();"
        "from django.core.cache import caches; cache = caches['default'];"
        "print(type(cache).__name__, cache._table)"
    )
    result = run_python(code, DJANGO_SETTINGS_MODULE="niic.settings")
    assert result.stdout.strip() == "DatabaseCache niic_cache"


@pytest.mark.django_db
def test_the_suite_runs_on_the_database_that_database_url_names():
    # CI runs the suite twice, on SQLite and on PostgreSQL; this makes a silent fallback to
    # SQLite in the PostgreSQL run fail loudly.
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected


def test_a_worker_loads_the_urlconf_and_the_views_before_its_first_request():
    # Otherwise its first visitor waits for them (about 0.2 s), on every worker gunicorn starts.
    result = run_python(
        "import sys, niic.wsgi; "
        "print(sorted({'niic.urls', 'sessions.urls', 'sessions.views'} & set(sys.modules)))",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['niic.urls', 'sessions.urls', 'sessions.views']"


def gunicorn_settings(**env):
    result = run_python(
        "import runpy; config = runpy.run_path('niic/gunicorn.py'); "
        "print(config['workers'], config['max_requests'], config['max_requests_jitter'])",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_workers_are_replaced_after_a_number_of_requests_only_when_asked():
    # Replaced together under a rush, two workers left none serving while new ones started.
    assert gunicorn_settings() == ["2", "0", "0"]
    assert gunicorn_settings(GUNICORN_MAX_REQUESTS="20000") == ["2", "20000", "10000"]
