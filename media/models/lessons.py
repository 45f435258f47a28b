"""Lesson pages: an online lesson placed in order under a course (page tree order), playing one LessonMedia.

A lesson is a Wagtail page below a CoursePage, so it goes through the catalogue's review workflow like the course
(publishing assigns the workflow to the catalogue page; schools may only submit) and residents see it only once
published. The page's player, course context and next lesson come from media's template tags
(media/templatetags/lesson_tags.py), which read media.lesson_selectors; so does the course page's lesson list,
shown when the course's form (线上/混合) says it has lessons.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtailmedia.edit_handlers import MediaChooserPanel

from media.models.assets import LessonMedia

DEFAULT_COMPLETION_PERCENT = 90


class LessonPage(Page):
    """One lesson (一节课): a video or audio, its captions and transcript, an optional introduction."""

    media = models.ForeignKey(
        LessonMedia,
        verbose_name=_("音视频"),
        null=True,
        blank=False,
        on_delete=models.SET_NULL,
        related_name="lesson_pages",
        help_text=_("从本校的课程音视频中选择；转码完成后学员才能播放。"),
    )
    intro = RichTextField(_("导语"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    completion_percent = models.PositiveSmallIntegerField(
        _("完成比例（%）"),
        default=DEFAULT_COMPLETION_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("不重复观看的时长达到音视频时长的这一比例，本节课即算完成。"),
    )

    content_panels = Page.content_panels + [
        MediaChooserPanel("media"),
        FieldPanel("intro"),
        FieldPanel("completion_percent"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.RelatedFields("media", [index.SearchField("title"), index.SearchField("transcript")]),
    ]
    api_fields = ["intro", "media", "completion_percent"]

    parent_page_types = ["courses.CoursePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("线上课程（一节）")
        verbose_name_plural = _("线上课程")
        constraints = [
            models.CheckConstraint(
                condition=Q(completion_percent__gte=1) & Q(completion_percent__lte=100),
                name="lesson_completion_percent_1_to_100",
            ),
        ]
