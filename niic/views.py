import logging

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from sessions import released
from sessions.queries import Fold, fold
from speakers.models import Organization
from tracks.models import Conference

from . import offline, queries
from .directory import speaker_entries
from .middleware import SEES_RELEASED_KEY
from .search import search_program

MAX_QUERY_LENGTH = 200
logger = logging.getLogger(__name__)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the program"), max_length=MAX_QUERY_LENGTH, required=False)


class SpeakerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), max_length=MAX_QUERY_LENGTH, required=False)
    organization = forms.ChoiceField(
        label=_("Organization"),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not an organization in the program.")},
    )


def edition_page(request, conference):
    running, next_up = queries.happening_now_and_next(conference)
    with timezone.override(conference.tzinfo):
        return render(
            request,
            "niic/home.html",
            {
                "conference": conference,
                "tracks": conference.tracks.all(),
                # The sample schedule's notice, while attendees can see sample sessions.
                "has_sample_sessions": released.sessions()
                .public()
                .for_edition(conference)
                .filter(is_sample=True)
                .exists(),
                "running": running,
                "next_up": next_up,
                "other_editions": Conference.objects.exclude(pk=conference.pk).exists(),
            },
        )


def home(request):
    conference = Conference.objects.current()
    if conference is None:
        return render(request, "niic/home.html", {"conference": None})
    return edition_page(request, conference)


def edition_home(request, edition):
    return edition_page(request, get_object_or_404(Conference, slug=edition))


def edition_list(request):
    return render(request, "niic/edition_list.html", {"editions": Conference.objects.all()})


def speaker_list(request):
    organizations = list(queries.public_organizations())
    form = SpeakerFilterForm(request.GET)
    form.fields["organization"].choices = [("", _("All organizations"))] + [
        (organization.slug, str(organization)) for organization in organizations
    ]
    context = {"form": form}
    if not form.is_valid():
        return render(request, "niic/speaker_list.html", context, status=400)
    speakers = queries.public_speakers().order_by("name")
    if form.cleaned_data["q"]:
        speakers = speakers.alias(folded_name=Fold("name")).filter(
            folded_name__contains=fold(form.cleaned_data["q"])
        )
    if form.cleaned_data["organization"]:
        speakers = speakers.filter(organization__slug=form.cleaned_data["organization"])
    by_initial = {}
    for entry in speaker_entries(speakers):
        by_initial.setdefault(entry.name[:1].upper(), []).append(entry)
    context["by_initial"] = sorted(by_initial.items())
    context["sample_label"] = _("Sample data")
    return render(request, "niic/speaker_list.html", context)


def speaker_detail(request, speaker):
    seats = list(queries.speaker_seats(speaker))
    if not seats:
        raise Http404("No public session features this speaker.")
    return render(
        request, "niic/speaker_detail.html", {"speaker": seats[0].speaker, "seats": seats}
    )


def organization_detail(request, organization):
    organization = get_object_or_404(Organization, slug=organization)
    people = list(queries.organization_people(organization))
    if not people:
        raise Http404("No public session features this organization.")
    return render(
        request,
        "niic/organization_detail.html",
        {
            "organization": organization,
            "people": people,
            "sessions": queries.organization_sessions(organization),
        },
    )


def search(request):
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "niic/search.html", {"form": form}, status=400)
    query = form.cleaned_data["q"].strip()
    results = search_program(query) if query else None
    return render(request, "niic/search.html", {"form": form, "query": query, "results": results})


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the real one."""
    return HttpResponseRedirect(static("niic/favicon.svg"))


def page_not_found(request, exception):
    """Translated by the language in the URL (LocaleMiddleware reads it even for a path that
    matches nothing), with the ways back to the program."""
    return render(request, "404.html", {"search_form": SearchForm()}, status=404)


def server_error(request):
    """The friendly page when it can be drawn; plain text when drawing it fails too (the cause
    may be the template system or the database itself)."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("The error page itself could not be rendered.")
        return HttpResponseServerError(
            "Server error. Please try again in a moment.", content_type="text/plain"
        )


def program_preview(request):
    """The banner of a staff member's view of the public pages: how many sessions differ from
    what attendees see (two queries per edition, staff only), and the switch between the two."""
    # Read from what niic.middleware.ProgramPreview found: looking at request.user here would
    # read the session of every visitor, and mark every public page as depending on a cookie.
    if not getattr(request, "sees_program_as_staff", False) or _in_the_admin(request):
        return {}
    if not request.previews_working_program:
        return {"program_preview": {"previewing": False}}
    pending = sum(
        len(released.pending(conference))
        for conference in Conference.objects.filter(publishes_at_once=False)
    )
    return {"program_preview": {"previewing": True, "pending": pending}}


def _in_the_admin(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and "admin" in match.namespaces


@require_POST
def preview_switch(request):
    """Staff switch between the working program and what attendees see; back to the page."""
    if not request.user.is_authenticated or not request.user.is_staff:
        raise PermissionDenied
    request.session[SEES_RELEASED_KEY] = request.POST.get("see") == "released"
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "/"
    return HttpResponseRedirect(back)


# Offline at the venue (niic.offline): the service worker, the manifest, the offline page and
# the list of pages the service worker keeps.


def service_worker(request):
    """static/niic/sw.js at the root, so that its scope is the whole site. Never kept by a
    browser or the page cache without asking: it is how a new deployment reaches devices."""
    response = HttpResponse(
        offline.service_worker_source([code for code, _name in settings.LANGUAGES]),
        content_type="text/javascript; charset=utf-8",
    )
    response["Cache-Control"] = "no-cache"
    return response


def web_manifest(request):
    """The web app manifest in the page's language: the site installs as an app."""
    data = offline.manifest(
        get_language(),
        name=gettext("NIIC program"),
        short_name=gettext("NIIC"),
        description=gettext("The program of the National Immigrant Integration Conference."),
    )
    return JsonResponse(
        data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False}
    )


def offline_page(request):
    """What this device keeps for reading offline; the service worker shows it in place of a
    page it never stored."""
    conference = Conference.objects.current()
    return render(
        request,
        "niic/offline.html",
        {"conference": conference, "days": conference.days if conference else []},
    )


def offline_pages(request):
    """The pages the service worker keeps, in this language, for the current edition."""
    conference = Conference.objects.current()
    return JsonResponse(
        {
            "edition": conference.slug if conference else None,
            "time_zone": conference.time_zone if conference else settings.TIME_ZONE,
            "static": offline.static_files(),
            "core": offline.core_pages(conference),
            "pages": offline.edition_pages(conference),
        }
    )
