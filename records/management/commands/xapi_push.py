"""Send the xAPI statements the LRS has not taken yet (after an outage, or where no Celery worker runs)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from records.lrs import LrsUnavailable, xapi_push


class Command(BaseCommand):
    help = "Send pending xAPI statements to the learning record store set by XAPI_LRS_URL."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=50)

    def handle(self, *args, batch_size: int, **options):
        if not settings.XAPI_LRS_URL:
            raise CommandError("XAPI_LRS_URL is not set: there is no learning record store to send to.")
        try:
            result = xapi_push(batch_size=max(1, batch_size))
        except LrsUnavailable as error:
            raise CommandError(f"The learning record store is unavailable ({error}); statements stay pending.")
        self.stdout.write(f"sent {result.sent}, rejected {result.rejected}, still pending {result.pending}")
