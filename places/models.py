"""Places of Jizhou: towns (乡镇/街道) and the venues where classes and events meet."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.search import index

from core.snippets import NamedSnippet

LATITUDE_RANGE = (Decimal("-90"), Decimal("90"))
LONGITUDE_RANGE = (Decimal("-180"), Decimal("180"))


LATITUDE_LABEL = _("纬度")
LONGITUDE_LABEL = _("经度")
OPENING_HOURS_HELP = _("例如：周一至周五 8:30-11:30，14:00-17:00。")


def latitude_field(verbose_name=LATITUDE_LABEL):
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(LATITUDE_RANGE[0]), MaxValueValidator(LATITUDE_RANGE[1])],
        help_text=_("十进制度数，例如 40.045000。"),
    )


def longitude_field(verbose_name=LONGITUDE_LABEL):
    return models.DecimalField(
        verbose_name,
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(LONGITUDE_RANGE[0]), MaxValueValidator(LONGITUDE_RANGE[1])],
        help_text=_("十进制度数，例如 117.408000。"),
    )


def coordinate_constraints(prefix: str) -> list[models.CheckConstraint]:
    """Coordinates stored out of range would put a point off the planet and break distance sorting."""
    return [
        models.CheckConstraint(
            condition=Q(latitude__isnull=True) | Q(latitude__gte=LATITUDE_RANGE[0], latitude__lte=LATITUDE_RANGE[1]),
            name=f"{prefix}_latitude_in_range",
        ),
        models.CheckConstraint(
            condition=Q(longitude__isnull=True)
            | Q(longitude__gte=LONGITUDE_RANGE[0], longitude__lte=LONGITUDE_RANGE[1]),
            name=f"{prefix}_longitude_in_range",
        ),
    ]


class VenueKind(models.TextChoices):
    COMMUNITY_SCHOOL = "community_school", _("社区学校")
    LEARNING_POINT = "learning_point", _("村/社区学习点")
    SCHOOL = "school", _("学校")
    OTHER = "other", _("其他")


class Town(index.Indexed, NamedSnippet):
    """A town, township or sub-district of Jizhou. Data staff edit (a snippet), not code."""

    latitude = latitude_field(_("中心纬度"))
    longitude = longitude_field(_("中心经度"))

    panels = NamedSnippet.panels + [FieldPanel("latitude"), FieldPanel("longitude")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta(NamedSnippet.Meta):
        verbose_name = _("乡镇/街道")
        verbose_name_plural = _("乡镇/街道")
        constraints = coordinate_constraints("town")


class Venue(index.Indexed, models.Model):
    """Where a class meets: an adult school, a community school, a village room, an orchard."""

    name = models.CharField(_("名称"), max_length=80)
    town = models.ForeignKey(Town, verbose_name=_("所在乡镇/街道"), on_delete=models.PROTECT, related_name="venues")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    accessible = models.BooleanField(_("无障碍"), default=False, help_text=_("有坡道或电梯，轮椅可进入。"))
    kind = models.CharField(_("类型"), max_length=20, choices=VenueKind.choices, default=VenueKind.OTHER)
    latitude = latitude_field()
    longitude = longitude_field()
    opening_hours = models.TextField(_("开放时间"), blank=True, help_text=OPENING_HOURS_HELP)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True, help_text=_("公开的联系电话。"))
    directions = models.TextField(_("到达方式"), blank=True, help_text=_("公交线路、步行路线、地标。"))

    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("town"),
        FieldPanel("address"),
        FieldPanel("accessible"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
        FieldPanel("opening_hours"),
        FieldPanel("contact_phone"),
        FieldPanel("directions"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["town__sort_order", "name"]
        verbose_name = _("上课地点")
        verbose_name_plural = _("上课地点")
        constraints = [
            models.UniqueConstraint(fields=["town", "name"], name="venue_unique_name_per_town"),
            *coordinate_constraints("venue"),
        ]

    def __str__(self):
        return f"{self.name}（{self.town.name}）" if self.town_id else self.name
