"""Places of Jizhou: towns (乡镇/街道) and the venues where classes and events meet."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from core.snippets import NamedSnippet


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
