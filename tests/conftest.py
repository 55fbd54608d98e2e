import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation

from sessions.models import Session
from tests.factories import make_chair, make_conference, make_organizer, publishing_at_once
from tests.niic_rows import NiicRows


@pytest.fixture
def conference(db):
    return make_conference()


@pytest.fixture(scope="session")
def niic_rows(django_db_setup, django_db_blocker):
    """The rows load_niic writes, taken once per test process (tests/niic_rows.py)."""
    with django_db_blocker.unblock():
        return NiicRows.written_by_load_niic()


@pytest.fixture
def niic(db, niic_rows):
    """NIIC 2014 as load_niic loads it, with its sample schedule; the current edition. It
    publishes each change at once, so that a test sees on the pages what it writes (a write
    that sends no model signal, QuerySet.update(), is followed by program_changed), and the
    first release load_niic made is taken back, so that a test of releases makes its own
    (tests/niic/test_load_niic.py checks that one; tests/sessions/test_released_program.py
    tests the release step). Its rows are copied in (tests/niic_rows.py), which is what
    load_niic would write, in a tenth of the time."""
    if niic_rows is None or not connection.in_atomic_block:  # a transactional test
        call_command("load_niic", sample_schedule=True, verbosity=0)
    else:
        niic_rows.insert()
    return publishing_at_once(Session.objects.get(slug="opening-plenary").conference)


@pytest.fixture
def organizer(db):
    """A member of the Organizers group, as setup_roles makes it."""
    return make_organizer()


@pytest.fixture
def chair_of(db):
    """chair_of(track, …): a member of the Track chairs group who chairs these tracks."""
    return make_chair


@pytest.fixture(autouse=True)
def english_until_a_test_says_otherwise(settings):
    # The test client runs requests in this thread, and LocaleMiddleware leaves the language of
    # the last request active: a Spanish request must not make the next test Spanish.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def static_files_without_collectstatic(settings):
    # Production serves hashed names from collectstatic's manifest; tests read the source files.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_report_header(config):
    from tests.browser import find_chromium

    chromium = find_chromium()
    if chromium:
        return f"browser tests: Chromium at {chromium}"
    return "browser tests: SKIPPED — Chromium not found"


@pytest.fixture(scope="session", autouse=True)
def a_cache_in_this_process():
    # Without REDIS_URL the site's cache is a database table (settings.CACHES), whose reads and
    # writes are queries: the pages' exact query counts are pinned without them. The tests that
    # run real app servers get the table (tests/niic/test_two_workers.py).
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        yield


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing():
    with override_settings(PASSWORD_HASHERS=["tests.factories.QuickPasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def no_page_warming(settings):
    # Rendering the most-read pages after each bump is the task worker's job, tested on its
    # own (tests/niic/test_warming.py); elsewhere it would only queue tasks nobody runs.
    settings.NIIC_WARM_PAGES = False


@pytest.fixture(autouse=True)
def forget_the_program_version():
    # The database each test sees is rolled back after it, the cache is not: start from the
    # version in the database. (Pages cached under another version are never read again; a
    # shared cache is not emptied, since it may hold more than this run's keys.)
    from django.core.cache import cache

    from niic import program_version
    from niic.middleware import page_memory

    # Rolled back, the version's token is the one an earlier test's pages were remembered under.
    page_memory.clear()
    if program_version.cache_is_shared():
        cache.delete(program_version.CACHE_KEY)
    else:
        cache.clear()


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """Static files collected once, for the tests that run real app servers."""
    from tests.servers import collect_static

    root = tmp_path_factory.mktemp("staticfiles")
    collect_static(root)
    return root
