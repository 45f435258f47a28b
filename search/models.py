"""Search data owned by this app: one search document per live course, synonyms and dictionary words.

The document is the course as the database engine sees it: analysed terms per field (Chinese words,
pinyin, initials) and the facts filters and facets need. SQLite keeps an FTS5 table in step with it
through triggers; PostgreSQL keeps a generated, weighted `tsvector` column with a GIN index. Both are
created by migration 0002 (raw SQL, by vendor), so no model field maps them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from courses.models import CourseForm


class SearchDocument(models.Model):
    course = models.OneToOneField(
        "courses.CoursePage", primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    # Analysed text, weighted A (title) > B (keywords) > C (summary) > D (body and names).
    title_terms = models.TextField(blank=True)
    keyword_terms = models.TextField(blank=True)
    summary_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # Facts for filters, facets and sorting (class dates and seats are read live from the classes).
    title = models.CharField(max_length=255)
    category = models.ForeignKey("courses.Category", null=True, on_delete=models.SET_NULL, related_name="+")
    provider = models.ForeignKey("courses.ProviderPage", null=True, on_delete=models.SET_NULL, related_name="+")
    form = models.CharField(max_length=20, choices=CourseForm.choices, blank=True)
    fee = models.DecimalField(max_digits=8, decimal_places=2, default=0)
    published_at = models.DateTimeField(null=True, db_index=True)
    audiences = models.ManyToManyField("accounts.Audience", related_name="+", blank=True)
    # The course's own town and the towns of its current classes' venues.
    towns = models.ManyToManyField("places.Town", related_name="+", blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("搜索索引文档")
        verbose_name_plural = _("搜索索引文档")
        indexes = [models.Index(fields=["category"]), models.Index(fields=["form"])]

    def __str__(self):
        return self.title


class Synonym(models.Model):
    """A group of words residents use for the same thing: 电脑 计算机 微机."""

    terms = models.CharField(
        _("同义词"),
        max_length=200,
        unique=True,
        help_text=_("用空格或逗号分隔，例如“电脑 计算机”。搜索其中任何一个词，都能找到含其他词的课程。"),
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
        from django.core.exceptions import ValidationError

        self.word = (self.word or "").strip()
        if not self.word or any(ch.isspace() for ch in self.word):
            raise ValidationError({"word": _("词语不能为空，也不能含空格。")})
