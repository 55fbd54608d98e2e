from django.core.management.base import BaseCommand
from django.db import transaction

from niic.program_loader import load_article_facts, load_sample_schedule
from sessions.services import first_release_by_command


class Command(BaseCommand):
    help = (
        "Load the 7th National Immigrant Integration Conference (Los Angeles, December 14–16, "
        "2014) as the source article states it. Safe to run again: it changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sample-schedule",
            action="store_true",
            help="Also add a sample timetable (rooms, times, line-ups), marked as sample data.",
        )

    @transaction.atomic
    def handle(self, *args, sample_schedule=False, **options):
        conference = load_article_facts()
        self.stdout.write(f"Loaded {conference}: {conference.tracks.count()} tracks.")
        if sample_schedule:
            load_sample_schedule(conference)
            self.stdout.write(
                f"Sample schedule: {conference.sessions.count()} sessions in "
                f"{conference.rooms.count()} rooms (marked as sample data)."
            )
        # Attendees see an edition's releases: the first one, when there is a program to show
        # and nothing was released yet (running the command again releases nothing).
        if conference.sessions.public().exists() and first_release_by_command(conference):
            self.stdout.write("Released the program as v1.")
