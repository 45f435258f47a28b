"""Changing which categories count as 三农 training changes past figures too: count them again (after commit)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.queueing import queue_on_commit
from learningcity.models import RuralTrainingCategory
from learningcity.tasks import learning_figures_refresh_task


@receiver(post_save, sender=RuralTrainingCategory)
@receiver(post_delete, sender=RuralTrainingCategory)
def _rural_categories_changed(sender, **kwargs):
    queue_on_commit(learning_figures_refresh_task)
