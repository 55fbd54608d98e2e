"""manage.py create_account: an organizer, a chair of given tracks or a translator, ready to log
in once they have a password."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from niic import roles
from tracks.models import Conference

ROLES = ["organizer", "chair", "translator"]


class Command(BaseCommand):
    help = (
        "Create a staff account with a role, or update the account with that e-mail address: "
        "an organizer; the chair of some tracks (--tracks); a translator of one language "
        "(--language). Prints how the person sets their password."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The person's e-mail address, also their username.")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument(
            "--tracks",
            default="",
            help="For a chair: the slugs of their tracks, separated by commas.",
        )
        parser.add_argument(
            "--edition",
            default="",
            help="The edition of those tracks (its slug); by default the current one.",
        )
        parser.add_argument(
            "--language",
            default="",
            help="For a translator: the language they translate into (a code, e.g. es).",
        )

    def handle(self, *args, email, role, tracks, edition, language, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not an e-mail address.") from error
        chaired = self.tracks_named(tracks, edition) if role == "chair" else []
        if role != "chair" and tracks:
            raise CommandError("--tracks is for the chair role only.")
        if role == "translator":
            self.check_translator_language(language)
        elif language:
            raise CommandError("--language is for the translator role only.")

        with transaction.atomic():
            # The groups exist, with their permissions as roles.py says.
            roles.setup_roles()
            if role == "translator":
                group = roles.translator_group(language)
                if isinstance(group, str):
                    group = Group.objects.get(name=group)
            else:
                group = Group.objects.get(
                    name=roles.ORGANIZERS if role == "organizer" else roles.TRACK_CHAIRS
                )
            user = (
                User.objects.filter(username__iexact=email).first()
                or User.objects.filter(email__iexact=email).order_by("pk").first()
            )
            created = user is None
            if created:
                user = User.objects.create_user(username=email, email=email)
            # The group makes the account staff (niic.accounts.staff_status_follows_role_groups).
            user.groups.add(group)
            user.is_active = True
            user.is_staff = True
            user.save(update_fields=["is_active", "is_staff"])
            for track in chaired:
                track.chairs.add(user)

        self.stdout.write(
            f"{'Created' if created else 'Updated'} {user.get_username()}: {group.name}."
        )
        if chaired:
            self.stdout.write(
                "Chairs: " + ", ".join(f"{track.name} ({track.slug})" for track in chaired) + "."
            )
        if not user.has_usable_password():
            self.stdout.write(
                "No password yet. Either set one now: manage.py changepassword "
                f"{user.get_username()}\n"
                "or the person chooses one: on the admin's login page, “Forgotten your password "
                "or username?” e-mails them a link."
            )

    def tracks_named(self, slugs, edition_slug):
        slugs = [slug.strip() for slug in slugs.split(",") if slug.strip()]
        if not slugs:
            raise CommandError("A chair needs --tracks: the slugs of their tracks.")
        edition = (
            Conference.objects.filter(slug=edition_slug).first()
            if edition_slug
            else Conference.objects.current()
        )
        if edition is None:
            editions = ", ".join(Conference.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(
                f"No edition {edition_slug!r}. Editions: {editions}."
                if edition_slug
                else "No current edition: name one with --edition."
            )
        found = {track.slug: track for track in edition.tracks.filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            valid = ", ".join(edition.tracks.order_by("order").values_list("slug", flat=True))
            raise CommandError(
                f"No track {', '.join(unknown)} in {edition.slug}. Its tracks: {valid}."
            )
        return [found[slug] for slug in slugs]

    def check_translator_language(self, language):
        codes = [code for code, _name in settings.LANGUAGES]
        if language not in codes:
            raise CommandError(
                f"A translator needs --language, one of: {', '.join(codes)}"
                + (f" (not {language!r})." if language else ".")
            )
        if not hasattr(roles, "translator_group"):
            raise CommandError("This site has no translator role yet.")
