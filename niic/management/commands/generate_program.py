import time

from django.core.management.base import BaseCommand, CommandError

from niic.generated_program import ProgramDoesNotFit, generate_program


class Command(BaseCommand):
    help = (
        "Create a deterministic synthetic edition (all sample data) for tests and benchmarks. "
        "Running it again with the same options replaces that edition."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, required=True)
        parser.add_argument("--speakers", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--rooms",
            type=int,
            default=12,
            help="Rooms to hold the sessions: a larger program gets more, shorter slots a day.",
        )
        parser.add_argument("--days", type=int, default=3)

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            program = generate_program(
                sessions=options["sessions"],
                speakers=options["speakers"],
                seed=options["seed"],
                rooms=options["rooms"],
                days=options["days"],
            )
        except ProgramDoesNotFit as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Generated “{program.conference}” ({program.conference.slug}): "
            f"{program.sessions} sessions in {program.rooms} rooms, {program.speakers} speakers, "
            f"{program.panel_seats} panel seats, in {elapsed:.1f} s."
        )
