"""Who may change what: organizers act on every track, a track chair only on the sessions of the
tracks they chair."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.text import get_text_list
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from speakers.models import Organization, Speaker
from tracks.models import Topic, Track

from .. import texts
from ..models import Release, Room, Session

NOT_YOUR_TRACK = _("You may change only the sessions of the tracks you chair.")
NO_TRACK_FOR_CHAIRS = _(
    "Choose one of the tracks you chair: only organizers handle sessions common to all tracks."
)
NOT_ALLOWED = _("You are not allowed to make this change.")


def is_organizer(user):
    """Organizers (and superusers) act on every track; anyone else at most on the tracks they
    chair."""
    return user.is_active and user.has_perm("tracks.change_track")


def chaired_track_ids(user):
    if not hasattr(user, "_chaired_track_ids"):
        user._chaired_track_ids = set(user.chaired_tracks.values_list("pk", flat=True))
    return user._chaired_track_ids


def editable_sessions(user):
    """The sessions this user may open and change in the admin."""
    sessions = Session.objects.all()
    if is_organizer(user):
        return sessions
    return sessions.filter(track__chairs=user)


def may_edit(user, session):
    """May `user` change `session` (as it is stored now, or, for a new one, as it is)?"""
    if not (user.is_active and user.is_staff):
        return False
    permission = "program.change_session" if session.pk else "program.add_session"
    if not user.has_perm(permission):
        return False
    return is_organizer(user) or session.track_id in chaired_track_ids(user)


def may_see(user, session):
    """Public sessions are anyone's to see; a draft only its editors'."""
    return session.is_public or may_edit(user, session)


def visible_sessions(user):
    """The sessions this user may open in the admin: organizers every one; a track chair those
    of the tracks they chair; a translator also every public (published or cancelled) session of
    any track. A draft is seen only by those who may edit it, so nothing unpublished is seen
    across tracks, by chairs or by translators."""
    condition = visible_condition(user)
    sessions = Session.objects.all()
    return sessions if condition is None else sessions.filter(condition)


def visible_condition(user):
    """visible_sessions() as a filter on sessions (None: every session)."""
    if is_organizer(user):
        return None
    if not translator_languages(user):
        return Q(track__chairs=user)
    return Q(track__in=Track.objects.filter(chairs=user)) | Q(status__in=Session.PUBLIC_STATUSES)


def require_rights(user, session, original, related=None):
    """The user may change the session as stored and may give it the track it will have; a
    translator who may not otherwise, only its texts in their language (and none of its panel,
    topics or languages)."""
    if original is not None and not may_edit(user, original) and may_translate(user, original):
        require_part_change(user, session, original)
        parts = ("topics", "languages", "interpretation", "panel")
        if related is not None and any(getattr(related, part) is not None for part in parts):
            raise PermissionDenied(only_translations_message(user, [_("panel"), _("topics")]))
        return
    if original is not None and not may_edit(user, original):
        raise PermissionDenied(NOT_YOUR_TRACK)
    if not may_edit(user, session):
        if session.track_id is None and not is_organizer(user):
            raise PermissionDenied(NO_TRACK_FOR_CHAIRS)
        raise PermissionDenied(
            NOT_YOUR_TRACK if user.has_perm("program.change_session") else NOT_ALLOWED
        )


# Locks


def tracks_for(user):
    tracks = Track.objects.select_related("conference")
    return tracks if is_organizer(user) else tracks.filter(chairs=user)


def may_release(user):
    """Releasing speaks for the whole edition to attendees and apps: organizers only."""
    return is_organizer(user) and user.has_perm("program.add_release")


def may_act_as_speaker(user, speaker):
    """A speaker acts on their own profile and seats only, signed in with their own account;
    organizers may act for any speaker."""
    if not user.is_active:
        return False
    own = speaker.user_id is not None and speaker.user_id == user.pk
    return own or is_organizer(user)


# Translators: one group per site language ("Translators (es)"). A translator changes the texts
# of their languages, and nothing else, of the things below; Django's permissions give them only
# the right to view, and these functions the right to translate.

TRANSLATORS_GROUP = "Translators (%(code)s)"
TRANSLATED_MODELS = (Session, Speaker, Organization, Track, Topic, Room, Release)

ONLY_TRANSLATIONS = _(
    "As a translator into %(languages)s you may change only the texts in %(languages)s. "
    "Not changed: %(fields)s."
)
NOTHING_TO_ADD = _("As a translator you may change texts, not add anything.")


def translator_group_name(code):
    return TRANSLATORS_GROUP % {"code": code}


def translator_languages(user):
    """The codes of the site languages this user translates into (their "Translators (xx)"
    groups)."""
    if not (user.is_active and user.is_staff):
        return set()
    if not hasattr(user, "_translator_languages"):
        groups = {translator_group_name(code): code for code, _name in settings.LANGUAGES}
        names = user.groups.filter(name__in=groups).values_list("name", flat=True)
        user._translator_languages = {groups[name] for name in names}
    return user._translator_languages


def translation_fields(user, model):
    """The columns of `model` this user may change as a translator: title_es, bio_es…"""
    if model not in TRANSLATED_MODELS:
        return set()
    return {
        texts.localized(field, code)
        for field in texts.translated_fields(model)
        for code in translator_languages(user)
    }


def may_translate(user, obj):
    """May `user` change, as a translator, texts of `obj` as stored? A session only when it is
    public: a draft's texts are for those who may edit it."""
    if not translation_fields(user, type(obj)) or obj.pk is None:
        return False
    return not isinstance(obj, Session) or obj.is_public


