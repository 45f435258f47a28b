"""Staff's synonyms and dictionary words take effect without a restart. (What is indexed, and when, is the
source's business: courses/signals.py.)"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from search.models import DictionaryWord, Synonym
from search.services import search_dictionary_word_changed, search_synonyms_changed


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def synonyms_changed(sender, **kwargs):
    search_synonyms_changed()


@receiver(post_save, sender=DictionaryWord)
@receiver(post_delete, sender=DictionaryWord)
def dictionary_changed(sender, instance, **kwargs):
    search_dictionary_word_changed(word=instance.word)
