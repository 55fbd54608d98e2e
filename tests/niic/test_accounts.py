"""Staff accounts: login lockout (per username and address, behind a proxy too), unlocking, the
password reset by e-mail, and the password strength it asks for."""

import datetime
import io
import json
import os
import re
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from niic.roles import ORGANIZERS, TRACK_CHAIRS
from tests.factories import make_track
from tests.niic.test_settings import PRODUCTION, run_python

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "a-fresh-pass-phrase"
PROXY = "10.0.0.2"


@pytest.fixture(autouse=True)
def fresh_counters():
    # Password reset requests are counted in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


def make_organizer(username="organizer", email="organizer@example.org"):
    return User.objects.create_user(username, email, PASSWORD, is_staff=True)


def log_in(client, username, password, **request):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **request,
    )


def outcome(response):
    """What the person at the login form sees: in, refused (the form again), or locked out."""
    if response.status_code == 302 and response["Location"] == "/admin/":
        return "in"
    if response.status_code == 200 and response.context["form"].errors:
        return "refused"
    if response.status_code == 429:
        return "locked out"
    return f"unexpected {response.status_code}"


def lock_out(client, username="organizer", **request):
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        log_in(client, username, "a-wrong-guess", **request)


def paragraphs(response, css_class=None):
    pattern = r'<p class="errornote">(.*?)</p>' if css_class else r"<p>(.*?)</p>"
    found = re.findall(pattern, response.text, flags=re.DOTALL)
    return [" ".join(strip_tags(text).split()) for text in found]


def without_nonces(html):
    return re.sub(r' nonce="[^"]*"', "", html)


def request_reset(client, email, **request):
    return client.post(reverse("admin_password_reset"), {"email": email}, **request)


def reset_link(message):
    return re.search(r"^http://testserver(/admin/password_reset/\S+/)$", message.body, re.M)[1]


# Lockout ---------------------------------------------------------------------------------------


def test_login_after_the_failure_limit_refuses_even_the_right_password(client):
    make_organizer()
    limit = django_settings.AXES_FAILURE_LIMIT

    outcomes = [outcome(log_in(client, "organizer", f"guess-{n}")) for n in range(200)]

    assert outcomes == ["refused"] * (limit - 1) + ["locked out"] * (200 - limit + 1)
    right_password = log_in(client, "organizer", PASSWORD)
    assert outcome(right_password) == "locked out"
    assert right_password["Retry-After"] == "900"
    assert paragraphs(right_password, "errornote") == [
        "Logging in as “organizer” from your network is paused after too many failed attempts."
    ]
    assert paragraphs(right_password)[0] == (
        "Try again in 15 minutes. Every attempt before then, even with the right password, "
        "starts the wait again."
    )
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_the_lockout_page_speaks_spanish(client):
    make_organizer()
    lock_out(client)

    page = log_in(client, "organizer", PASSWORD, HTTP_ACCEPT_LANGUAGE="es")

    assert page.status_code == 429
    assert paragraphs(page, "errornote") == [
        "El inicio de sesión como “organizer” desde su red está en pausa tras demasiados "
        "intentos fallidos."
    ]
    assert paragraphs(page)[0] == (
        "Vuelva a intentarlo dentro de 15 minutos. Cada intento antes de entonces, incluso con "
        "la contraseña correcta, vuelve a empezar la espera."
    )


def test_a_lockout_holds_only_that_username_from_that_address(client):
    make_organizer()
    make_organizer("chair", "chair@example.org")
    lock_out(client, REMOTE_ADDR="192.0.2.10")

    assert outcome(log_in(Client(), "organizer", PASSWORD, REMOTE_ADDR="192.0.2.10")) == (
        "locked out"
    )
    # The attacker cannot lock the organizer out from elsewhere, nor everyone from one address.
    assert outcome(log_in(Client(), "organizer", PASSWORD, REMOTE_ADDR="198.51.100.7")) == "in"
    assert outcome(log_in(Client(), "chair", PASSWORD, REMOTE_ADDR="192.0.2.10")) == "in"


def test_a_successful_login_forgets_earlier_typos(client):
    make_organizer()
    limit = django_settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        log_in(client, "organizer", "a-typo")
    assert outcome(log_in(client, "organizer", PASSWORD)) == "in"

    outcomes = [outcome(log_in(Client(), "organizer", "a-typo")) for _ in range(limit - 1)]

    assert outcomes == ["refused"] * (limit - 1)


