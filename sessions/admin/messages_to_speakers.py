"""The e-mail to speakers, queued and sent (speakers.mail), for organizers to read: what went to
whom, in which language, when, and what is still waiting or failed. Nothing here writes, adds or
deletes a message: they are queued by the services, sent by the task worker, and kept as the
record of what each speaker was told.

A message's text is shown as it is stored: where its sign-in link goes it says {sign_in_link},
since the link, a secret, is put in only as the message is sent and never stored.

Organizers only: a message carries a speaker's private address, and the Track chairs group has no
right to these (niic.roles); get_queryset shows anyone else none, whatever their rights."""

from django.contrib import admin

from speakers.models import Message

from .. import services


@admin.register(Message)
class MessageToSpeakerAdmin(admin.ModelAdmin):
    list_display = ["created_at", "speaker", "kind", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind", "language"]
    list_select_related = ["speaker"]
    search_fields = ["speaker__name", "to", "subject"]
    date_hierarchy = "created_at"
    fields = [
        "speaker",
        "to",
        "language",
        "kind",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        messages = super().get_queryset(request).select_related("speaker")
        if services.is_organizer(request.user):
            return messages
        return messages.none()

    def has_view_permission(self, request, obj=None):
        return services.is_organizer(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The record of what each speaker was told: kept, as a speaker's history is.
        return False
