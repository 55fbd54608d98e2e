"""The speaker's own page in a real browser: signed in with the link an e-mail gives them, at 360
and 1280 px, in English and Spanish, axe finds nothing and nothing scrolls sideways; and it
works without JavaScript (a confirmation and a profile change through plain forms)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import User
from django.utils import translation
from django.utils.translation import gettext
from sesame.utils import get_query_string

from sessions.models import PanelMembership
from speakers import mail
from speakers.models import Speaker
from tests.browser.test_accessibility import AXE_OPTIONS, report

pytestmark = pytest.mark.browser

WIDTHS = (360, 1280)


@pytest.fixture
def salas(program):
    """Angelica Salas of NIIC 2014, with a sign-in account, her seats invited."""
    speaker = Speaker.objects.get(slug="angelica-salas")
    user = User(username=f"speaker-{speaker.pk}")
    user.set_unusable_password()
    user.save()
    speaker.user = user
    speaker.email = "angelica@example.org"
    speaker.save()
    speaker.panel_memberships.update(answer=PanelMembership.Answer.INVITED)
    return speaker


def sign_in(page, speaker, language):
    query = get_query_string(speaker.user, scope=mail.SIGN_IN_SCOPE)
    response = page.goto(f"/{language}/speaker/{query}")
    assert response is not None
    assert (response.status, page.url.endswith(f"/{language}/speaker/")) == (200, True)


def pages_of(speaker, new_page, width, language):
    """The speaker's page and the sign-in form (as a visitor whose link expired sees it)."""
    signed = new_page(viewport={"width": width, "height": 900})
    sign_in(signed, speaker, language)
    visitor = new_page(viewport={"width": width, "height": 900})
    visitor.goto(f"/{language}/speaker/?link=refused")
    return {"speaker page": signed, "sign-in form": visitor}


@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_nothing_and_nothing_scrolls_sideways(new_page, salas, screenshot, language):
    axe = Axe()
    found, too_wide = {}, {}
    for width in WIDTHS:
        for name, page in pages_of(salas, new_page, width, language).items():
            with translation.override(language):
                assert page.locator("h1").inner_text().startswith(gettext("Your speaker page"))
            violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
            if violations:
                found[f"{name} ({language}, {width} px)"] = report(violations)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide[f"{name} ({language}, {width} px)"] = scroll_width
            screenshot(page, f"speaker-space-{name.replace(' ', '-')}-{language}-{width}")
    assert (found, too_wide) == ({}, {}), "\n\n".join(found.values())


def test_confirm_and_save_the_profile_without_javascript(new_page, salas):
    page = new_page(viewport={"width": 360, "height": 800}, java_script_enabled=False)
    sign_in(page, salas, "es")
    seat = salas.panel_memberships.order_by("session__starts_at").first()

    page.fill(f"#id_seat-{seat.pk}-note", "Llego el domingo.")
    page.locator(f"#seat-{seat.pk} button[value=confirmed]").click()
    page.fill("#id_bio_es", "Directora ejecutiva de CHIRLA.")
    page.locator(".profile-form button[type=submit]").click()

    seat.refresh_from_db()
    salas.refresh_from_db()
    assert (seat.answer, seat.answer_note, salas.bio_es) == (
        PanelMembership.Answer.CONFIRMED,
        "Llego el domingo.",
        "Directora ejecutiva de CHIRLA.",
    )
    assert page.url.endswith("/es/speaker/#profile")
