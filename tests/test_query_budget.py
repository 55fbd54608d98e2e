"""Every public page runs the same, small number of SQL queries however large the program."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from niic import program_version
from niic.generated_program import generate_program
from tests.pages import PAGE_TYPES, page_path

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 12


def queries_for(client, path):
    # What rendering the page costs, not what the page cache saves: a new program version
    # makes every cached page obsolete.
    program_version.bump()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("page_type", sorted(PAGE_TYPES))
def test_page_runs_the_same_few_queries_for_50_and_500_sessions(client, page_type, language):
    small = generate_program(sessions=50, speakers=40, seed=11).conference
    large = generate_program(sessions=500, speakers=300, seed=12).conference
    small_path, large_path = (
        page_path(page_type, small, language),
        page_path(page_type, large, language),
    )
    counts = (queries_for(client, small_path), queries_for(client, large_path))
    assert counts[0] == counts[1], f"{page_type}: {counts[0]} queries at 50, {counts[1]} at 500"
    assert counts[0] <= QUERY_BUDGET
