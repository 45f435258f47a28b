"""What can be created where in the page tree."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from activities.models import EventIndexPage, EventPage
from community.models import HomePage, LearningPointIndexPage, LearningPointPage, NoticeIndexPage
from courses.models import CourseIndexPage, CoursePage, ProviderPage
from honours.models import HonoursIndexPage
from media.models import LessonPage


class PageTreeRulesTests(WagtailPageTestCase):
    def test_home_sits_at_the_root_and_holds_the_sections(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(
            HomePage, {CourseIndexPage, LearningPointIndexPage, NoticeIndexPage, EventIndexPage, HonoursIndexPage}
        )

    def test_catalogue_holds_schools_only(self):
        self.assertAllowedParentPageTypes(CourseIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(CourseIndexPage, {ProviderPage})

    def test_school_holds_courses_events_and_learning_points(self):
        self.assertAllowedParentPageTypes(ProviderPage, {CourseIndexPage})
        self.assertAllowedSubpageTypes(ProviderPage, {CoursePage, EventPage, LearningPointPage})

    def test_course_is_a_leaf_under_a_school(self):
        self.assertAllowedParentPageTypes(CoursePage, {ProviderPage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})  # only online lessons (media) go under a course

    def test_courses_cannot_be_created_outside_a_school(self):
        self.assertCanNotCreateAt(CourseIndexPage, CoursePage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(HomePage, ProviderPage)
        self.assertCanCreateAt(ProviderPage, CoursePage)
