"""A track chair never reads or changes another track's drafts, by any admin URL; an organizer
never raises anyone's rights beyond the two program groups.

The walk takes every URL of every registered ModelAdmin from get_urls() (so the views a ModelAdmin
inherits, from Django, django-simple-history and django-import-export, are walked like ours), and
the site's own "view on site" redirect. As a chair of track A it requests each with the ids of
track B's objects: a GET, a POST of the form an organizer would see on that page with every text
changed (the revert form of the history pages included), and each of the page's actions. Nothing
of B's draft may show, and nothing in the database may change."""

import html.parser
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.niic.conftest import SECRET

pytestmark = pytest.mark.django_db


SNAPSHOT_APPS = ["tracks", "speakers", "program", "auth"]


class FormFields(html.parser.HTMLParser):
    """The fields of the largest POST form of a page, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.forms, self.current, self.select, self.textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.current = []
            self.forms.append(self.current)
        if self.current is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("submit", "button", "file"):
                return
            self.current.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.current.append((self.select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self.textarea = name
            self.current.append((name, ""))

    def handle_data(self, data):
        if self.textarea and self.current:
            name, value = self.current[-1]
            self.current[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.current = None

    def fields(self):
        return max(self.forms, key=len) if self.forms else []


KEPT_AS_IS = re.compile(r"(csrfmiddlewaretoken|TOTAL_FORMS|INITIAL_FORMS|MIN_NUM|MAX_NUM|-id$|"
                        r"-session$|-track$|loaded_version|^_|password)")  # fmt: skip


def hostile(fields, *, my_track, attacker):
    """The form, changed as an attacker would: every text rewritten, the object moved into the
    attacker's track, the attacker made chair, superuser and published."""
    data = {}
    for name, value in fields:
        if KEPT_AS_IS.search(name):
            data.setdefault(name, []).append(value)
        elif name == "track":
            data[name] = [str(my_track.pk)]
        elif name == "chairs":
            data[name] = [str(attacker.pk)]
        elif name == "status":
            data[name] = ["published"]
        elif name in ("is_superuser", "is_staff", "is_active"):
            data[name] = ["on"]
        elif value and not value.isdigit() and not re.fullmatch(r"[\d:.-]+", value):
            data.setdefault(name, []).append(f"HACKED {value}")
        else:
            data.setdefault(name, []).append(value)
    data.update({"is_superuser": ["on"], "user_permissions": [
        str(pk) for pk in Permission.objects.values_list("pk", flat=True)[:5]
    ]})  # fmt: skip
    return data


def database_state():
    """Every row of the program, its history, and the accounts with their rights."""
    state = {}
    for app_label in SNAPSHOT_APPS:
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True):
            state[model._meta.label] = sorted(map(repr, model.objects.order_by("pk").values_list()))
    return state


def object_of(model, two_tracks):
    found = two_tracks["objects"].get(model)
    if found is not None:
        return found
    if model._meta.label == "tracks.Track":
        return two_tracks["track_b"]
    return model.objects.order_by("pk").last()


def admin_urls(model, model_admin, obj):
    """Every URL model_admin serves, with obj's id (and a stored version's id) filled in."""
    prefix = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    version = None
    if hasattr(obj, "history"):
        version = obj.history.order_by("history_id").values_list("history_id", flat=True).first()
    urls = []
    for pattern in model_admin.get_urls():
        route = str(pattern.pattern)
        route = route.removeprefix("^").removesuffix("$")
        if route.count("([^/]+)") == 2:
            if version is None:
                continue
            route = route.replace("([^/]+)", str(obj.pk), 1).replace("([^/]+)", str(version), 1)
        route = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", str(obj.pk), route)
        urls.append(prefix + route)
    return urls


def site_urls(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return [
        reverse("admin:view_on_site", args=[content_type.pk, obj.pk]),
        reverse("admin:index"),
        reverse("admin:app_list", args=["program"]),
    ]


def rights_state():
    """Who is superuser, who holds single permissions, who is in which group, and what each
    group may do."""
    return (
        sorted(User.objects.filter(is_superuser=True).values_list("username", flat=True)),
        sorted(User.user_permissions.through.objects.values_list("user_id", "permission_id")),
        sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        sorted(Group.permissions.through.objects.values_list("group_id", "permission_id")),
    )


def walk(client, viewer, superuser_client, two_tracks, models, check, state=database_state):
    """Request every URL of the admins of `models` as the client's user; `check(response)` each,
    and `state()` unchanged by each URL's requests."""
    tried = 0
    for model, model_admin in admin.site._registry.items():
        if model not in models:
            continue
        obj = object_of(model, two_tracks)
        for url in [*admin_urls(model, model_admin, obj), *site_urls(obj)]:
            before = state()
            check(client.get(url), url)
            page = superuser_client.get(url)
            parser = FormFields()
            parser.feed(page.content.decode(errors="replace"))
            data = hostile(parser.fields(), my_track=two_tracks["track_a"], attacker=viewer)
            check(client.post(url, data), url)
            tried += 2
            if url.endswith(f"/{model._meta.model_name}/"):
                for action in model_admin.get_actions(page.wsgi_request):
                    response = client.post(
                        url,
                        {
                            "action": action,
                            "_selected_action": [obj.pk],
                            "apply": "1",
                            "confirm": "1",
                            "keep": obj.pk,
                            "track": two_tracks["track_a"].pk,
                            "note": "HACKED",
                        },
                    )
                    check(response, f"{url} action {action}")
                    tried += 1
            assert state() == before, f"{url} changed what it may not"
    return tried


def no_secret(response, url):
    assert response.status_code < 500, url
    assert SECRET not in response.content.decode(errors="replace"), url
    assert "secret-b" not in response.get("Location", ""), url


def test_a_track_chair_reads_and_changes_nothing_of_another_track_by_any_admin_url(
    client, two_tracks, admin_client
):
    chair = two_tracks["chair"]
    client.force_login(chair)
    program_models = [
        model
        for model in admin.site._registry
        if model._meta.app_label in ("program", "tracks", "speakers")
    ]
    tried = walk(client, chair, admin_client, two_tracks, program_models, no_secret)
    assert tried >= 150  # every admin's URLs, as GET and POST, and every list's actions
    chair.refresh_from_db()
    assert list(chair.chaired_tracks.all()) == [two_tracks["track_a"]]


def test_an_organizer_grants_no_rights_beyond_the_two_groups_by_any_account_url(
    client, two_tracks, admin_client
):
    organizer = two_tracks["organizer"]
    powerful = Group.objects.create(name="Everything")
    powerful.permissions.set(Permission.objects.all())
    client.force_login(organizer)
    superuser = User.objects.get(is_superuser=True)
    two_tracks["objects"][User] = superuser
    two_tracks["objects"][Group] = powerful

    def answers(response, url):
        assert response.status_code < 500, url

    tried = walk(
        client, organizer, admin_client, two_tracks, [User, Group], answers, state=rights_state
    )
    assert tried >= 20
    # Their own account and a new one, with every right asked for, gain none beyond the groups.
    for url in (reverse("admin:auth_user_change", args=[organizer.pk]),):
        page = admin_client.get(url)
        parser = FormFields()
        parser.feed(page.content.decode())
        data = hostile(parser.fields(), my_track=two_tracks["track_a"], attacker=organizer)
        data["groups"] = [str(pk) for pk in Group.objects.values_list("pk", flat=True)]
        client.post(url, data)
    organizer.refresh_from_db()
    assert (organizer.is_superuser, organizer.user_permissions.count()) == (False, 0)
    assert "Everything" not in set(organizer.groups.values_list("name", flat=True))
