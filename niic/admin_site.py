"""The admin site of the program: Django's, with its "view on site" redirect confined, a request
it cannot read answered 400, and a home that says what needs attention (sessions.admin.attention)
above the program's tools (the schedule board, the conflicts, the release page).

Django's redirect (/admin/r/<content type>/<id>/) looks any object up and sends the browser to
its public address, whatever the user may see: with a session's slug in the address, a track
chair could learn the titles of other tracks' drafts. Here the object is looked up through its
ModelAdmin (get_object, which applies get_queryset) and followed only where that admin's
view_on_site would lead."""

import functools
import logging

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.db import DataError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# What a view raises when a parameter of the request cannot be read: an unknown field in
# ?_to_field=, a value the database cannot hold (a NUL byte on PostgreSQL), a malformed number.
MALFORMED_REQUEST = (
    DataError,
    FieldDoesNotExist,
    FieldError,
    IncorrectLookupParameters,
    OverflowError,
    ValidationError,
    ValueError,
)


class ProgramAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        return super().admin_view(self.refusing_malformed_requests(view), cacheable)

    def refusing_malformed_requests(self, view):
        """The view, answering 400 with a message when the request's parameters are what it
        cannot read, instead of a server error. The page is rendered here, so that what it
        reads while rendering is covered too."""

        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            try:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                return response
            except MALFORMED_REQUEST:
                logger.warning("Malformed admin request: %s", request.get_full_path()[:500])
                return TemplateResponse(
                    request,
                    "admin/bad_request.html",
                    {**self.each_context(request), "title": _("This request cannot be read")},
                    status=400,
                ).render()

        return guarded

    def index(self, request, extra_context=None):
        """The index: what needs attention for this user (sessions.admin.attention: conflicts,
        drafts, speakers' answers, changes waiting for a release, texts to translate, each a
        count linked to its list), the tools a ModelAdmin offers beside its models (its
        index_tools: [{"name", "url", "description"}] for this user), then the models."""
        # Imported here: sessions.admin registers its ModelAdmins on this site when imported.
        from sessions.admin.attention import needs_attention
        from sessions.admin.views import release_url
        from sessions.services import may_release

        tools = []
        for model_admin in self._registry.values():
            index_tools = getattr(model_admin, "index_tools", None)
            if index_tools is not None:
                tools.extend(index_tools(request))
        attention = needs_attention(request, self)
        if may_release(request.user) and attention.edition is not None:
            tools.append(
                {
                    "name": _("Release the program"),
                    "url": release_url(attention.edition),
                    "description": _(
                        "What changed since the release attendees see, and the button that "
                        "releases it."
                    ),
                }
            )
        context = {"program_tools": tools, "attention": attention}
        return super().index(request, {**context, **(extra_context or {})})

    def get_urls(self):
        urls = [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]
        return [
            path(
                "r/<int:content_type_id>/<path:object_id>/",
                self.admin_view(self.view_on_site),
                name="view_on_site",
            ),
            *urls,
        ]

    def view_on_site(self, request, content_type_id, object_id):
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        model_admin = self._registry.get(model)
        if model_admin is None:
            raise Http404
        obj = model_admin.get_object(request, object_id)
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        url = model_admin.get_view_on_site_url(obj)
        if url == request.path:
            # The admin's default, which points here: the object's own public address.
            url = obj.get_absolute_url()
        if not url:
            raise Http404
        return HttpResponseRedirect(url)