def test_the_lockout_lifts_after_the_cool_off(client):
    make_organizer()
    lock_out(client)
    cool_off = django_settings.AXES_COOLOFF_TIME
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - cool_off - datetime.timedelta(seconds=1)
    )

    assert outcome(log_in(client, "organizer", PASSWORD)) == "in"


def test_an_attempt_during_the_lockout_starts_the_wait_again(client):
    make_organizer()
    lock_out(client)
    almost_over = timezone.now() - django_settings.AXES_COOLOFF_TIME + datetime.timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=almost_over)

    assert outcome(log_in(client, "organizer", "one-more-guess")) == "locked out"
    AccessAttempt.objects.update(attempt_time=almost_over + datetime.timedelta(minutes=2))
    assert outcome(log_in(client, "organizer", PASSWORD)) == "locked out"


def test_axes_reset_username_lifts_a_lockout(client):
    make_organizer()
    lock_out(client)
    assert outcome(log_in(client, "organizer", PASSWORD)) == "locked out"
    output = io.StringIO()

    call_command("axes_reset_username", "organizer", stdout=output)

    assert output.getvalue() == "1 attempts removed.\n"
    assert outcome(log_in(client, "organizer", PASSWORD)) == "in"


# The client's address, with and without a reverse proxy -----------------------------------------


