"""The public front of the district: the home portal, community schools' learning points, the "near me" index
and the centre's notices (通知公告).

Reads live in community/selectors.py; pages only ask them for what they show.
"""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from community import selectors
from courses.models import ProviderKind, ProviderPage
from places.models import VenueKind

RICH_TEXT = ["h3", "bold", "italic", "link", "ol", "ul"]
NOTICES_PER_PAGE = 10


class HomePage(Page):
    """The site's front door: this week near me, new online lessons, learning stars, notices, the catalogue."""

    intro = models.CharField(_("导语"), max_length=200, blank=True)
    body = RichTextField(_("正文"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "courses.CourseIndexPage",
        "community.LearningPointIndexPage",
        "community.NoticeIndexPage",
        "activities.EventIndexPage",
        "honours.HonoursIndexPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("首页")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_portal(home=self, town_slug=request.GET.get("town", "")))
        return context


class LearningPointIndexPage(Page):
    """社区学校与学习点: every community school and village learning point, by town or nearest first."""

    intro = models.CharField(_("导语"), max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["community.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = _("社区学校与学习点")
        verbose_name_plural = _("社区学校与学习点")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(
            selectors.near_me(
                town_slug=request.GET.get("town", ""),
                latitude=request.GET.get("lat"),
                longitude=request.GET.get("lng"),
            )
        )
        return context


class LearningPointPage(Page):
    """A village or neighbourhood learning point (村/社区学习点), run by its town's community school."""

    venue = models.OneToOneField(
        "places.Venue",
        verbose_name=_("地点"),
        on_delete=models.PROTECT,
        related_name="learning_point_page",
        limit_choices_to={"kind": VenueKind.LEARNING_POINT},
        help_text=_(
            "学习点的地址、开放时间、电话和到达方式取自这个地点。只能选类型为“村/社区学习点”、位于本社区学校所在乡镇的地点。"
        ),
    )
    intro = models.TextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("venue"),
        FieldPanel("intro"),
        InlinePanel("group_lessons", label=_("一起观看的线上课程")),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["courses.ProviderPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("村/社区学习点")
        verbose_name_plural = _("村/社区学习点")

    @classmethod
    def can_create_at(cls, parent):
        """Only under a community school (ProviderPage allows the type; other kinds of school run no points)."""
        return super().can_create_at(parent) and getattr(parent.specific, "kind", None) == ProviderKind.COMMUNITY_SCHOOL

    def clean(self):
        super().clean()
        # A community school runs the points of its own town: a point elsewhere would appear under the wrong
        # school in near-me and in the dashboard's coverage.
        school = self._school()
        if self.venue_id and school and school.town_id and self.venue.town_id != school.town_id:
            raise ValidationError(
                {"venue": _("这个地点不在%(town)s，不能作为%(school)s的学习点。") % {
                    "town": school.town.name, "school": school.title
                }}
            )  # fmt: skip

    def _school(self) -> ProviderPage | None:
        if not self.path or not self.depth or self.depth <= 1:
            return None
        return ProviderPage.objects.select_related("town").filter(path=self.path[: -self.steplen]).first()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.whats_on_at_venue(venue=self.venue))
        context["group_lessons"] = selectors.group_lessons(point=self)
        return context


class LearningPointLesson(Orderable):
    """An online lesson the point shows on its screen for people to watch together."""

    page = ParentalKey(LearningPointPage, on_delete=models.CASCADE, related_name="group_lessons")
    lesson = models.ForeignKey(
        "media.LessonPage", verbose_name=_("线上课程"), on_delete=models.CASCADE, related_name="+"
    )
    when = models.CharField(_("观看时间"), max_length=60, blank=True, help_text=_("如“每周三 下午2:30”。"))

    panels = [PageChooserPanel("lesson", "media.LessonPage"), FieldPanel("when")]

    class Meta(Orderable.Meta):
        verbose_name = _("一起观看的线上课程")
        verbose_name_plural = _("一起观看的线上课程")


class NoticeIndexPage(Page):
    """通知公告: the centre's notices, newest first."""

    intro = models.CharField(_("导语"), max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["community.HomePage"]
    subpage_types = ["community.NoticePage"]
    max_count = 1

    class Meta:
        verbose_name = _("通知公告栏目")
        verbose_name_plural = _("通知公告栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(selectors.notices(index=self), NOTICES_PER_PAGE)
        context["notices"] = paginator.get_page(request.GET.get("page"))
        return context


class NoticePage(Page):
    """One notice (通知、公告): a date, the text and files to download."""

    date = models.DateField(_("发布日期"), default=timezone.localdate)
    body = RichTextField(_("正文"), features=RICH_TEXT)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("附件")),
    ]
    search_fields = Page.search_fields + [index.SearchField("body"), index.FilterField("date")]

    parent_page_types = ["community.NoticeIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")


class NoticeAttachment(Orderable):
    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("文件"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("document")]

    class Meta(Orderable.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
