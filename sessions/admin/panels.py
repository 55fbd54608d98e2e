"""Panel seats: inline on a session, and one at a time; each seat's answer to its invitation,
which only the speaker gives (on their page), shown here and never edited."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields

from .. import services
from ..models import PanelMembership, StaleSessionError
from .forms import PanelFormSet
from .history import GuardedHistoryAdmin
from .messages import ChangeRefused, message_list

Answer = PanelMembership.Answer

# The answers in the order a summary lists them: from done to what needs work.
ANSWERS_SHOWN = [Answer.CONFIRMED, Answer.INVITED, Answer.NOT_INVITED, Answer.DECLINED]


def answer_counts():
    """{"answers_<answer>": Count} for a session queryset's annotate(): its panel's seats in each
    answer, counted in the statement that lists the sessions."""
    return {
        f"answers_{answer}": Count("panel", filter=Q(panel__answer=answer), distinct=True)
        for answer in Answer
    }


def answers_text(counts):
    """“2 confirmed · 1 invited · 1 declined” from {answer: number}; "—" for an empty panel.
    Words, not colours: the states read the same to everyone."""
    parts = []
    for answer in ANSWERS_SHOWN:
        count = counts.get(answer, 0)
        if not count:
            continue
        if answer == Answer.DECLINED:
            text = ngettext("%(count)s declined", "%(count)s declined", count)
        elif answer == Answer.INVITED:
            text = ngettext("%(count)s invited", "%(count)s invited", count)
        elif answer == Answer.NOT_INVITED:
            text = ngettext("%(count)s not invited", "%(count)s not invited", count)
        else:
            text = ngettext("%(count)s confirmed", "%(count)s confirmed", count)
        parts.append(text % {"count": count})
    return " · ".join(parts) or "—"


def annotated_answers(session):
    """{answer: number} of a session annotated with answer_counts()."""
    return {answer: getattr(session, f"answers_{answer}", 0) for answer in Answer}


def seat_answer(seat):
    """A seat's answer in words, with the speaker's note and when they answered."""
    if seat is None or seat.pk is None:
        return "—"
    text = seat.get_answer_display()
    if seat.answered_at:
        when = date_format(timezone.localtime(seat.answered_at), "DATETIME_FORMAT")
        text = gettext("%(answer)s (%(when)s)") % {"answer": text, "when": when}
    elif seat.answer == Answer.INVITED and seat.invited_at:
        when = date_format(timezone.localtime(seat.invited_at), "DATETIME_FORMAT")
        text = gettext("%(answer)s on %(when)s, no answer yet") % {"answer": text, "when": when}
    if seat.answer_note:
        text = gettext("%(answer)s: “%(note)s”") % {"answer": text, "note": seat.answer_note}
    return text


class PanelMembershipInline(admin.TabularInline):
    """The panel, in its order: with JavaScript its rows are reordered by dragging them or with
    their arrow buttons (session_form.js numbers them); without, the order is typed."""

    model = PanelMembership
    formset = PanelFormSet
    autocomplete_fields = ["speaker"]
    fields = ["speaker", "role", "order", "speaker_answer"]
    readonly_fields = ["speaker_answer"]
    verbose_name_plural = _("Who: the panel")

    def get_extra(self, request, obj=None, **kwargs):
        # A new session usually has a panel of three or four: rows for them, ready.
        return 4 if obj is None else 1

    def get_queryset(self, request):
        return super().get_queryset(request).in_panel_order()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.acting_user = request.user
        return formset

    @admin.display(description=_("speaker's answer"))
    def speaker_answer(self, seat):
        # Times on the clock the change form runs on (the edition's, set by changeform_view).
        return seat_answer(seat)


OTHER_LANGUAGES = [
    (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]


@admin.register(PanelMembership)
class PanelMembershipAdmin(GuardedHistoryAdmin):
    """Single panel seats; each change is a change of its session's panel (services)."""

    list_display = ["speaker", "role", "session", "order", "answer"]
    list_filter = ["answer"]
    list_select_related = ["speaker", "session"]
    autocomplete_fields = ["speaker"]
    # The answer is the speaker's to give, on their page.
    readonly_fields = ["answer", "answer_note", "invited_at", "answered_at"]
    search_fields = [
        "speaker__name",
        *(f"session__{name}" for name in get_translation_fields("title")),
    ]

    def get_queryset(self, request):
        seats = super().get_queryset(request)
        if services.is_organizer(request.user):
            return seats
        return seats.filter(session__track__chairs=request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "session":
            kwargs["queryset"] = services.editable_sessions(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return services.may_edit(request.user, obj.session)

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is None or not allowed:
            return allowed
        return services.may_edit(request.user, obj.session)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ChangeRefused as refusal:
            self.message_user(request, message_list(refusal.error, request.user), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        try:
            saved = services.panel_seat_save(user=request.user, seat=obj)
        except (ValidationError, PermissionDenied, StaleSessionError) as error:
            raise ChangeRefused(error) from error
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.panel_seat_delete(user=request.user, seat=obj)

    def delete_queryset(self, request, queryset):
        for seat in queryset:
            services.panel_seat_delete(user=request.user, seat=seat)

    # A stored version of a seat is there to read: a panel is restored with its session's
    # version, which holds the whole panel.


# Tracks and speakers, with what depends on the program: history restored through the
# services, a speaker's sessions (only those this user may see), and merging duplicates.