def test_a_forwarded_for_header_changes_nothing_when_no_proxy_is_configured(client):
    make_organizer()
    limit = django_settings.AXES_FAILURE_LIMIT

    outcomes = [
        outcome(log_in(client, "organizer", "guess", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"))
        for n in range(1, limit + 3)
    ]

    assert outcomes == ["refused"] * (limit - 1) + ["locked out"] * 3
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


def test_behind_a_proxy_the_configured_header_tells_visitors_apart(client, settings):
    settings.NIIC_CLIENT_IP_HEADER = "X-Forwarded-For"
    make_organizer()
    limit = settings.AXES_FAILURE_LIMIT

    # The attacker puts a new address at the left each time; the proxy appends the real one.
    attacker = [
        outcome(
            log_in(
                client,
                "organizer",
                "guess",
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.9",
            )
        )
        for n in range(limit + 2)
    ]
    organizer = log_in(
        Client(), "organizer", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )

    assert attacker == ["refused"] * (limit - 1) + ["locked out"] * 3
    assert outcome(organizer) == "in"
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_behind_two_proxies_the_address_the_outer_one_saw_counts(client, settings):
    settings.NIIC_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.NIIC_CLIENT_IP_PROXY_COUNT = 2

    log_in(
        client,
        "organizer",
        "guess",
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9, 10.0.0.3",
    )

    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


@pytest.mark.parametrize("header", ["", "not-an-address", "203.0.113.9, <script>", "\x00"])
def test_an_unusable_forwarded_header_counts_against_the_proxy_address(client, settings, header):
    settings.NIIC_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.NIIC_CLIENT_IP_PROXY_COUNT = 1

    response = log_in(client, "organizer", "guess", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)

    assert outcome(response) == "refused"
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [PROXY]


def test_ipv6_addresses_of_one_subscriber_count_together(client):
    make_organizer()
    limit = django_settings.AXES_FAILURE_LIMIT

    outcomes = [
        outcome(log_in(client, "organizer", "guess", REMOTE_ADDR=f"2001:db8:1:2::{n:x}"))
        for n in range(1, limit + 2)
    ]

    assert outcomes == ["refused"] * (limit - 1) + ["locked out"] * 2
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["2001:db8:1:2::"]


# Password reset by e-mail ----------------------------------------------------------------------


def test_the_admin_login_page_links_to_the_password_reset(client):
    page = client.get(reverse("admin:login"))

    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', page.text)
    assert ("/admin/password_reset/", "Forgotten your login credentials?") in links


def test_the_password_reset_pages_are_admin_pages_in_both_languages(client):
    english = client.get(reverse("admin_password_reset"))
    spanish = client.get(reverse("admin_password_reset"), HTTP_ACCEPT_LANGUAGE="es")

    assert english.status_code == spanish.status_code == 200
    assert re.search(r"<title>(.*?)</title>", english.text)[1] == ("Password reset | NIIC program")
    assert re.search(r"<title>(.*?)</title>", spanish.text)[1] == (
        "Restablecer contraseña | Programa de la NIIC"
    )
    assert '<a href="/admin/">Administración del programa de la NIIC</a>' in spanish.text
    # No app sidebar: before logging in it could only say that there is nothing to see.
    assert 'id="nav-sidebar"' not in english.text


def test_a_password_reset_emails_a_link_that_sets_a_new_password(client, mailoutbox):
    make_organizer()

    requested = request_reset(client, "organizer@example.org")

    assert (requested.status_code, requested["Location"]) == (302, "/admin/password_reset/done/")
    [message] = mailoutbox
    assert (message.to, message.subject) == (
        ["organizer@example.org"],
        "Set a new password for the NIIC program administration",
    )
    link = reset_link(message)
    form = client.get(link, follow=True)
    assert form.context["validlink"] is True
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain == [("/admin/password_reset/complete/", 302)]
    assert '<a href="/admin/login/">Log in</a>' in done.text
    assert outcome(log_in(Client(), "organizer", NEW_PASSWORD)) == "in"
    assert outcome(log_in(Client(), "organizer", PASSWORD)) == "refused"
    # The link works once.
    assert client.get(link, follow=True).context["validlink"] is False


def test_the_reset_email_is_in_the_language_of_the_request(client, mailoutbox):
    make_organizer()

    request_reset(client, "organizer@example.org", HTTP_ACCEPT_LANGUAGE="es")

    [message] = mailoutbox
    assert message.subject == (
        "Elija una contraseña nueva para la administración del programa de la NIIC"
    )
    assert message.body.splitlines()[0] == (
        "Alguien, esperamos que usted, ha pedido una contraseña nueva para la cuenta "
        "“organizer” de la administración del programa de la NIIC en testserver."
    )


def test_a_password_reset_answers_the_same_whether_or_not_the_address_has_an_account(
    client, mailoutbox
):
    make_organizer()

    known = request_reset(client, "organizer@example.org", follow=True)
    unknown = request_reset(Client(), "nobody@example.org", follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [("/admin/password_reset/done/", 302)]
    # The same page, but for the nonce that the content security policy draws for each answer.
    assert without_nonces(known.text) == without_nonces(unknown.text)
    assert [message.to for message in mailoutbox] == [["organizer@example.org"]]


def test_a_password_shorter_than_the_minimum_is_refused(client, mailoutbox):
    make_organizer()
    request_reset(client, "organizer@example.org")
    form = client.get(reset_link(mailoutbox[0]), follow=True)

    refused = client.post(
        form.redirect_chain[-1][0], {"new_password1": "short-pass1", "new_password2": "short-pass1"}
    )

    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "new_password2": ["This password is too short. It must contain at least 12 characters."]
    }
    assert outcome(log_in(Client(), "organizer", PASSWORD)) == "in"


def test_setting_a_new_password_by_email_lifts_the_lockout(client, mailoutbox):
    make_organizer()
    lock_out(client)

    request_reset(client, "organizer@example.org")
    form = client.get(reset_link(mailoutbox[0]), follow=True)
    client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert outcome(log_in(client, "organizer", NEW_PASSWORD)) == "in"


def test_password_reset_requests_from_one_client_are_limited(client, mailoutbox):
    limit = django_settings.NIIC_PASSWORD_RESET_REQUESTS_PER_CLIENT

    answers = [request_reset(client, f"person{n}@example.org") for n in range(limit + 3)]

    assert [answer.status_code for answer in answers] == [302] * limit + [429] * 3
    assert answers[-1]["Retry-After"] == "3600"
    assert paragraphs(answers[-1], "errornote") == [
        "Too many password reset requests have come from your network."
    ]
    assert paragraphs(answers[-1])[0] == "Try again in 60 minutes."
    assert request_reset(Client(), "person0@example.org", REMOTE_ADDR="192.0.2.1").status_code == (
        302
    )


def test_password_reset_emails_to_one_address_are_limited(client, mailoutbox):
    make_organizer()
    limit = django_settings.NIIC_PASSWORD_RESET_EMAILS_PER_ADDRESS

    answers = [
        request_reset(Client(), "Organizer@Example.org", REMOTE_ADDR=f"192.0.2.{n}")
        for n in range(1, limit + 4)
    ]

    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, "/admin/password_reset/done/")
    }
    assert len(mailoutbox) == limit


