"""Every session gets a stable public identity (sessions.identity): a stored guid and a public
id, which the exports and calendars write instead of values derived from the session's slug and
database id. Nothing already published moves: each session keeps the guid the exports gave it
(a UUID made from its edition's slug and its slug as released, or as it stands when it has no
released copy) and, as public id, its database id, from which its event id and calendar UID
were made. The releases' snapshots get the same values, so that a release put back in force
carries them too; a slug edited since the release in force is kept as a former slug, so that
the released address redirects once the edit is released."""

import uuid

from django.db import migrations, models

# sessions.exports.fields.GUID_NAMESPACE, as the exports used it until now.
GUID_NAMESPACE = uuid.UUID("6f3c2a5e-8d1b-4b7a-9c0e-2f4d8a6b1e37")
GUID_HELP = "What apps and calendars know the session by; it never changes."
PUBLIC_ID_HELP = "The session's number in exports and calendars; it never changes."


def slug_guid(conference_slug, slug):
    return uuid.uuid5(GUID_NAMESPACE, f"{conference_slug}/session/{slug}")


def give_identities(apps, schema_editor):
    Session = apps.get_model("program", "Session")
    PublicSession = apps.get_model("program", "PublicSession")
    HistoricalSession = apps.get_model("program", "HistoricalSession")
    Release = apps.get_model("program", "Release")
    FormerSlug = apps.get_model("program", "FormerSlug")
    Conference = apps.get_model("tracks", "Conference")
    edition_slugs = dict(Conference.objects.values_list("pk", "slug"))

    released = {}  # {id: guid} of the released copies, as the exports wrote them
    for copy in PublicSession.objects.only("pk", "slug", "conference_id"):
        copy.guid = slug_guid(edition_slugs[copy.conference_id], copy.slug)
        copy.public_id = copy.pk
        copy.save(update_fields=["guid", "public_id"])
        released[copy.pk] = (copy.guid, copy.slug)

    guids, taken = {}, {guid for guid, _slug in released.values()}
    sessions = list(Session.objects.only("pk", "slug", "conference_id").order_by("pk"))
    for session in sorted(sessions, key=lambda each: each.pk not in released):
        if session.pk in released:
            guid, public_slug = released[session.pk]
            if public_slug != session.slug:
                FormerSlug.objects.update_or_create(
                    conference_id=session.conference_id,
                    slug=public_slug,
                    defaults={"guid": guid, "public_id": session.pk, "database_id": session.pk},
                )
        else:
            guid = slug_guid(edition_slugs[session.conference_id], session.slug)
            if guid in taken:  # another session's released slug: never shared
                guid = uuid.uuid4()
        taken.add(guid)
        guids[session.pk] = guid
        Session.objects.filter(pk=session.pk).update(guid=guid, public_id=session.pk)

    for record in HistoricalSession.objects.only("history_id", "id", "slug", "conference_id"):
        guid = guids.get(record.id) or slug_guid(
            edition_slugs.get(record.conference_id, ""), record.slug
        )
        HistoricalSession.objects.filter(history_id=record.history_id).update(
            guid=guid, public_id=record.id
        )

    for release in Release.objects.all():
        edition_slug = edition_slugs[release.conference_id]
        changed = False
        for key, entry in release.snapshot.items():
            row = entry.get("row")
            if row is None or "guid" in row:
                continue
            guid = guids.get(int(key)) or slug_guid(edition_slug, row["slug"])
            row["guid"], row["public_id"] = str(guid), int(key)
            changed = True
        if changed:
            release.save(update_fields=["snapshot"])


class Migration(migrations.Migration):
    dependencies = [
        ("program", "0017_release_notes_per_language"),
        ("tracks", "0008_edition_publishes_at_once"),
    ]

    operations = [
        migrations.CreateModel(
            name="FormerSlug",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("slug", models.SlugField(max_length=100)),
                ("guid", models.UUIDField(db_index=True)),
                ("public_id", models.PositiveBigIntegerField()),
                (
                    "database_id",
                    models.BigIntegerField(help_text="The session's id in the Session table."),
                ),
                (
                    "version",
                    models.PositiveIntegerField(
                        default=1,
                        help_text="The session's version when it was deleted: one taken back "
                        "goes on from it, so that its released copy shows as changed.",
                    ),
                ),
                ("deleted", models.BooleanField(default=False)),
                ("recorded_at", models.DateTimeField(auto_now=True)),
                (
                    "conference",
                    models.ForeignKey(
                        on_delete=models.deletion.CASCADE,
                        related_name="former_session_slugs",
                        to="tracks.conference",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conference", "slug"),
                        name="former_session_slug_unique_per_conference",
                    )
                ],
            },
        ),
        *[
            migrations.AddField(
                model_name=model,
                name=name,
                field=field,
            )
            for model in ("session", "publicsession", "historicalsession")
            for name, field in (
                ("guid", models.UUIDField(null=True, editable=False)),
                ("public_id", models.PositiveBigIntegerField(null=True, editable=False)),
            )
        ],
        migrations.RunPython(give_identities, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=model,
                name="guid",
                field=models.UUIDField(
                    default=uuid.uuid4,
                    editable=False,
                    help_text=GUID_HELP,
                    verbose_name="guid",
                    **({"db_index": True} if model == "historicalsession" else {"unique": True}),
                ),
            )
            for model in ("session", "publicsession", "historicalsession")
        ],
        *[
            migrations.AlterField(
                model_name=model,
                name="public_id",
                field=models.PositiveBigIntegerField(
                    editable=False,
                    help_text=PUBLIC_ID_HELP,
                    null=True,
                    verbose_name="public id",
                    **({"db_index": True} if model == "historicalsession" else {"unique": True}),
                ),
            )
            for model in ("session", "publicsession", "historicalsession")
        ],
    ]
