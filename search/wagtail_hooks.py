"""Staff edit synonyms and dictionary words as snippets (设置 → 代码片段)."""

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search.models import DictionaryWord, Synonym


class SynonymViewSet(SnippetViewSet):
    model = Synonym
    icon = "list-ul"
    list_display = ["terms", "note"]


class DictionaryWordViewSet(SnippetViewSet):
    model = DictionaryWord
    icon = "openquote"
    list_display = ["word", "kind"]
    list_filter = ["kind"]


register_snippet(SynonymViewSet)
register_snippet(DictionaryWordViewSet)
