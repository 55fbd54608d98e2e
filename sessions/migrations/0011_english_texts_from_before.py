"""The texts written before there was a column per language are the English ones."""

from django.db import migrations
from django.db.models import F, Q

TRANSLATED = {
    "Session": ("title", "description", "cancellation_note"),
    "HistoricalSession": ("title", "description", "cancellation_note"),
    "Room": ("name", "location", "accessibility_notes"),
}


def copy_into_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("program", model_name)
        for field in fields:
            english = f"{field}_en"
            model.objects.filter(Q(**{f"{english}__isnull": True}) | Q(**{english: ""})).update(
                **{english: F(field)}
            )


class Migration(migrations.Migration):
    dependencies = [("program", "0010_texts_in_every_language")]

    operations = [migrations.RunPython(copy_into_english, migrations.RunPython.noop)]
