"""The program where attendees already look: exports for apps (sessions.exports), calendars per
speaker, the sitemap, and the releases' public change log with its Atom feed and the JSON the
agenda reads to flag starred sessions that changed.

Every response here is open to scripts on any site (CORS, for GET) and carries an ETag: a
conditional GET of an unchanged file gets a 304 (open_to_apps)."""

import json
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from speakers.models import Speaker

from . import exports, released, releases, sitemap
from .calendar import calendar_response, stamped_response
from .for_apps import open_to_apps
from .models import Release
from .safe_text import attachment_header, xml_safe
from .views import get_edition, render_in_edition_zone

FEED_LENGTH = 50


def attachment(response, filename):
    response["Content-Disposition"] = attachment_header(filename)
    return response


@open_to_apps
def schedule_xml(request, edition):
    program = exports.load_program(get_edition(edition), request)
    return HttpResponse(
        exports.frab_xml(program, request), content_type="application/xml; charset=utf-8"
    )


@open_to_apps
def schedule_json(request, edition):
    program = exports.load_program(get_edition(edition), request)
    body = json.dumps(
        exports.c3voc_json(program, request), ensure_ascii=False, separators=(",", ":")
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@open_to_apps
def schedule_xcal(request, edition):
    conference = get_edition(edition)
    program = exports.load_program(conference, request)
    return stamped_response(
        exports.xcal(program),
        exports.xcal_stamp,
        around=("<dtstamp><date-time>", "</date-time></dtstamp>"),
        content_type="application/calendar+xml; charset=utf-8",
        filename=f"{conference.slug}.xcs",
    )


@open_to_apps
def schedule_csv(request, edition):
    return csv_download(request, edition, exports.program_csv, suffix="")


@open_to_apps
def schedule_csv_for_excel(request, edition):
    """The CSV with a byte-order mark, which Excel on Windows needs to read UTF-8."""
    return csv_download(request, edition, exports.program_csv_for_excel, suffix="-excel")


def csv_download(request, edition, write, *, suffix):
    conference = get_edition(edition)
    program = exports.load_program(conference, request)
    response = HttpResponse(write(program), content_type="text/csv; charset=utf-8")
    return attachment(response, f"{conference.slug}-{program.version}{suffix}.csv")


@open_to_apps
def speaker_calendar(request, speaker):
    """The speaker's public sessions, across editions; a speaker seen only on drafts has none."""
    speaker = get_object_or_404(Speaker, slug=speaker)
    sessions = list(
        released.sessions()
        .public()
        .filter(panel__speaker=speaker)
        .for_listing()
        .order_by("starts_at")
    )
    if not sessions:
        raise Http404("No public session features this speaker.")
    return calendar_response(
        sessions, request, name=speaker.name, filename=f"niic-{speaker.slug}.ics"
    )


@open_to_apps
def sitemap_xml(request):
    return HttpResponse(sitemap.sitemap_xml(request), content_type="application/xml; charset=utf-8")


# Releases


def release_anchor(release):
    return f"release-{release.number}"


def shown_releases(conference, limit=None):
    found = list(conference.releases.for_log()[:limit])
    for release in found:
        release.conference = conference  # known already: no query per release
    return [(release, releases.shown_changes(release.changes, conference)) for release in found]


def change_log(request, edition):
    conference = get_edition(edition)
    return render_in_edition_zone(
        request,
        conference,
        "sessions/change_log.html",
        {"releases": shown_releases(conference)},
    )


class ChangeFeed(Feed):
    """The change log as an Atom feed: an entry per release, newest first."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # Dates in the entries are on the edition's clock, as on the change log page.
        request.edition = get_edition(kwargs["edition"])
        with timezone.override(request.edition.tzinfo):
            return super().__call__(request, *args, **kwargs)

    def get_object(self, request, edition):
        return request.edition

    def title(self, conference):
        return _("%(edition)s: changes to the program") % {
            "edition": f"{conference.short_name} {conference.year}"
        }

    def subtitle(self, conference):
        return _("What is new, moved, retitled, re-panelled or cancelled in each release.")

    def link(self, conference):
        return reverse("program:change-log", kwargs={"edition": conference.slug})

    def author_name(self, conference):
        # A feed names its author, or every entry does (RFC 4287, 4.1.1): the edition's
        # organizer, who releases its program.
        return conference.organizer

    def items(self, conference):
        return shown_releases(conference, FEED_LENGTH)

    def get_feed(self, obj, request):
        """The feed with every text XML 1.0 cannot carry cleaned (Django's writer raises on
        them): a release or session stored before its validator must not fail the feed."""
        feed = super().get_feed(obj, request)
        feed.feed = xml_safe_values(feed.feed)
        feed.items = [xml_safe_values(item) for item in feed.items]
        return feed

    def item_title(self, item):
        release, _changes = item
        return release.name

    description_template = "sessions/includes/release_changes.html"

    def get_context_data(self, **kwargs):
        release, changes = kwargs["item"]
        scheme = "https" if kwargs["request"].is_secure() else "http"
        return {
            "release": release,
            "changes": changes,
            "conference": kwargs["obj"],
            # Feed readers show entries away from the site: links are absolute.
            "link_root": f"{scheme}://{kwargs['site'].domain}",
        }

    def item_link(self, item):
        release, _changes = item
        url = reverse("program:change-log", kwargs={"edition": release.conference.slug})
        return f"{url}#{release_anchor(release)}"

    def item_pubdate(self, item):
        return item[0].released_at

    def item_updateddate(self, item):
        return item[0].released_at


def xml_safe_values(fields):
    return {
        name: xml_safe(value) if isinstance(value, str) else value for name, value in fields.items()
    }


change_feed = open_to_apps(ChangeFeed())


@open_to_apps
def changes_json(request):
    """Each release of every edition with the ids of the sessions it changed, oldest first: what
    the agenda needs to flag starred sessions that changed since the visitor last looked."""
    found = Release.objects.in_force().select_related("conference").defer("snapshot").order_by("pk")
    data = {
        "releases": [
            {
                "id": release.pk,
                "edition": release.conference.slug,
                "name": release.name,
                "released_at": release.released_at.isoformat(),
                "sessions": {
                    str(pk): kinds
                    for pk, kinds in releases.changed_sessions(release.changes).items()
                },
            }
            for release in found
        ]
    }
    return HttpResponse(json.dumps(data), content_type="application/json; charset=utf-8")


@dataclass(frozen=True)
class Export:
    label: str
    use: str
    url: str


def use_in_app(request, edition):
    """Where each export is, and which apps read it."""
    conference = get_edition(edition)

    def url(name, **kwargs):
        return request.build_absolute_uri(reverse(name, kwargs=kwargs or None))

    edition = {"edition": conference.slug}
    listed = [
        Export(
            _("schedule.xml (frab/Pentabarf)"),
            _(
                "For conference apps such as Giggity, ConfClerk and EventFahrplan, signage "
                "screens and video teams' tools."
            ),
            url("program:schedule-xml", **edition),
        ),
        Export(
            _("schedule.json (c3voc)"),
            _("The same program in the c3voc JSON format, for scripts and web apps."),
            url("program:schedule-json", **edition),
        ),
        Export(
            _("Calendar (.ics)"),
            _(
                "Subscribe to it in a calendar app (Google Calendar, Apple Calendar, Outlook, "
                "Thunderbird): changes reach your calendar."
            ),
            url("program:edition-calendar", **edition),
        ),
        Export(
            _("Calendar in XML (xCal)"),
            _("The calendar in the XML form of iCalendar (RFC 6321)."),
            url("program:schedule-xcal", **edition),
        ),
        Export(
            _("Spreadsheet (CSV)"),
            _("Every session on a row, for a spreadsheet or a printed list."),
            url("program:schedule-csv", **edition),
        ),
        Export(
            _("Spreadsheet for Excel (CSV)"),
            _(
                "The same rows, marked as UTF-8 for Excel on Windows, which otherwise garbles "
                "accented letters. Scripts read the plain one."
            ),
            url("program:schedule-csv-excel", **edition),
        ),
        Export(
            _("Changes (Atom feed)"),
            _("Each release of the program with what changed, for a feed reader."),
            url("program:change-feed", **edition),
        ),
        Export(
            _("Changed sessions (JSON)"),
            _("The sessions each release changed, for apps that flag them."),
            url("program:changes-json"),
        ),
    ]
    return render_in_edition_zone(
        request,
        conference,
        "sessions/use_in_app.html",
        {"release": Release.objects.latest_for(conference), "exports": listed},
    )
