"""Test data builders. Pages go through Wagtail's tree API (add_child + publish) like the admin does."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.utils import timezone
from wagtail.models import Page, Site

from accounts.models import Audience, User
from community.models import HomePage
from courses.models import Category, CourseClass, CourseIndexPage, CoursePage, ProviderPage
from places.models import Town, Venue

_phones = itertools.count(1)


def next_phone() -> str:
    return f"1360000{next(_phones):04d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.LazyFunction(next_phone)
    display_name = factory.Sequence(lambda n: f"学员{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(*extracted)
        self.save()


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town
        django_get_or_create = ("name",)

    name = factory.Iterator(["罗庄子镇", "下营镇", "渔阳镇", "官庄镇", "文昌街道"])


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue

    name = factory.Sequence(lambda n: f"第{n}社区学校")
    town = factory.SubFactory(TownFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("name",)

    name = "农业技术"


class AudienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audience
        django_get_or_create = ("name",)

    name = "农民"


def site_tree():
    """Home → catalogue, as load_demo builds it."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="蓟州终身学习网", slug="home-test"))
    Site.objects.update_or_create(is_default_site=True, defaults={"root_page": home, "hostname": "localhost"})
    catalogue = home.add_child(instance=CourseIndexPage(title="课程", slug="courses"))
    catalogue.save_revision().publish()  # publishing it gives the centre its rights and the review workflow
    return home, catalogue


def provider_page(catalogue, title="罗庄子镇成人文化技术学校", kind="adult_school") -> ProviderPage:
    provider = catalogue.add_child(
        instance=ProviderPage(title=title, slug=f"p{ProviderPage.objects.count()}", kind=kind)
    )
    provider.save_revision().publish()
    return provider


def course_page(provider, *, title="梨树冬季修剪技术", category=None, classes=(), publish=True, **fields) -> CoursePage:
    course = CoursePage(
        title=title,
        slug=f"c{CoursePage.objects.count()}-{abs(hash(title)) % 10_000}",
        summary=fields.pop("summary", "学会梨树冬季整形修剪的要领。"),
        category=category or CategoryFactory(),
        hours=fields.pop("hours", Decimal("16")),
        **fields,
    )
    course.classes = list(classes)
    course.live = publish
    provider.add_child(instance=course)
    revision = course.save_revision()
    if publish:
        revision.publish()
    return course


def course_class(*, starts_in_days=10, weeks=4, capacity=30, venue=None, **fields) -> CourseClass:
    starts = timezone.localdate() + datetime.timedelta(days=starts_in_days)
    return CourseClass(
        label=fields.pop("label", "冬季班"),
        starts_on=starts,
        ends_on=fields.pop("ends_on", starts + datetime.timedelta(weeks=weeks)),
        schedule=fields.pop("schedule", "每周二、周四 上午9:00—11:00"),
        venue=venue,
        capacity=capacity,
        **fields,
    )
