"""Staff accounts: which address a request comes from, the lockout page, and a password reset
that can be neither used to flood an inbox nor left standing in the way of a locked-out organizer.

django-axes does the counting and the lockout (settings AXES_*); this module gives it the client
address and the page to show, and wraps Django's password reset views.
"""

import hashlib
import ipaddress
import logging
import math

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import faults
from .middleware import remember_admin_language
from .roles import PROGRAM_GROUPS

logger = logging.getLogger(__name__)

LOCKOUT_TEMPLATE = "registration/lockout.html"


def client_ip(request):
    """The address failed logins and reset requests are counted against.

    REMOTE_ADDR, unless settings name a header that the reverse proxy sets: then the address the
    proxy nearest the visitor saw, counted from the right, since a visitor can put anything at the
    left of X-Forwarded-For but cannot remove what the proxies append. An IPv6 address stands for
    its /64, which one subscriber usually holds whole and can hop around in at will."""
    address = None
    if settings.NIIC_CLIENT_IP_HEADER:
        meta_name = "HTTP_" + settings.NIIC_CLIENT_IP_HEADER.upper().replace("-", "_")
        hops = [hop.strip() for hop in request.META.get(meta_name, "").split(",")]
        if len(hops) >= settings.NIIC_CLIENT_IP_PROXY_COUNT > 0:
            address = _parse_address(hops[-settings.NIIC_CLIENT_IP_PROXY_COUNT])
    # A request that did not come through the proxy (or a proxy that sent nothing usable) is
    # counted against the one address nobody can forge.
    if address is None:
        address = _parse_address(request.META.get("REMOTE_ADDR", ""))
    if address is None:
        return None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False).network_address)
    return str(address)


def _parse_address(text):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def admin_chrome(request):
    """The admin's header and title for pages seen before logging in (no app sidebar: there is
    nothing in it for a visitor who is not logged in)."""
    return {**admin.site.each_context(request), "is_nav_sidebar_enabled": False}


def lockout_page(request, reason, wait, username=""):
    """The page a locked-out visitor sees, in the admin's look and the visitor's language."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    context = {
        **admin_chrome(request),
        "title": gettext("Too many attempts"),
        "reason": reason,
        "username": username,
        "minutes": minutes,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    response = TemplateResponse(request, LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(math.ceil(wait.total_seconds()))
    return response


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: what a login attempt gets while its username and address are
    locked out, the right password included."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    # Returned from a middleware, past the point where Django renders a view's TemplateResponse.
    return lockout_page(request, "login", settings.AXES_COOLOFF_TIME, username=username).render()


# Where requests are counted while the shared cache does not answer (niic.faults): in this
# worker only, so that the limits still hold, if each worker's apart, instead of lapsing.
_counts_in_this_worker = LocMemCache("niic-password-reset", {"OPTIONS": {"MAX_ENTRIES": 10_000}})


def counted(key):
    """Adds one to a counter that starts at the first request and lasts the reset window."""
    count = _count_in(cache, key)
    if not faults.shared_cache.allows():  # it failed, now or a moment ago: that count is none
        count = _count_in(_counts_in_this_worker, key)
    return count


def _count_in(store, key):
    window = int(settings.NIIC_PASSWORD_RESET_WINDOW.total_seconds())
    store.add(key, 0, timeout=window)
    try:
        return store.incr(key)
    except ValueError:  # expired between add and incr
        store.add(key, 1, timeout=window)
        return 1


class AdminPageMixin:
    """The reset pages are admin pages: same header, title and look as the login page."""

    def get_context_data(self, **kwargs):
        return {**admin_chrome(self.request), **super().get_context_data(**kwargs)}


class PasswordResetView(AdminPageMixin, auth_views.PasswordResetView):
    """Django's reset form, limited per client address (then the lockout page) and per e-mail
    address (then the usual answer but no e-mail, so an inbox cannot be flooded and the answer
    never says whether the address belongs to anyone)."""

    def post(self, request, *args, **kwargs):
        requests = counted(f"niic:password-reset:client:{client_ip(request)}")
        if requests > settings.NIIC_PASSWORD_RESET_REQUESTS_PER_CLIENT:
            return lockout_page(request, "password-reset", settings.NIIC_PASSWORD_RESET_WINDOW)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        address = form.cleaned_data["email"].strip().casefold()
        digest = hashlib.sha256(address.encode()).hexdigest()
        if counted(f"niic:password-reset:address:{digest}") > (
            settings.NIIC_PASSWORD_RESET_EMAILS_PER_ADDRESS
        ):
            logger.warning("Password reset e-mail withheld: too many for one address this hour.")
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(AdminPageMixin, auth_views.PasswordResetDoneView):
    pass


class PasswordResetConfirmView(AdminPageMixin, auth_views.PasswordResetConfirmView):
    """Setting a new password from the e-mailed link proves the inbox is the account holder's:
    it also lifts a login lockout on that account, so the organizer can log in straight away."""

    def form_valid(self, form):
        response = super().form_valid(form)
        reset_login_failures(username=form.user.get_username())
        return response


class PasswordResetCompleteView(AdminPageMixin, auth_views.PasswordResetCompleteView):
    pass


# Who may log in to the admin


TRANSLATOR_GROUP_PREFIX = "Translators"


def is_role_group(name):
    """Whether a group is one of the program's roles: its members work in the admin."""
    return name in PROGRAM_GROUPS or name.startswith(TRANSLATOR_GROUP_PREFIX)


def role_groups():
    return Group.objects.filter(
        Q(name__in=PROGRAM_GROUPS) | Q(name__startswith=TRANSLATOR_GROUP_PREFIX)
    )


def staff_status_follows_role_groups(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed of User.groups: a person put in a role group becomes staff (or they could
    not log in to the admin where their role is), whoever does it and however (the account
    form, a shell, user.groups.add, group.user_set.add); one taken out of their last role group
    stops being staff. A superuser's status, and that of a staff member given no role (a
    superuser's choice), are left alone."""
    if action not in ("post_add", "post_remove"):
        return
    if reverse:  # group.user_set changed: the users are in pk_set
        if not is_role_group(instance.name):
            return
        users = User.objects.filter(pk__in=pk_set)
    else:
        if not role_groups().filter(pk__in=pk_set).exists():
            return
        users = User.objects.filter(pk=instance.pk)
    users = users.filter(is_superuser=False)
    in_a_role = users.filter(groups__in=role_groups()).values("pk")
    if action == "post_add":
        users.filter(pk__in=in_a_role, is_staff=False).update(is_staff=True)
    else:
        users.exclude(pk__in=in_a_role).filter(is_staff=True).update(is_staff=False)
    if not reverse:
        # The instance the caller holds says what is stored, so that a later save() of it
        # does not write the old status back.
        instance.is_staff = User.objects.values_list("is_staff", flat=True).get(pk=instance.pk)


class StaffLoginForm(AdminAuthenticationForm):
    """The admin's login form, saying why an account whose password is right is refused,
    instead of blaming the password: it is not a staff account (nobody put it in a role
    group). django-axes still counts only wrong passwords."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "not_staff": _(
            "This account is not a staff account, so it cannot use this admin: ask an "
            "organizer to put it in the Organizers, Track chairs or a Translators group."
        ),
    }

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # a closed account
        if not user.is_staff:
            raise ValidationError(self.error_messages["not_staff"], code="not_staff")


def admin_language_on_login(sender, request, user, **kwargs):
    """user_logged_in: a staff member's chosen admin language, into their new session (others,
    speakers signing in to their page, have no admin to show)."""
    if user.is_staff and request is not None and hasattr(request, "session"):
        remember_admin_language(request, user)
