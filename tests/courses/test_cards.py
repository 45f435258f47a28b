"""A course's card (courses.cards) shows what its page would: the same link as Wagtail gives the page, its
school, category and town, and its next class with the seats left now."""

from wagtail.models import Page, Site

from community.models import HomePage
from courses.cards import course_cards
from courses.models import CourseIndexPage
from enrolment.services import enrolment_create
from tests.factories import course_class, course_page, provider_page


def test_a_card_shows_what_the_course_page_shows(tree, residents, client):
    course = course_page(
        tree["school_a"], title="梨树冬季修剪技术", classes=[course_class(starts_in_days=9, capacity=4)]
    )
    later = course_class(starts_in_days=30)
    later.course = course
    later.save()
    (resident,) = residents(1)
    enrolment_create(learner=resident, course_class_id=course.classes.order_by("starts_on").first().pk)

    card = course_cards([course.pk])[course.pk]

    assert card.url == course.url and client.get(card.url).status_code == 200
    assert (card.title, card.provider_title, card.category_name) == (
        course.title,
        tree["school_a"].title,
        course.category.name,
    )
    assert [c.pk for c in card.classes] == [c.pk for c in course.upcoming_classes]
    assert card.next_class.seats_left == 3  # read now: the enrolment above is counted


def test_with_several_sites_a_card_links_as_wagtail_does(tree):
    other_home = Page.get_first_root_node().add_child(instance=HomePage(title="宝坻终身学习网", slug="baodi"))
    other_site = Site.objects.create(hostname="baodi.example.cn", port=443, root_page=other_home)
    other_catalogue = other_home.add_child(instance=CourseIndexPage(title="课程", slug="courses"))
    other_school = provider_page(other_catalogue, "宝坻区社区学院")
    here = course_page(tree["school_a"], title="梨树冬季修剪技术")
    here.slug = "梨树-冬剪"  # Wagtail allows such slugs; its URLs quote them
    here.save()
    there = course_page(other_school, title="水稻插秧技术")
    jizhou_site = Site.objects.get(is_default_site=True)

    cards = course_cards([here.pk, there.pk])

    for course in (here, there):
        card = cards[course.pk]
        assert card.url == course.url  # with the site's address, as Page.url gives it with two sites
        for site in (jizhou_site, other_site):
            assert card.url_on(site) == course.get_url(current_site=site)
    assert cards[there.pk].url_on(jizhou_site).startswith("https://baodi.example.cn")
    assert cards[here.pk].url_on(jizhou_site).endswith("/%E6%A2%A8%E6%A0%91-%E5%86%AC%E5%89%AA/")


def test_no_ids_no_queries(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert course_cards([]) == {}
