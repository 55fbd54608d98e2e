"""The session list's actions: each shows what it will do to every selected session, then does
all or nothing; and the invitations, sent from the session and the speaker lists alike."""

from functools import partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from speakers.models import Speaker

from .. import services
from ..services import invitations
from .forms import CancelForm, MoveToTrackForm
from .messages import linked_message, message_list, rendered


def invite(model_admin, request, *, speakers=None, sessions=None):
    """Invite `speakers`, or every speaker of `sessions`, through the services, and say how
    many invitations were queued and how many speakers have no address to send one to. A
    refusal (a chair naming another track's speaker) is said as a message; nothing is sent."""
    try:
        queued = invitations.speakers_invite(
            user=request.user, speakers=speakers, sessions=sessions
        )
    except (PermissionDenied, ValidationError) as error:
        model_admin.message_user(request, message_list(error, request.user), messages.ERROR)
        return
    if sessions is not None:
        speakers = Speaker.objects.filter(panel_memberships__session__in=sessions).distinct()
    else:
        speakers = Speaker.objects.filter(pk__in=[speaker.pk for speaker in speakers])
    without = speakers.filter(email="").count()
    text = ngettext("%(count)d invitation queued.", "%(count)d invitations queued.", queued) % {
        "count": queued
    }
    if without:
        text += " " + ngettext(
            "%(count)d speaker has no e-mail address: add one to invite them.",
            "%(count)d speakers have no e-mail address: add one to invite them.",
            without,
        ) % {"count": without}
    model_admin.message_user(request, text, messages.WARNING if without else messages.SUCCESS)


class SessionActions:
    """The actions of SessionAdmin (a mixin of it)."""

    def preview_action(
        self, request, queryset, *, change, name, title, intro, button, done, form=None
    ):
        """The preview page of an action, and on its confirmation the change itself.

        `change(sessions, dry_run)` is a services function bound to its arguments; `done(count)`
        the success message."""
        sessions = list(queryset.select_related("conference", "track", "room"))
        ready = form is None or form.is_valid()
        outcomes = None
        if ready and request.POST.get("apply") == "1":
            try:
                outcomes = change(sessions, dry_run=False)
            except services.Refused as refusal:
                outcomes = refusal.outcomes
                self.message_user(
                    request,
                    _("Nothing was changed: the program changed since the preview. See why below."),
                    messages.ERROR,
                )
            else:
                self.message_user(request, done(len(outcomes)), messages.SUCCESS)
                return None
        elif ready:
            outcomes = change(sessions, dry_run=True)
        refused = outcomes is not None and any(not outcome.ok for outcome in outcomes)
        rows = []
        if outcomes is not None:
            for outcome in outcomes:
                rows.append(
                    {
                        "session": outcome.session,
                        "messages": [
                            linked_message(error, request.user) for error in outcome.errors
                        ],
                    }
                )
        edition = sessions[0].conference if sessions else None
        with timezone.override(edition.tzinfo if edition else None):
            return rendered(
                TemplateResponse(
                    request,
                    "admin/program/session/action_preview.html",
                    {
                        **self.admin_site.each_context(request),
                        "title": title,
                        "intro": intro,
                        "button": button,
                        "action": name,
                        "sessions": sessions,
                        "rows": rows,
                        "form": form,
                        "ready": ready and outcomes is not None,
                        "refused": refused,
                        "opts": self.model._meta,
                        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    },
                )
            )

    @admin.action(description=_("Publish the selected sessions"), permissions=["change"])
    def publish(self, request, queryset):
        return self.preview_action(
            request,
            queryset,
            change=partial(self.run_publish, request.user),
            name="publish",
            title=_("Publish sessions"),
            intro=_(
                "Each session below is checked against the rules as if all of them were "
                "published together. Either all are published, or none."
            ),
            button=_("Publish all"),
            done=lambda count: (
                ngettext("%(count)d session published.", "%(count)d sessions published.", count)
                % {"count": count}
            ),
        )

    @staticmethod
    def run_publish(user, sessions, dry_run):
        return services.sessions_publish(user=user, sessions=sessions, dry_run=dry_run)

    @admin.action(description=_("Return the selected sessions to draft"), permissions=["change"])
    def return_to_draft(self, request, queryset):
        return self.preview_action(
            request,
            queryset,
            change=lambda sessions, dry_run: services.sessions_return_to_draft(
                user=request.user, sessions=sessions, dry_run=dry_run
            ),
            name="return_to_draft",
            title=_("Return sessions to draft"),
            intro=_(
                "Drafts are not on the public site: these sessions will disappear from the "
                "schedule, search and calendar feeds until they are published again."
            ),
            button=_("Return all to draft"),
            done=lambda count: (
                ngettext(
                    "%(count)d session returned to draft.",
                    "%(count)d sessions returned to draft.",
                    count,
                )
                % {"count": count}
            ),
        )

    @admin.action(description=_("Cancel the selected sessions"), permissions=["change"])
    def cancel(self, request, queryset):
        form = CancelForm(request.POST if "confirm" in request.POST else None)
        return self.preview_action(
            request,
            queryset,
            change=lambda sessions, dry_run: services.sessions_cancel(
                user=request.user,
                sessions=sessions,
                note=form.cleaned_data["note"],
                dry_run=dry_run,
            ),
            name="cancel",
            title=_("Cancel sessions"),
            intro=_(
                "A cancelled session stays on the public site, marked as cancelled, with the "
                "note below; calendars strike it out. Only published sessions can be cancelled."
            ),
            button=_("Cancel all"),
            done=lambda count: (
                ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", count)
                % {"count": count}
            ),
            form=form,
        )

    @admin.action(description=_("Duplicate the selected sessions as drafts"), permissions=["add"])
    def duplicate(self, request, queryset):
        return self.preview_action(
            request,
            queryset,
            change=lambda sessions, dry_run: services.sessions_duplicate(
                user=request.user, sessions=sessions, dry_run=dry_run
            ),
            name="duplicate",
            title=_("Duplicate sessions"),
            intro=_("Each session is copied, with its panel, topics and languages, as a draft."),
            button=_("Duplicate all"),
            done=lambda count: (
                ngettext("%(count)d draft copy made.", "%(count)d draft copies made.", count)
                % {"count": count}
            ),
        )

    @admin.action(
        description=_("Move the selected sessions to another track"), permissions=["change"]
    )
    def move_to_track(self, request, queryset):
        editions = set(queryset.values_list("conference", flat=True))
        form = MoveToTrackForm(request.POST if "confirm" in request.POST else None)
        form.fields["track"].queryset = services.tracks_for(request.user).filter(
            conference__in=editions
        )
        return self.preview_action(
            request,
            queryset,
            change=lambda sessions, dry_run: services.sessions_move_to_track(
                user=request.user,
                sessions=sessions,
                track=form.cleaned_data["track"],
                dry_run=dry_run,
            ),
            name="move_to_track",
            title=_("Move sessions to another track"),
            intro=_(
                "These sessions will move to the track you choose. Their topics will be "
                "cleared, since topics belong to a track."
            ),
            button=_("Move all"),
            done=lambda count: (
                ngettext(
                    "%(count)d session moved; its topics were cleared, since topics belong to a "
                    "track.",
                    "%(count)d sessions moved; their topics were cleared, since topics belong to a "
                    "track.",
                    count,
                )
                % {"count": count}
            ),
            form=form,
        )

    @admin.action(
        description=_("Invite the speakers of the selected sessions"), permissions=["change"]
    )
    def invite_speakers(self, request, queryset):
        invite(self, request, sessions=list(queryset))
