"""The `niic` fixture copies in the rows load_niic wrote once (tests/niic_rows.py): what a test
starts from is what load_niic gives."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction

from tests.niic_rows import contents

pytestmark = pytest.mark.django_db


def counts():
    return {table: len(rows) for table, (_columns, _json, rows) in contents().items()}


def json_values():
    """What the ORM reads from every JSON field: its values' kinds (ids inside them differ
    from one load to the next)."""
    read = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.JSONField):
                values = model._base_manager.values_list(field.attname, flat=True)
                read[f"{model._meta.label}.{field.name}"] = sorted(
                    {type(value).__name__ for value in values}
                )
    return read


def test_the_copied_rows_are_what_load_niic_writes(niic_rows):
    assert niic_rows is not None, "load_niic changed rows that were there before it"
    with transaction.atomic():
        call_command("load_niic", sample_schedule=True, verbosity=0)
        loaded, loaded_json = counts(), json_values()
        transaction.set_rollback(True)
    with transaction.atomic():
        niic_rows.insert()
        copied, copied_json = counts(), json_values()
        transaction.set_rollback(True)

    assert copied == loaded
    assert copied_json == loaded_json
    assert "dict" in loaded_json["program.HistoricalSession.related_snapshot"]
    assert loaded["program_session"] > 20


def test_a_test_that_starts_from_niic_sees_its_sessions_speakers_and_release_taken_back(niic):
    from sessions.models import Session

    assert niic.slug == "niic-2014"
    assert niic.publishes_at_once
    assert not niic.releases.exists()
    assert Session.objects.filter(conference=niic).count() == 22
    assert niic.tracks.count() == 9
