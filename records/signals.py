"""Enrolment → learning records. Thin receivers: saving an enrolment or an attendance (however it happens:
service, admin, roll call) leaves the matching records, inside the same transaction.
"""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from enrolment.models import Attendance, Enrolment

# Celery's autodiscovery imports only `tasks` modules: importing ours here (at app ready) registers them in
# workers too.
from records import tasks as records_tasks  # noqa: F401
from records.services import record_attendances, record_enrolment_saved

# Sent by writers that add attendance without post_save (bulk_create in the roll call): attendance_ids=[…].
attendance_added = Signal()


@receiver(post_save, sender=Enrolment, dispatch_uid="records_enrolment_saved")
def enrolment_saved(sender, instance: Enrolment, created: bool, raw: bool = False, **kwargs):
    if not raw:
        record_enrolment_saved(enrolment=instance, created=created)


@receiver(post_save, sender=Attendance, dispatch_uid="records_attendance_saved")
def attendance_saved(sender, instance: Attendance, created: bool, raw: bool = False, **kwargs):
    if created and not raw:
        record_attendances(attendance_ids=[instance.pk])


@receiver(attendance_added, dispatch_uid="records_attendance_added")
def attendances_added(sender, attendance_ids, **kwargs):
    record_attendances(attendance_ids=list(attendance_ids))
