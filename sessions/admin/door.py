"""The admins of the things sessions use (editions, tracks, topics, rooms, languages, speakers,
organizations) save and delete only through sessions.services: the change form, the inline
topics of a track, the list's editable columns, the delete page and the "delete selected"
action. A refusal is listed on the form where it can be (the rules run as the form validates),
and otherwise shown as a message, with nothing saved."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse

from .. import services, texts
from .messages import ChangeRefused, message_list


def checked_form(form_class, user):
    """`form_class`, whose validation also runs the services' rights and rules for the object as
    it would be saved, so that a refusal is listed on the form."""

    class CheckedForm(form_class):
        def _post_clean(self):
            super()._post_clean()
            if self.errors:
                return
            try:
                services.program_object_check(user=user, obj=self.instance)
            except (ValidationError, PermissionDenied) as error:
                for each in services.each_error(error):
                    self.add_error(None, each)

    CheckedForm.__name__ = form_class.__name__
    return CheckedForm


def through_the_services(change, **arguments):
    try:
        change(**arguments)
    except (ValidationError, PermissionDenied) as error:
        raise ChangeRefused(error) from error


def partly_changeable_fields(model_admin, request, obj):
    """The fields a user who may change only part of `obj` may change (a translator the texts
    of their language, a track chair a speaker of their panels), or None when they may change
    all of it or none."""
    if obj is None or obj.pk is None:
        return None
    user = request.user
    meta = obj._meta
    if user.has_perm(f"{meta.app_label}.change_{meta.model_name}"):
        return None
    if not services.may_change_in_part(user, obj):
        return None
    return services.changeable_fields(user, obj)


def fields_outside(model, allowed):
    """The fields of `model` a form may show, less `allowed`: what is read-only for a user who
    may change only `allowed`."""
    mirrors = set(texts.translated_fields(model))
    meta = model._meta
    names = [
        field.name
        for field in [*meta.fields, *meta.many_to_many]
        if field.editable and not field.auto_created and field.name not in mirrors
    ]
    return [name for name in names if name not in allowed]


class ThroughTheServices:
    """A ModelAdmin mixin: every write of the admin goes through the services. A user who may
    change only part of an object (services.may_change_in_part) gets a form where the rest is
    read-only; the services refuse the rest anyway."""

    def has_change_permission(self, request, obj=None):
        if super().has_change_permission(request, obj):
            return True
        return obj is not None and services.may_change_in_part(request.user, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        allowed = partly_changeable_fields(self, request, obj)
        if allowed is None:
            return readonly
        return [
            *readonly,
            *(name for name in fields_outside(self.model, allowed) if name not in readonly),
        ]

    def get_prepopulated_fields(self, request, obj=None):
        if partly_changeable_fields(self, request, obj) is not None:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        return checked_form(super().get_form(request, obj, change=change, **kwargs), request.user)

    def save_model(self, request, obj, form, change):
        through_the_services(services.program_object_save, user=request.user, obj=obj)

    def save_formset(self, request, form, formset, change):
        instances = formset.save(commit=False)
        if formset.deleted_objects:
            through_the_services(
                services.program_objects_delete,
                user=request.user,
                objects=formset.deleted_objects,
            )
        for obj in instances:
            through_the_services(services.program_object_save, user=request.user, obj=obj)
        formset.save_m2m()

    def delete_model(self, request, obj):
        through_the_services(services.program_object_delete, user=request.user, obj=obj)

    def delete_queryset(self, request, queryset):
        through_the_services(
            services.program_objects_delete, user=request.user, objects=list(queryset)
        )

    def refused(self, request, refusal, redirect_to):
        self.message_user(request, message_list(refusal.error, request.user), messages.ERROR)
        return HttpResponseRedirect(redirect_to)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ChangeRefused as refusal:
            return self.refused(request, refusal, request.get_full_path())

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except ChangeRefused as refusal:
            return self.refused(request, refusal, request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ChangeRefused as refusal:
            opts = self.model._meta
            change_url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_change",
                args=[object_id],
                current_app=self.admin_site.name,
            )
            return self.refused(request, refusal, change_url)
