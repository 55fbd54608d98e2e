"""Accounts, as organizers manage them.

Organizers create accounts, deactivate them and put people in the role groups: Organizers, Track
chairs and the Translators of a language (a track is handed to a chair on that track's page).
They never grant superuser status, staff status other than what the role groups give, or single
permissions, and they cannot open a superuser's
account at all: changing a superuser's password would be a way in. Superusers keep Django's
full user admin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from .accounts import (
    StaffLoginForm,
    admin_language_on_login,
    role_groups,
    staff_status_follows_role_groups,
)
from .middleware import ADMIN_LANGUAGE_KEY
from .models import StaffPreferences

admin.site.unregister(User)

# Every process loads the admin (shells and commands too), so that these hold whoever writes.
m2m_changed.connect(
    staff_status_follows_role_groups,
    sender=User.groups.through,
    dispatch_uid="niic-staff-status-follows-role-groups",
)
user_logged_in.connect(admin_language_on_login, dispatch_uid="niic-admin-language-on-login")
admin.site.login_form = StaffLoginForm

# The task worker's own records (django-tasks-db) are an operator's business, read in the
# worker's log; organizers see what was sent to whom in Messages to speakers.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(User)
class AccountAdmin(UserAdmin):
    organizer_fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
        (
            _("Access"),
            {
                "fields": ["is_active", "groups"],
                "description": _(
                    "A person in one of the groups may log in to this admin; the group says "
                    "what they may do. Untick Active to close an account."
                ),
            },
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "groups"]

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_fieldsets(request, obj)
        return self.organizer_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser or obj is None:
            return super().get_readonly_fields(request, obj)
        return ["last_login", "date_joined"]

    def get_queryset(self, request):
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(is_superuser=False)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = role_groups()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if request.user.is_superuser:
            return
        # Staff status follows the groups: in one of them, a person may log in to the admin.
        account = form.instance
        is_staff = account.groups.filter(pk__in=role_groups()).exists()
        if account.is_staff != is_staff:
            account.is_staff = is_staff
            account.save(update_fields=["is_staff"])

    def get_urls(self):
        return [
            path(
                "language/",
                self.admin_site.admin_view(self.admin_language_view),
                name="admin_language",
            ),
            *super().get_urls(),
        ]

    def admin_language_view(self, request):
        """The header's language switch (templates/admin/base_site.html): the admin's language
        for this user, remembered in the database for their next logins and in their session
        for the next page. Any staff member may choose their own, whatever their rights."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        language = request.POST.get("language", "")
        if language in dict(settings.LANGUAGES):
            StaffPreferences.objects.update_or_create(
                user=request.user, defaults={"language": language}
            )
            request.session[ADMIN_LANGUAGE_KEY] = language
            translation.activate(language)
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("admin:index")
        return HttpResponseRedirect(back)
