from django.core.management.base import BaseCommand

from niic.roles import setup_roles


class Command(BaseCommand):
    help = "Create or update the Organizers and Track chairs groups and their permissions."

    def handle(self, *args, **options):
        organizers, chairs = setup_roles()
        self.stdout.write(
            f"{organizers.name}: {organizers.permissions.count()} permissions; "
            f"{chairs.name}: {chairs.permissions.count()} permissions."
        )
