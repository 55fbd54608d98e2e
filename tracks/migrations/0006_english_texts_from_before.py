"""The texts written before there was a column per language are the English ones."""

from django.db import migrations
from django.db.models import F, Q

TRANSLATED = {
    "Conference": ("name", "description"),
    "Track": ("name", "description"),
    "HistoricalTrack": ("name", "description"),
    "Topic": ("name", "description"),
}


def copy_into_english(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("tracks", model_name)
        for field in fields:
            english = f"{field}_en"
            model.objects.filter(Q(**{f"{english}__isnull": True}) | Q(**{english: ""})).update(
                **{english: F(field)}
            )


class Migration(migrations.Migration):
    dependencies = [("tracks", "0005_texts_in_every_language")]

    operations = [migrations.RunPython(copy_into_english, migrations.RunPython.noop)]
