from django import template

from enrolment.selectors import class_closed_reason, learner_enrolment_by_class

register = template.Library()


def _visitor_places(request, user, classes) -> dict:
    """The visitor's enrolments in every class the page lists, read once per request (not once per card)."""
    cached = getattr(request, "_enrolment_places", None) if request is not None else None
    class_ids = [c.pk for c in classes]
    if cached is None or not set(class_ids) <= cached[0]:
        places = learner_enrolment_by_class(user, class_ids) if user is not None else {}
        cached = (set(class_ids), places)
        if request is not None:
            request._enrolment_places = cached
    return cached[1]


@register.inclusion_tag("enrolment/includes/enrol_action.html", takes_context=True)
def enrol_action(context, course_class):
    """The 报名 button of a class card, or the learner's place, or why enrolment is closed."""
    request = context.get("request")
    user = getattr(request, "user", None)
    enrolment = _visitor_places(request, user, context.get("classes") or [course_class]).get(course_class.pk)
    return {
        "class": course_class,
        "enrolment": enrolment,
        "closed_reason": "" if enrolment else class_closed_reason(course_class),
        "full": course_class.seats_taken >= course_class.capacity,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
