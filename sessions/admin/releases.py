"""Releases, to correct a release's name or note after the fact (a typo, a note that says too
little). What a release froze and lists as changed is never edited, and a release is made only
on "Release the program" (views.release), withdrawn only there (views.release_withdraw), and
never deleted here: the change log and the apps that flag changed sessions keep every one.
Organizers, like releasing, and translators for the note in their language; the save goes
through sessions.services.release_change."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from .. import services
from ..models import Release
from ..texts import SITE_LANGUAGES, in_every_language, localized
from .door import through_the_services
from .messages import ChangeRefused, message_list


class ReleaseForm(forms.ModelForm):
    class Meta:
        model = Release
        fields = ["name", *in_every_language("note")]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        # The edition is not on the form, so the form alone does not check that the name is
        # the only one of its edition: the service would refuse it after the form.
        try:
            self.instance.validate_constraints()
        except ValidationError as error:
            self.add_error(None, error)


@admin.register(Release)
class ReleaseAdmin(admin.ModelAdmin):
    form = ReleaseForm
    list_display = [
        "name",
        "conference",
        "number",
        "released_at",
        "released_by",
        "withdrawn_at",
        "withdrawn_by",
    ]
    list_filter = ["conference"]
    list_select_related = ["conference", "released_by", "withdrawn_by"]
    fields = [
        "conference",
        "number",
        "released_at",
        "released_by",
        "name",
        *in_every_language("note"),
    ]
    readonly_fields = ["conference", "number", "released_at", "released_by"]
    ordering = ["conference", "-number"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot", "changes")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        user = request.user
        return services.may_release(user) or bool(services.translator_languages(user))

    def has_change_permission(self, request, obj=None):
        user = request.user
        if services.may_release(user):
            return True
        return obj is not None and services.may_translate(user, obj)

    def get_readonly_fields(self, request, obj=None):
        if services.may_release(request.user):
            return self.readonly_fields
        # A translator: the note in their language only.
        allowed = services.translation_fields(request.user, Release)
        return [*self.readonly_fields, *(name for name in self.fields[4:] if name not in allowed)]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        through_the_services(
            services.release_change,
            user=request.user,
            release=obj,
            name=obj.name,
            note={code: getattr(obj, localized("note", code)) for code in SITE_LANGUAGES},
        )

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ChangeRefused as refusal:
            self.message_user(request, message_list(refusal.error, request.user), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
