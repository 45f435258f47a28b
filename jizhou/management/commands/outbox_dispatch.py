"""Queue again the background work whose queueing failed (the broker was down) or whose retries ran out.

What beat does every ten minutes, for a cron job or an operator after an outage. Each task claims its row before
working, so running this while the work is already queued does it once, not twice.
"""

from django.core.management.base import BaseCommand, CommandError
from kombu.exceptions import OperationalError

from enrolment.tasks import enrolment_outbox_dispatch
from records.tasks import records_outbox_dispatch


class Command(BaseCommand):
    help = "Queue pending promotion texts, certificate PDFs and xAPI pushes again (after a broker outage)."

    def handle(self, *args, **options):
        try:
            enrolment = enrolment_outbox_dispatch()
            records = records_outbox_dispatch()
        except OperationalError as error:
            raise CommandError(f"The Celery broker is unavailable ({error}); the work stays pending.")
        self.stdout.write(f"queued: {enrolment} promotion text(s), {records} records task(s)")
