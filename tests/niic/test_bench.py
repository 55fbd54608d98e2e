"""make bench, in its quick form: the pages it is told to time, and a clear message for a page
it does not know."""

import io

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_database(monkeypatch, settings):
    # The command refuses to run without DATABASE_URL, so that it never writes to a
    # developer's own database; here it writes to the test database.
    monkeypatch.setenv("DATABASE_URL", "the test database")


def test_bench_times_only_the_pages_it_is_told_and_clears_up_after_itself(bench_database):
    from tracks.models import Conference

    out = io.StringIO()
    call_command(
        "bench",
        sizes=[30],
        repeat=1,
        pages=["session", "speaker"],
        stdout=out,
        stderr=io.StringIO(),
    )
    rows = [line.split()[0] for line in out.getvalue().splitlines() if line[:1].islower()]
    assert rows[-2:] == ["session", "speaker"]
    assert "schedule" not in out.getvalue()
    assert not Conference.objects.filter(slug__startswith="generated-").exists()


def test_bench_names_the_pages_it_knows_when_asked_for_another(bench_database):
    with pytest.raises(CommandError, match="No page named sesion; the pages are: home, "):
        call_command("bench", sizes=[30], repeat=1, pages=["sesion"], stderr=io.StringIO())
