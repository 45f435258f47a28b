"""Search data owned by this app: one search document per indexed id, its facet values, synonyms and
dictionary words. No foreign key leaves the app: documents come from the registered source (search.registry).

The document is what the database engine queries: analysed terms per field (Chinese words, pinyin,
initials) and the facts filters, facets and sorting need. SQLite keeps an FTS5 table in step with it
through triggers; PostgreSQL keeps a generated, weighted `tsvector` column with a GIN index. Both are
created by migration 0002 (raw SQL, by vendor), so no model field maps them.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class SearchDocument(models.Model):
    # The source's id (a course page's id); the FTS5 rowid.
    id = models.BigIntegerField(primary_key=True)
    # Analysed text, weighted A (title) > B (keywords) > C (summary) > D (body and names).
    title_terms = models.TextField(blank=True)
    keyword_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # Facts for filters and sorting (occurrences — classes, seats — are read live from the source).
    title = models.CharField(max_length=255)
    fee = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    published_at = models.DateTimeField(null=True, db_index=True)
    indexed_at = models.DateTimeField(auto_now=True)
    # The document's facet values again, one a line ("facet␟value␟label␟sort"), in its own row: PostgreSQL
    # counts facets from the matching rows without joining every facet row (docs/decisions/0020-search-on-
    # postgresql.md). SearchFacet stays the source for filters and for SQLite's counts. Nullable without a
    # default so that adding it is a plain ADD COLUMN on SQLite: a rebuilt table would lose the FTS5 triggers.
    facet_keys = models.TextField(null=True, blank=True)

    class Meta:
        verbose_name = _("搜索索引文档")
        verbose_name_plural = _("搜索索引文档")

    def __str__(self):
        return self.title


class SearchFacet(models.Model):
    """One value a document has for a facet (its category, each audience, each town…), with its label."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    facet = models.CharField(max_length=30)
    value = models.CharField(max_length=100)
    label = models.CharField(max_length=255)
    sort = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "facet", "value"], name="course_search_facet_unique")
        ]
        indexes = [models.Index(fields=["facet", "value"], name="course_search_facet_value")]

    def __str__(self):
        return f"{self.facet}={self.value}"


class Synonym(models.Model):
    """A group of words residents use for the same thing: 电脑 计算机 微机. Staff's groups are merged with the
    thesaurus shipped in search/data/synonyms.txt (search.analysis.synonyms)."""

    terms = models.CharField(
        _("同义词"),
        max_length=200,
        unique=True,
        help_text=_(
            "用空格或逗号分隔，例如“电脑 计算机”。搜索其中任何一个词，都能找到含其他词的课程。"
            "网站已内置数百组常用说法（search/data/synonyms.txt），这里添加的与它合并，保存后立即生效。"
        ),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        ordering = ["terms"]
        verbose_name = _("搜索同义词")
        verbose_name_plural = _("搜索同义词")

    def __str__(self):
        return self.terms


class DictionaryWordKind(models.TextChoices):
    PLACE = "place", _("地名")
    SCHOOL = "school", _("学校/机构")
    CROP = "crop", _("作物/品种")
    TRADE = "trade", _("工种/行业")
    TERM = "term", _("课程用语")


class DictionaryWord(models.Model):
    """A word the segmenter must keep whole (罗庄子镇, 高接换优). Courses are re-indexed after a change."""

    word = models.CharField(_("词语"), max_length=30, unique=True, help_text=_("不含空格，例如“高接换优”。"))
    kind = models.CharField(_("类型"), max_length=20, choices=DictionaryWordKind.choices, default="term")

    panels = [FieldPanel("word"), FieldPanel("kind")]

    class Meta:
        ordering = ["word"]
        verbose_name = _("搜索词典词语")
        verbose_name_plural = _("搜索词典词语")

    def __str__(self):
        return self.word

    def clean(self):
        self.word = (self.word or "").strip()
        if not self.word or any(ch.isspace() for ch in self.word):
            raise ValidationError({"word": _("词语不能为空，也不能含空格。")})
