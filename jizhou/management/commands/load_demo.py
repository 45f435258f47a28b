from django.core.management.base import BaseCommand

from jizhou.demo import CATALOGUE_FILE, demo_load


class Command(BaseCommand):
    help = "Load the demo district (providers, towns, venues, ~170 courses, people). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(CATALOGUE_FILE), help="catalogue JSON to load")

    def handle(self, *args, **options):
        report = demo_load(options["file"])
        created = ", ".join(f"{kind} {count}" for kind, count in report.created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo district loaded (newly created: {created})."))
        for skipped in report.skipped:
            self.stdout.write(self.style.WARNING(f"Skipped {skipped}."))
        self.stdout.write("Demo logins (phone / password):")
        for role, phone, password in report.logins:
            self.stdout.write(f"  {role}: {phone} / {password}")
        self.stdout.write("Admin: /admin/    Site: /")