def changed_fields(obj, original):
    """The model fields (columns, by field name) in which `obj` differs from `original`. The
    translated fields' own names (title) only mirror a column of the active language, so they
    are left out; their columns (title_en, title_es) are compared."""
    mirrors = set(texts.translated_fields(type(obj)))
    return [
        field
        for field in obj._meta.concrete_fields
        if field.name not in mirrors
        and field.attname != "version"
        and getattr(obj, field.attname) != getattr(original, field.attname)
    ]


def language_name(code):
    """The language's name in the active language ("Spanish", "español"), from Django's own
    catalogue."""
    return gettext(get_language_info(code)["name"])


def language_names(codes):
    return get_text_list([language_name(code) for code in sorted(codes)], _("and"))


def only_translations_message(user, fields):
    return ONLY_TRANSLATIONS % {
        "languages": language_names(translator_languages(user)),
        "fields": get_text_list([str(each) for each in fields], _("and")),
    }


def require_fields_only(obj, original, allowed, message):
    """Refuse (PermissionDenied, `message(fields)`) any change of `obj` outside `allowed` (field
    names)."""
    others = [field for field in changed_fields(obj, original) if field.name not in allowed]
    if others:
        raise PermissionDenied(message([field.verbose_name for field in others]))


# Track chairs correct the speakers of their tracks' panels.

SPEAKER_FIELDS_FOR_CHAIRS = ["name", "pronouns", "organization", "photo", "website"]
ONLY_SPEAKERS_OF_YOUR_TRACKS = _(
    "You may correct only the speakers who sit on a panel of a track you chair."
)
ONLY_SPEAKER_FIELDS = _(
    "As a track chair you may correct a speaker's name, job title, biography, organization, "
    "photo and website. Not changed: %(fields)s."
)


def chair_speaker_fields():
    return {
        *SPEAKER_FIELDS_FOR_CHAIRS,
        *texts.in_every_language("job_title"),
        *texts.in_every_language("bio"),
    }


def may_correct_speaker(user, speaker):
    """A track chair corrects a speaker who sits on a panel (of any session, draft or not) of a
    track they chair; not one who sits only on other tracks' panels."""
    if speaker.pk is None or not (user.is_active and user.is_staff):
        return False
    if not user.has_perm("program.change_session"):
        return False
    return speaker.panel_memberships.filter(session__track__chairs=user).exists()


def may_change_in_part(user, obj):
    """Whether `user`, without the right to change `obj` as a whole, may change part of it: a
    translator its texts, a track chair a speaker of their panels."""
    return may_translate(user, obj) or (isinstance(obj, Speaker) and may_correct_speaker(user, obj))


def changeable_fields(user, obj):
    """The fields `user` may change in `obj` when may_change_in_part() (None: all of them)."""
    meta = obj._meta
    if user.has_perm(f"{meta.app_label}.change_{meta.model_name}"):
        return None
    allowed = set(translation_fields(user, type(obj))) if may_translate(user, obj) else set()
    if isinstance(obj, Speaker) and may_correct_speaker(user, obj):
        allowed |= chair_speaker_fields()
    return allowed


def require_part_change(user, obj, original):
    """Refuse a change of `obj` by a user who may change only part of it (may_change_in_part),
    outside that part, naming what they may not change."""
    if original is None:
        raise PermissionDenied(NOTHING_TO_ADD)
    if not may_change_in_part(user, original):
        raise PermissionDenied(
            ONLY_SPEAKERS_OF_YOUR_TRACKS if isinstance(obj, Speaker) else NOT_ALLOWED
        )
    translator = may_translate(user, original)

    def message(fields):
        if translator:
            return only_translations_message(user, fields)
        names = get_text_list([str(each) for each in fields], _("and"))
        return ONLY_SPEAKER_FIELDS % {"fields": names}

    require_fields_only(obj, original, changeable_fields(user, original), message)
