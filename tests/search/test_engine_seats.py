"""Seats shown with search results come from the database when the page is drawn, whichever engine found the
course: a resident who enrols is seen by the next search at once (the search server's copy is not asked)."""

from enrolment.services import enrolment_create


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
