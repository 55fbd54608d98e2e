"""What the organizers' admin pages post, built for tests: the session form with its panel, and
an action with its preview and confirmation."""

from django.contrib.messages import get_messages
from django.urls import reverse

from sessions.texts import in_every_language


def change_url(session):
    return reverse("admin:program_session_change", args=[session.pk])


def form_data(session, **changes):
    """What the change form posts for `session`, with `changes` applied."""
    data = {
        "conference": session.conference_id,
        # Each text in every language, as the form shows them side by side.
        **{
            column: getattr(session, column) or ""
            for column in [*in_every_language("title"), *in_every_language("description")]
        },
        "slug": session.slug,
        "track": session.track_id or "",
        "topics": [topic.pk for topic in session.topics.all()],
        "format": session.format,
        # One day and two clock times, on the edition's clock.
        "day": session.starts_at.astimezone(session.conference.tzinfo).strftime("%Y-%m-%d"),
        "start_time": session.starts_at.astimezone(session.conference.tzinfo).strftime("%H:%M"),
        "end_time": session.ends_at.astimezone(session.conference.tzinfo).strftime("%H:%M"),
        "room": session.room_id or "",
        "status": session.status,
        "loaded_version": session.version,
        "panel-TOTAL_FORMS": 0,
        "panel-INITIAL_FORMS": 0,
        "panel-MIN_NUM_FORMS": 0,
        "panel-MAX_NUM_FORMS": 1000,
    }
    seats = list(session.panel.all())
    data["panel-TOTAL_FORMS"] = data["panel-INITIAL_FORMS"] = len(seats)
    for index, each in enumerate(seats):
        data |= {
            f"panel-{index}-id": each.pk,
            f"panel-{index}-session": session.pk,
            f"panel-{index}-speaker": each.speaker_id,
            f"panel-{index}-role": each.role,
            f"panel-{index}-order": each.order,
        }
    # title= and description= are the English texts.
    for name in ("title", "description"):
        if name in changes:
            changes[f"{name}_en"] = changes.pop(name)
    data.update(changes)
    return data


def add_panelist(data, speaker, role="panelist", order=0):
    index = data["panel-TOTAL_FORMS"]
    data[f"panel-{index}-speaker"] = speaker.pk
    data[f"panel-{index}-role"] = role
    data[f"panel-{index}-order"] = order
    data["panel-TOTAL_FORMS"] = index + 1
    return data


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_action(client, action, sessions, *, apply=True, **extra):
    """Choose the action for `sessions` (its preview page), then, with apply, confirm it."""
    data = {"action": action, "_selected_action": [s.pk for s in sessions], **extra}
    url = reverse("admin:program_session_changelist")
    preview = client.post(url, data, follow=True)
    if not apply:
        return preview
    return client.post(url, {**data, "apply": "1"}, follow=True)
