"""Framework events → file upkeep: a rendition or caption row deleted (with its media, or replaced) takes its file
with it once the deletion commits. (wagtailmedia removes the original's file itself.)"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from media.models import CaptionTrack, MediaRendition


@receiver(post_delete, sender=MediaRendition)
@receiver(post_delete, sender=CaptionTrack)
def _file_goes_with_its_row(sender, instance, **kwargs):
    if instance.file:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))
