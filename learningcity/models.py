"""The learning city's denominators: what staff type in so the figures computed from the records become rates.

Everything else on the dashboard (learners, hours, events, circles, honours, coverage) is counted from the
records and never typed in. A population figure belongs to one town and one year (a database constraint).
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from courses.models import Category
from learningcity.counting import learners_in_town_year
from places.models import Town

FIRST_YEAR = 2000
LAST_YEAR = 2100


class TownPopulation(models.Model):
    """Population figures of one town in one year (常住人口, 老年人口, 农村劳动力, 行政村数), entered by the centre."""

    town = models.ForeignKey(Town, verbose_name=_("乡镇/街道"), on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(
        _("年份"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    population = models.PositiveIntegerField(
        _("常住人口"), validators=[MinValueValidator(1)], help_text=_("年末常住人口（人），必须大于0。")
    )
    elderly_population = models.PositiveIntegerField(
        _("60岁以上老年人口"), help_text=_("不能超过常住人口；老年教育参与率的分母。")
    )
    rural_labour = models.PositiveIntegerField(
        _("农村劳动力"), help_text=_("不能超过常住人口；“三农”培训率的分母。街道可填0。")
    )
    villages = models.PositiveIntegerField(_("行政村数"), help_text=_("学习点覆盖率的分母；没有行政村的街道填0。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    panels = [
        FieldRowPanel([FieldPanel("town"), FieldPanel("year")]),
        FieldRowPanel([FieldPanel("population"), FieldPanel("elderly_population")]),
        FieldRowPanel([FieldPanel("rural_labour"), FieldPanel("villages")]),
    ]

    class Meta:
        verbose_name = _("乡镇人口数据")
        verbose_name_plural = _("乡镇人口数据")
        ordering = ["-year", "town__sort_order", "town__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["town", "year"],
                name="townpopulation_one_per_town_year",
                violation_error_message=_("该乡镇这一年的人口数据已经录入过，请修改原有记录。"),
            ),
            models.CheckConstraint(
                condition=Q(population__gt=0),
                name="townpopulation_population_positive",
                violation_error_message=_("常住人口必须大于0。"),
            ),
            models.CheckConstraint(
                condition=Q(elderly_population__gte=0) & Q(elderly_population__lte=models.F("population")),
                name="townpopulation_elderly_within_population",
                violation_error_message=_("60岁以上老年人口不能超过常住人口。"),
            ),
            models.CheckConstraint(
                condition=Q(rural_labour__gte=0) & Q(rural_labour__lte=models.F("population")),
                name="townpopulation_rural_within_population",
                violation_error_message=_("农村劳动力不能超过常住人口。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR),
                name="townpopulation_year_plausible",
                violation_error_message=_("年份不合理。"),
            ),
        ]

    def __str__(self):
        return f"{self.town.name if self.town_id else ''} {self.year}"

    def clean(self):
        super().clean()
        errors = {}
        if self.population is not None and self.population <= 0:
            errors["population"] = _("常住人口必须大于0。")
        if self.population and self.elderly_population is not None and self.elderly_population > self.population:
            errors["elderly_population"] = _("60岁以上老年人口不能超过常住人口。")
        if self.population and self.rural_labour is not None and self.rural_labour > self.population:
            errors["rural_labour"] = _("农村劳动力不能超过常住人口。")
        if self.population and self.town_id and self.year and "population" not in errors:
            # Fewer residents than people the records show learning there is a typing error (a digit lost).
            learners = learners_in_town_year(town_id=self.town_id, year=self.year)
            if self.population < learners:
                message = _("常住人口（%(population)d）少于该乡镇当年有学习记录的人数（%(learners)d）。")
                errors["population"] = message % {"population": self.population, "learners": learners}
        if errors:
            raise ValidationError(errors)


class RuralTrainingCategory(models.Model):
    """A course category whose learning counts as 三农 training (农业技术, 农村电商…): chosen by the centre."""

    category = models.OneToOneField(Category, verbose_name=_("课程类别"), on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("category")]

    class Meta:
        verbose_name = _("“三农”培训类别")
        verbose_name_plural = _("“三农”培训类别")
        ordering = ["category__sort_order", "category__name"]

    def __str__(self):
        return self.category.name if self.category_id else ""


class TownYearCounts(models.Model):
    """What the records say about one town in one year, counted by a task (a summary table): accounts, the
    learning ledger, and the events, circles and honours the sibling apps report (`activity`).

    Counting a district's ledger (a million rows) takes seconds, and the sibling apps' counts take a few queries
    per year each: too long for a page. `learningcity.tasks` count them hourly for this year, nightly for the
    past years, and when the 三农 categories change; the dashboard reads these rows (docs/decisions/0015).
    Never typed in.
    """

    town = models.ForeignKey(Town, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    accounts = models.PositiveIntegerField(default=0)  # residents of the town with an account by the year's end
    learners = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=14, decimal_places=1, default=0)
    elderly_learners = models.PositiveIntegerField(default=0)
    rural_learners = models.PositiveIntegerField(default=0)
    # {"events_held": 3, "circle_members": 40, …}: whatever activities/circles/honours.selectors.city_figures report.
    activity = models.JSONField(default=dict)
    counted_at = models.DateTimeField()

    class Meta:
        verbose_name = _("乡镇年度统计")
        verbose_name_plural = _("乡镇年度统计")
        constraints = [models.UniqueConstraint(fields=["town", "year"], name="townyearcounts_one_per_town_year")]

    def __str__(self):
        return f"{self.town_id} {self.year}"