# Settings --------------------------------------------------------------------------------------

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
validators = {
    v["NAME"].rsplit(".", 1)[1]: v.get("OPTIONS", {}) for v in settings.AUTH_PASSWORD_VALIDATORS
}
print(json.dumps({
    "failure_limit": settings.AXES_FAILURE_LIMIT,
    "cool_off_minutes": settings.AXES_COOLOFF_TIME.total_seconds() / 60,
    "client_ip_header": settings.NIIC_CLIENT_IP_HEADER,
    "min_length": validators["MinimumLengthValidator"].get("min_length"),
    "validators": sorted(validators),
    "mailers": settings.MAILERS,
    "from": settings.DEFAULT_FROM_EMAIL,
}))
"""


def show_settings(**env):
    result = run_python(SHOW_SETTINGS, DJANGO_SETTINGS_MODULE="niic.settings", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_account_settings_default_to_a_safe_local_setup():
    assert show_settings() == {
        "failure_limit": 5,
        "cool_off_minutes": 15,
        "client_ip_header": "",
        "min_length": 12,
        "validators": [
            "CommonPasswordValidator",
            "MinimumLengthValidator",
            "NumericPasswordValidator",
            "UserAttributeSimilarityValidator",
        ],
        "mailers": {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}},
        "from": "NIIC program <noreply@localhost>",
    }


def test_account_settings_come_from_the_environment():
    shown = show_settings(
        DJANGO_LOGIN_FAILURE_LIMIT="8",
        DJANGO_LOGIN_COOLOFF_MINUTES="30",
        DJANGO_CLIENT_IP_HEADER="X-Real-IP",
        DJANGO_PASSWORD_MIN_LENGTH="16",
        DJANGO_EMAIL_HOST="smtp.example.org",
        DJANGO_EMAIL_PORT="465",
        DJANGO_EMAIL_HOST_USER="program",
        DJANGO_EMAIL_HOST_PASSWORD="not-a-real-secret",
        DJANGO_EMAIL_USE_SSL="1",
        DJANGO_DEFAULT_FROM_EMAIL="NIIC program <program@niic.example.org>",
    )

    assert (shown["failure_limit"], shown["cool_off_minutes"], shown["client_ip_header"]) == (
        8,
        30,
        "X-Real-IP",
    )
    assert shown["min_length"] == 16
    assert shown["mailers"] == {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": "smtp.example.org",
                "port": 465,
                "username": "program",
                "password": "not-a-real-secret",
                "use_tls": False,
                "use_ssl": True,
                "timeout": 10,
            },
        }
    }
    assert shown["from"] == "NIIC program <program@niic.example.org>"


def test_smtp_uses_starttls_on_django_s_default_port_unless_told_otherwise():
    options = show_settings(DJANGO_EMAIL_HOST="smtp.example.org")["mailers"]["default"]["OPTIONS"]

    assert (options["port"], options["use_tls"], options["use_ssl"]) == (None, True, False)


def test_check_deploy_asks_for_a_mail_server_in_production():
    # Printed to the console, a reset link would end up in the server's logs, and with nobody.
    without_mail = {k: v for k, v in PRODUCTION.items() if not k.startswith("DJANGO_EMAIL_")}

    result = run_python(["manage.py", "check", "--deploy"], **without_mail)

    assert result.returncode == 1
    assert "mail.E001" in result.stderr


# Role accounts ---------------------------------------------------------------------------------


def role_group(name):
    from niic.roles import setup_roles

    setup_roles()
    return Group.objects.get(name=name)


def test_a_user_put_in_a_role_group_from_a_shell_becomes_staff_and_logs_in(client):
    person = User.objects.create_user("chair", "chair@example.org", PASSWORD)
    assert outcome(log_in(client, "chair", PASSWORD)) == "refused"

    person.groups.add(role_group(TRACK_CHAIRS))

    assert person.is_staff is True
    assert User.objects.get(pk=person.pk).is_staff is True
    assert outcome(log_in(client, "chair", PASSWORD)) == "in"


def test_a_user_added_from_the_group_s_side_becomes_staff_and_leaves_staff_with_the_group():
    person = User.objects.create_user("volunteer", "v@example.org", PASSWORD)
    organizers = role_group(ORGANIZERS)

    organizers.user_set.add(person)
    assert User.objects.get(pk=person.pk).is_staff is True
    organizers.user_set.remove(person)

    assert User.objects.get(pk=person.pk).is_staff is False


def test_a_group_that_is_no_role_changes_no_staff_status():
    person = User.objects.create_user("reader", "r@example.org", PASSWORD)
    staff_without_role = User.objects.create_user("ops", "ops@example.org", PASSWORD, is_staff=True)
    newsletter = Group.objects.create(name="Newsletter")

    person.groups.add(newsletter)
    staff_without_role.groups.add(newsletter)
    staff_without_role.groups.remove(newsletter)

    assert User.objects.get(pk=person.pk).is_staff is False
    assert User.objects.get(pk=staff_without_role.pk).is_staff is True


def test_a_superuser_putting_an_account_in_organizers_through_the_admin_makes_it_staff(
    admin_client,
):
    person = User.objects.create_user("new-organizer", "n@example.org", PASSWORD)
    organizers = role_group(ORGANIZERS)
    form = admin_client.get(reverse("admin:auth_user_change", args=[person.pk]))
    data = {
        name: value
        for name, value in form.context["adminform"].form.initial.items()
        if value is not None and name not in ("password", "groups", "user_permissions")
    }
    data.update(
        {
            "groups": [organizers.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    data.pop("is_staff", None)  # the superuser left "Staff status" unticked

    response = admin_client.post(reverse("admin:auth_user_change", args=[person.pk]), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert list(person.groups.all()) == [organizers]
    assert person.is_staff is True
    assert outcome(log_in(Client(), "new-organizer", PASSWORD)) == "in"


def test_a_login_refused_for_an_account_that_is_not_staff_says_so(client):
    User.objects.create_user("someone", "someone@example.org", PASSWORD)

    page = log_in(client, "someone", PASSWORD)

    assert outcome(page) == "refused"
    assert paragraphs(page, "errornote") == [
        "This account is not a staff account, so it cannot use this admin: ask an organizer to "
        "put it in the Organizers, Track chairs or a Translators group."
    ]


def test_a_wrong_password_is_still_blamed_on_the_password_and_counted_towards_the_lockout(client):
    User.objects.create_user("someone", "someone@example.org", PASSWORD)

    page = log_in(client, "someone", "a-wrong-guess")

    assert paragraphs(page, "errornote") == [
        "Please enter the correct username and password for a staff account. Note that both "
        "fields may be case-sensitive."
    ]
    assert AccessAttempt.objects.get(username="someone").failures_since_start == 1


def test_the_not_staff_answer_counts_no_failure_and_the_lockout_still_holds(client):
    User.objects.create_user("someone", "someone@example.org", PASSWORD)
    log_in(client, "someone", PASSWORD)
    assert AccessAttempt.objects.filter(username="someone").count() == 0

    lock_out(client, "someone")

    assert outcome(log_in(client, "someone", PASSWORD)) == "locked out"


def run_create_account(*arguments):
    out = io.StringIO()
    call_command("create_account", *arguments, stdout=out)
    return out.getvalue()


def test_create_account_makes_an_organizer_who_can_log_in_once_they_have_a_password(client):
    printed = run_create_account("--role", "organizer", "ana@example.org")

    person = User.objects.get(username="ana@example.org")
    assert (person.email, person.is_staff, person.is_superuser) == ("ana@example.org", True, False)
    assert [group.name for group in person.groups.all()] == [ORGANIZERS]
    assert person.has_usable_password() is False
    assert printed == (
        "Created ana@example.org: Organizers.\n"
        "No password yet. Either set one now: manage.py changepassword ana@example.org\n"
        "or the person chooses one: on the admin's login page, “Forgotten your password or "
        "username?” e-mails them a link.\n"
    )
    person.set_password(PASSWORD)
    person.save()
    assert outcome(log_in(client, "ana@example.org", PASSWORD)) == "in"


def test_create_account_makes_a_chair_of_the_named_tracks_of_the_current_edition(conference):
    conference.is_current = True
    conference.save()
    health = make_track(conference, name="Health", slug="health")
    make_track(conference, name="Youth", slug="youth")
    make_track(conference, name="Education", slug="education")

    printed = run_create_account(
        "--role", "chair", "bo@example.org", "--tracks", "health,education"
    )

    person = User.objects.get(username="bo@example.org")
    assert [group.name for group in person.groups.all()] == [TRACK_CHAIRS]
    assert person.is_staff is True
    assert sorted(track.slug for track in person.chaired_tracks.all()) == ["education", "health"]
    assert printed.splitlines()[:2] == [
        "Created bo@example.org: Track chairs.",
        "Chairs: Health (health), Education (education).",
    ]
    # Run again for the same person: updated, not doubled.
    printed = run_create_account("--role", "chair", "BO@example.org", "--tracks", "health")
    assert printed.splitlines()[0] == "Updated bo@example.org: Track chairs."
    assert User.objects.filter(email__iexact="bo@example.org").count() == 1
    assert list(health.chairs.all()) == [person]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--role", "chair", "bo@example.org", "--tracks", "health,helth"],
            "No track helth in {edition}. Its tracks: health, youth.",
        ),
        (
            ["--role", "chair", "bo@example.org"],
            "A chair needs --tracks: the slugs of their tracks.",
        ),
        (
            ["--role", "chair", "bo@example.org", "--tracks", "health", "--edition", "niic-1999"],
            "No edition 'niic-1999'. Editions: {edition}.",
        ),
        (["--role", "organizer", "not-an-address"], "'not-an-address' is not an e-mail address."),
        (
            ["--role", "translator", "eva@example.org", "--language", "fr"],
            "A translator needs --language, one of: en, es (not 'fr').",
        ),
        (
            ["--role", "organizer", "eva@example.org", "--language", "es"],
            "--language is for the translator role only.",
        ),
    ],
)
def test_create_account_refuses_what_it_cannot_do_and_creates_nobody(
    conference, arguments, message
):
    conference.is_current = True
    conference.save()
    make_track(conference, name="Health", slug="health")
    make_track(conference, name="Youth", slug="youth")

    with pytest.raises(CommandError) as refusal:
        run_create_account(*arguments)

    assert str(refusal.value) == message.format(edition=conference.slug)
    assert User.objects.count() == 0


def test_create_account_refusal_exits_non_zero():
    finished = subprocess.run(
        [sys.executable, "manage.py", "create_account", "--role", "chair", "x@example.org"],
        capture_output=True,
        text=True,
        cwd=django_settings.BASE_DIR,
        check=False,
        env={**os.environ, "DATABASE_URL": "sqlite:///:memory:"},
    )

    assert finished.returncode == 1
    assert finished.stderr.strip() == (
        "CommandError: A chair needs --tracks: the slugs of their tracks."
    )


@pytest.mark.skipif(
    not hasattr(__import__("niic.roles").roles, "translator_group"),
    reason="the translator role (niic.roles.translator_group) is not there yet",
)
def test_create_account_makes_a_translator_of_one_language():
    from niic.roles import translator_group

    run_create_account("--role", "translator", "eva@example.org", "--language", "es")

    person = User.objects.get(username="eva@example.org")
    expected = translator_group("es")
    expected_name = expected if isinstance(expected, str) else expected.name
    assert [group.name for group in person.groups.all()] == [expected_name]
    assert person.is_staff is True


def test_an_organizer_makes_a_translator_through_the_account_form_and_the_account_stays_staff(
    client,
):
    from niic.roles import translator_group
    from tests.factories import make_organizer as make_organizers_member

    client.force_login(make_organizers_member())
    person = User.objects.create_user("traductora", "t@example.org", PASSWORD)
    spanish = translator_group("es")
    url = reverse("admin:auth_user_change", args=[person.pk])
    data = {
        "username": "traductora",
        "email": "t@example.org",
        "first_name": "",
        "last_name": "",
        "is_active": "on",
        "groups": [spanish.pk],
    }

    assert spanish.pk in [
        group.pk for group in client.get(url).context["adminform"].form.fields["groups"].queryset
    ]
    response = client.post(url, data)
    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).is_staff is True
    client.post(url, {**data, "first_name": "Rosa"})  # saved again by an organizer

    person.refresh_from_db()
    assert (person.first_name, person.is_staff) == ("Rosa", True)
    assert outcome(log_in(Client(), "traductora", PASSWORD)) == "in"
