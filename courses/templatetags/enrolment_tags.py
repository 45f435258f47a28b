from django import template

from courses.enrolment_selectors import class_closed_reason, learner_enrolment_by_class

register = template.Library()


@register.inclusion_tag("courses/includes/enrol_action.html", takes_context=True)
def enrol_action(context, course_class):
    """The 报名 button of a class card, or the learner's place, or why enrolment is closed."""
    request = context.get("request")
    user = getattr(request, "user", None)
    mine = context.get("my_enrolments")
    if mine is None and user is not None:
        # Pages that did not prefetch (e.g. a single card elsewhere): one query for this class.
        mine = learner_enrolment_by_class(user, [course_class.pk])
    enrolment = (mine or {}).get(course_class.pk)
    return {
        "class": course_class,
        "enrolment": enrolment,
        "closed_reason": "" if enrolment else class_closed_reason(course_class),
        "full": course_class.seats_taken >= course_class.capacity,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
