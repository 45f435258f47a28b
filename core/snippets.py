"""Base class for editable data with a name, a pinyin slug and an order (categories, audiences, towns)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from core.slugs import pinyin_slug


class NamedSnippet(models.Model):
    """Editable catalogue data with a name, a URL slug (pinyin when left blank) and an order."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    slug = models.SlugField(
        _("网址标识"), max_length=80, unique=True, blank=True, help_text=_("留空则按拼音自动生成。")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = pinyin_slug(self.name)
        super().save(*args, **kwargs)
