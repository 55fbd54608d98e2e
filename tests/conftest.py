import pytest

from tests.factories import make_conference


@pytest.fixture
def conference(db):
    return make_conference()


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
