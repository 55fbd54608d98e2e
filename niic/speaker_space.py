"""The speaker's own page (/<lang>/speaker/): their seats, with an answer to each invitation, and
their profile. Not a public page: every answer is private and never stored (no-store), and only
the speaker it belongs to sees it.

A speaker signs in with the personal link an e-mail gives them (django-sesame, scoped to this
page, expiring after SESAME_MAX_AGE, void once an organizer revokes it). The token is taken off
the address at once (a redirect), so that it stays in no history, referrer or page; it is never
logged. Anyone else gets a form that e-mails a new link to a speaker's address, answering the
same whether or not the address is known, limited per client and per address as password resets
are (niic.accounts).

The link signs the speaker's own account in (an account with no staff rights, made for them when
they were invited): the page shows that account's speaker and no other, whatever a request names.
Every change goes through sessions.services.speaker_self, with the speaker as the acting user."""

import functools
import hashlib
import logging
import math

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from sesame import settings as sesame_settings
from sesame.utils import get_user

from sessions import released
from sessions.models import PanelMembership
from sessions.services.speaker_self import PROFILE_FIELDS, seat_answer, speaker_profile_save
from sessions.states import PUBLIC_STATUSES
from speakers import mail
from speakers.models import Message, Organization, Speaker

from . import queries
from .accounts import client_ip, counted

logger = logging.getLogger(__name__)

TEMPLATE = "niic/speaker_space/page.html"
SIGN_IN_TEMPLATE = "niic/speaker_space/sign_in.html"
TOO_MANY_TEMPLATE = "niic/speaker_space/too_many.html"
# What the sign-in page is told by the redirect that takes a refused token off the address.
REFUSED_LINK = "refused"


# Forms


class LinkRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class SeatAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (PanelMembership.Answer.CONFIRMED, _("Confirm")),
            (PanelMembership.Answer.DECLINED, _("Decline")),
        ],
    )
    note = forms.CharField(
        label=_("Note to the organizers (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, seat, **kwargs):
        super().__init__(*args, prefix=f"seat-{seat.pk}", **kwargs)
        if not self.is_bound:
            self.initial = {"note": seat.answer_note}


class ProfileForm(forms.ModelForm):
    """A speaker's profile as they edit it; the model's own validation (full_clean) checks
    every field, the photo as the admin does."""

    class Meta:
        model = Speaker
        fields = list(PROFILE_FIELDS)
        labels = {
            "name": _("Your name as shown"),
            "organization": _("Organization"),
            "proposed_organization": _("Or, if it is not in the list, its name"),
            "preferred_language": _("Language of the e-mails you get"),
        }
        help_texts = {"name": "", "preferred_language": "", "proposed_organization": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, _name in settings.LANGUAGES:
            language = {"language": get_language_info(code)["name_translated"]}
            self.fields[f"job_title_{code}"].label = gettext("Job title in %(language)s") % language
            self.fields[f"bio_{code}"].label = gettext("Biography in %(language)s") % language
            self.fields[f"bio_{code}"].help_text = _("Markdown. Any HTML is removed when shown.")
            self.fields[f"bio_{code}"].widget.attrs["rows"] = 6
            self.fields[f"job_title_{code}"].widget.attrs["lang"] = code
            self.fields[f"bio_{code}"].widget.attrs["lang"] = code
        self.fields["organization"].queryset = Organization.objects.order_by("name")
        self.fields["organization"].empty_label = _("None, or not in the list")
        self.fields["photo"].help_text = _("JPEG, PNG or WebP, at most 2 MB.")

    def in_each_language(self):
        """[(language name, [its job title and biography fields])], a fieldset each."""
        return [
            (
                get_language_info(code)["name_translated"],
                [self[f"job_title_{code}"], self[f"bio_{code}"]],
            )
            for code, _name in settings.LANGUAGES
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("organization") and cleaned.get("proposed_organization"):
            self.add_error(
                "proposed_organization",
                _("Choose an organization from the list or name one that is not in it, not both."),
            )
        return cleaned


# Queries


def seats_of(speaker):
    """The speaker's seats in the working program, across editions, in time order, each with
    its session, edition, room and whole panel (in panel order)."""
    panel = PanelMembership.objects.in_panel_order().select_related("speaker")
    return (
        PanelMembership.objects.filter(speaker=speaker)
        .select_related("session__conference", "session__room")
        .prefetch_related(Prefetch("session__panel", queryset=panel, to_attr="seats_in_order"))
        .order_by("session__starts_at", "session__pk")
    )


def public_addresses(session_ids):
    """{session id: its public page} for the sessions attendees can see in the released
    program (a copy's slug and edition are what its public address uses)."""
    copies = (
        released.sessions()
        .filter(pk__in=session_ids, status__in=PUBLIC_STATUSES)
        .select_related("conference")
    )
    return {copy.pk: copy.get_absolute_url() for copy in copies}


# Views


def private_page(view):
    """Every answer of the speaker's page is for one person and out of date at the next
    change: never stored by a browser or a proxy."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def signed_in_speaker(request):
    """The speaker whose account this request is signed in with, or None."""
    user = request.user
    if not user.is_authenticated:
        return None
    return Speaker.objects.filter(user=user).first()


@private_page
@require_GET
def speaker_space(request):
    if sesame_settings.TOKEN_NAME in request.GET:
        return _sign_in_with_link(request)
    speaker = signed_in_speaker(request)
    if speaker is None:
        refused = request.GET.get("link") == REFUSED_LINK
        return _sign_in_page(request, LinkRequestForm(), refused=refused)
    return _page(request, speaker)


def _sign_in_with_link(request):
    """Sign the link's speaker in, then send them to the page's address without the token."""
    user = get_user(request, scope=mail.SIGN_IN_SCOPE, update_last_login=False)
    speaker = Speaker.objects.filter(user=user).first() if user is not None else None
    if speaker is None:
        logger.warning(
            "A speaker sign-in link was refused (expired, revoked or not one of ours) from %s.",
            client_ip(request),
        )
        return HttpResponseRedirect(f"{request.path}?link={REFUSED_LINK}")
    login(request, user)
    logger.info("Speaker %s signed in with their link from %s.", speaker.pk, client_ip(request))
    return HttpResponseRedirect(request.path)


def _sign_in_page(request, form, *, refused=False, sent=False, status=200):
    context = {"form": form, "refused": refused, "sent": sent}
    return render(request, SIGN_IN_TEMPLATE, context, status=status)


def _page(request, speaker, *, profile_form=None, answer_forms=None, status=200):
    seats = list(seats_of(speaker))
    addresses = public_addresses([each.session_id for each in seats])
    answer_forms = answer_forms or {}
    rows = [
        {
            "seat": each,
            "session": each.session,
            "public_url": addresses.get(each.session_id),
            "others": [other for other in each.session.seats_in_order if other.pk != each.pk],
            "form": answer_forms.get(each.pk) or SeatAnswerForm(seat=each),
        }
        for each in seats
    ]
    context = {
        "speaker": speaker,
        "rows": rows,
        "profile_form": profile_form or ProfileForm(instance=speaker),
        "public_page": (
            speaker.slug if queries.public_speakers().filter(pk=speaker.pk).exists() else None
        ),
    }
    return render(request, TEMPLATE, context, status=status)


# The sign-in form is the one form anonymous visitors post to on this site, which sets no cookie
# for them: a CSRF cookie is not set for it. What a forged post could do is ask for a link to a
# speaker's own inbox, limited per address; browsers say where a post comes from, and a post from
# another site is refused.
@csrf_exempt
@private_page
@require_POST
def link_request(request):
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in {"same-origin", "none"}:
        return HttpResponseForbidden()
    if counted(f"niic:speaker-link:client:{client_ip(request)}") > (
        settings.NIIC_SIGN_IN_LINK_REQUESTS_PER_CLIENT
    ):
        logger.warning("Speaker sign-in links refused to %s: too many asked.", client_ip(request))
        wait = settings.NIIC_PASSWORD_RESET_WINDOW
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        response = render(request, TOO_MANY_TEMPLATE, {"minutes": minutes}, status=429)
        response["Retry-After"] = str(math.ceil(wait.total_seconds()))
        return response
    form = LinkRequestForm(request.POST)
    if not form.is_valid():
        return _sign_in_page(request, form, status=400)
    address = form.cleaned_data["email"].strip()
    digest = hashlib.sha256(address.casefold().encode()).hexdigest()
    if counted(f"niic:speaker-link:address:{digest}") > (
        settings.NIIC_SIGN_IN_LINK_EMAILS_PER_ADDRESS
    ):
        logger.warning("Speaker sign-in link withheld: too many asked for one address.")
    else:
        _send_links(address)
    logger.info("Speaker sign-in link asked for from %s.", client_ip(request))
    return _sign_in_page(request, LinkRequestForm(), sent=True)


def _send_links(address):
    speakers = Speaker.objects.filter(
        email__iexact=address, user__isnull=False, user__is_active=True
    ).select_related("user")
    with transaction.atomic():
        for speaker in speakers:
            message = _link_message(speaker)
            mail.queue(speaker=speaker, kind=Message.Kind.SIGN_IN, **message)
            logger.info("Speaker sign-in link queued for speaker %s.", speaker.pk)


def _link_message(speaker):
    days = int(settings.SESAME_MAX_AGE.total_seconds() // 86400)
    with translation.override(speaker.preferred_language):
        subject = gettext("Your link to your speaker page")
        body = gettext(
            "Hello %(name)s,\n\n"
            "Here is your personal link to your speaker page, where you see your sessions,"
            " confirm or decline them, and change your profile:\n\n"
            "%(link)s\n\n"
            "It works for %(days)s days. Keep it to yourself: it signs you in without a"
            " password. If you did not ask for it, you can ignore this message.\n"
        ) % {"name": speaker.name, "link": Message.LINK_PLACEHOLDER, "days": days}
    return {"subject": subject, "body": body}


@private_page
@require_POST
def sign_out(request):
    logout(request)
    return HttpResponseRedirect(reverse("speaker-space"))


def _speaker_or_sign_in(request):
    speaker = signed_in_speaker(request)
    if speaker is None:
        raise PermissionDenied
    return speaker


@private_page
@require_POST
def profile_save(request):
    speaker = _speaker_or_sign_in(request)
    form = ProfileForm(request.POST, request.FILES, instance=Speaker.objects.get(pk=speaker.pk))
    if form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            speaker_profile_save(user=request.user, speaker=speaker, changes=changes)
        except ValidationError as error:
            _show_on(form, error)
    if not form.is_valid():
        return _page(request, speaker, profile_form=form, status=400)
    messages.success(request, gettext("Your profile is saved."))
    return HttpResponseRedirect(reverse("speaker-space") + "#profile")


def _show_on(form, error):
    """The service's refusal on the form: each message beside its field, or above the form for
    a field the form does not have."""
    for field, field_messages in error.update_error_dict({}).items():
        form.add_error(field if field in form.fields else None, field_messages)


@private_page
@require_POST
def answer_save(request, seat):
    speaker = _speaker_or_sign_in(request)
    # Another speaker's seat is not found: a speaker reaches only their own.
    seat = get_object_or_404(PanelMembership, pk=seat, speaker=speaker)
    form = SeatAnswerForm(request.POST, seat=seat)
    if form.is_valid():
        try:
            seat_answer(
                user=request.user,
                seat=seat,
                answer=form.cleaned_data["answer"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _show_on(form, error)
    if not form.is_valid():
        return _page(request, speaker, answer_forms={seat.pk: form}, status=400)
    if form.cleaned_data["answer"] == PanelMembership.Answer.CONFIRMED:
        messages.success(request, gettext("Thank you: your seat is confirmed."))
    else:
        messages.success(request, gettext("Thank you: the organizers know you decline."))
    return HttpResponseRedirect(reverse("speaker-space") + f"#seat-{seat.pk}")
