"""Refusals from the services as admin messages: each error in words, linking the session it
names where this user may see it."""

from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from tracks.models import Conference

from .. import services
from ..models import Session


class ChangeRefused(Exception):
    """A service refused a save after the form had validated (a change made meanwhile)."""

    def __init__(self, error):
        self.error = error
        super().__init__(str(error))


def session_link(session, user):
    """The session's title, linked to where this user may see it: its admin page for its
    editors, its public page for a public session, no link for anyone else's draft."""
    if services.may_edit(user, session):
        url = reverse("admin:program_session_change", args=[session.pk])
    elif session.is_public:
        url = session.get_absolute_url()
    else:
        return conditional_escape(str(session))
    return format_html('<a href="{}">{}</a>', url, session)


def linked_message(error, user):
    """A rule's ValidationError as HTML; the session it names becomes a link for this user."""
    if not error.params:
        return conditional_escape(str(error.message))
    params = dict(error.params)
    for name, value in params.items():
        if isinstance(value, Session):
            params[name] = session_link(value, user)
    escaped = {key: conditional_escape(value) for key, value in params.items()}
    return mark_safe(conditional_escape(str(error.message)) % escaped)  # noqa: S308  (all escaped)


def names_a_session(error):
    return any(isinstance(value, Session) for value in (error.params or {}).values())


def message_list(error, user):
    return format_html_join(
        " ", "{}", ((linked_message(each, user),) for each in services.each_error(error))
    )


def rendered(response):
    """Render a lazy TemplateResponse now, while the edition's time zone is active."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def edition_for(request, session=None):
    """The edition whose clock this admin page runs on."""
    if session is not None and session.conference_id:
        return session.conference
    slug = request.GET.get("conference__slug") or request.GET.get("edition")
    edition_id = request.GET.get("conference__id__exact")
    if edition_id and edition_id.isdigit():
        return Conference.objects.filter(pk=edition_id).first() or Conference.objects.current()
    if slug:
        return Conference.objects.filter(slug=slug).first() or Conference.objects.current()
    return Conference.objects.current() or Conference.objects.first()
