"""Until now every published edit was public at once: what attendees see is the working
program's public sessions. They become the first copies (sessions.released), so nothing
attendees see changes with this migration; from now on a release changes it."""

from django.db import migrations

PUBLIC_STATUSES = ("published", "cancelled")
RELATIONS = ("topics", "languages", "interpretation_languages")


def copy_the_public_program(apps, schema_editor):
    Session = apps.get_model("program", "Session")
    PublicSession = apps.get_model("program", "PublicSession")
    PublicSeat = apps.get_model("program", "PublicSeat")
    PanelMembership = apps.get_model("program", "PanelMembership")
    columns = [field.attname for field in PublicSession._meta.concrete_fields]
    public = Session.objects.filter(status__in=PUBLIC_STATUSES)
    PublicSession.objects.bulk_create(
        PublicSession(**row) for row in public.order_by().values(*columns)
    )
    for name in RELATIONS:
        working = getattr(Session, name).through
        copied = getattr(PublicSession, name).through
        target = getattr(Session, name).field.m2m_reverse_field_name()
        copied_target = getattr(PublicSession, name).field.m2m_reverse_field_name()
        copied.objects.bulk_create(
            copied(publicsession_id=session_id, **{f"{copied_target}_id": target_id})
            for session_id, target_id in working.objects.filter(
                session__status__in=PUBLIC_STATUSES
            ).values_list("session_id", f"{target}_id")
        )
    PublicSeat.objects.bulk_create(
        PublicSeat(session_id=session_id, speaker_id=speaker_id, role=role, order=order)
        for session_id, speaker_id, role, order in PanelMembership.objects.filter(
            session__status__in=PUBLIC_STATUSES
        ).values_list("session_id", "speaker_id", "role", "order")
    )


class Migration(migrations.Migration):
    dependencies = [("program", "0014_released_program")]

    operations = [migrations.RunPython(copy_the_public_program, migrations.RunPython.noop)]
