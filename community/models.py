from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from .slugs import pinyin_slug


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


class Town(index.Indexed, NamedSnippet):
    """A town, township or sub-district of Jizhou. Data staff edit (a snippet), not code."""

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(NamedSnippet.Meta):
        verbose_name = _("乡镇/街道")
        verbose_name_plural = _("乡镇/街道")


class Venue(index.Indexed, models.Model):
    """Where a class meets: an adult school, a community school, a village room, an orchard."""

    name = models.CharField(_("名称"), max_length=80)
    town = models.ForeignKey(Town, verbose_name=_("所在乡镇/街道"), on_delete=models.PROTECT, related_name="venues")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    accessible = models.BooleanField(_("无障碍"), default=False, help_text=_("有坡道或电梯，轮椅可进入。"))

    panels = [FieldPanel("name"), FieldPanel("town"), FieldPanel("address"), FieldPanel("accessible")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["town__sort_order", "name"]
        verbose_name = _("上课地点")
        verbose_name_plural = _("上课地点")
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="venue_unique_name_per_town")]

    def __str__(self):
        return f"{self.name}（{self.town.name}）" if self.town_id else self.name


class HomePage(Page):
    """The site's front door: what to learn, where, and the way into the catalogue."""

    intro = models.CharField(_("导语"), max_length=200, blank=True)
    body = RichTextField(_("正文"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        from courses.models import CourseIndexPage
        from courses.selectors import catalogue_categories, upcoming_classes

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = CourseIndexPage.objects.child_of(self).live().first()
        context["categories"] = catalogue_categories()
        context["upcoming_classes"] = upcoming_classes(limit=6)
        return context
