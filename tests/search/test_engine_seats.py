"""Seats shown with search results come from the database when the page is drawn, whichever engine found the
course: a resident who enrols is seen by the next search at once (the search server's copy is not asked)."""

from enrolment.services import enrolment_cancel, enrolment_create


def test_seats_left_change_as_soon_as_someone_enrols(engine, make_class, indexed, residents, client):
    klass = indexed(lambda: make_class(capacity=3, starts_in_days=5, course_fields={"title": "梨树冬季修剪技术"}))

    def seats_left():
        answer = client.get("/api/v1/courses/", {"q": "lishu"}).json()
        assert answer["count"] == 1
        return answer["results"][0]["next_class"]["seats_left"]

    assert seats_left() == 3
    first, second = residents(2)
    enrolment_create(learner=first, course_class_id=klass.pk)
    assert seats_left() == 2
    enrolment_create(learner=second, course_class_id=klass.pk)
    assert seats_left() == 1
    page = client.get("/search/", {"q": "lishu"}).content.decode()
    assert "梨树冬季修剪技术" in page and "余 1 个名额" in page


def test_the_open_seats_filter_follows_a_class_filling_up_and_reopening(engine, make_class, indexed, residents, client):
    # The engine filters "有余位" on its own copy of the seats left: filling the last seat and freeing it again
    # re-index the course, so the filter never offers a full class or hides one with a seat again.
    klass = indexed(lambda: make_class(capacity=1, starts_in_days=5, course_fields={"title": "苹果树嫁接实用技术"}))

    def found_with_open_seats():
        return client.get("/api/v1/courses/", {"q": "嫁接", "open_seats": "1"}).json()["count"]

    assert found_with_open_seats() == 1
    (resident,) = residents(1)
    enrolment = indexed(lambda: enrolment_create(learner=resident, course_class_id=klass.pk))
    assert found_with_open_seats() == 0
    indexed(lambda: enrolment_cancel(enrolment_id=enrolment.pk, by=resident))
    assert found_with_open_seats() == 1
