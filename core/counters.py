"""Seat counters that only the seat rules may write (enrolment/seats.py).

A class (`courses.CourseClass`) and an event (`activities.EventPage`) each keep `seats_taken` and `arrivals`,
changed only by conditional UPDATEs under the row lock. Wagtail rebuilds both from page revisions, which carry
the counters as they were when the revision was saved; publishing such a revision with an ordinary save() would
write stale counts back and oversell the seats. This mixin re-reads the counters and leaves them out of every
ordinary save of an existing row.
"""

from django.utils.translation import gettext_lazy as _


class GuardedSeatCounters:
    """Mix into a model with `seats_taken`, `arrivals` and `capacity`, before the model base class."""

    COUNTERS = ("seats_taken", "arrivals")

    def counters_refresh(self) -> bool:
        """Read the counters from the row (not a revision's copy); False if the row does not exist yet."""
        if not self.pk:
            return False
        row = type(self)._default_manager.filter(pk=self.pk).values(*self.COUNTERS).first()
        if row is None:
            return False
        for name in self.COUNTERS:
            setattr(self, name, row[name])
        return True

    def counters_capacity_error(self):
        """The message when the capacity being saved is below the seats actually taken, else None."""
        self.counters_refresh()
        if self.capacity is not None and self.capacity < self.seats_taken:
            return _("名额不能少于已报名的%(count)d人。") % {"count": self.seats_taken}
        return None

    def save(self, *args, **kwargs):
        if kwargs.get("update_fields") is None and not kwargs.get("force_insert") and self.counters_refresh():
            kwargs["update_fields"] = [
                f.attname for f in self._meta.concrete_fields if not f.primary_key and f.name not in self.COUNTERS
            ]
        super().save(*args, **kwargs)
