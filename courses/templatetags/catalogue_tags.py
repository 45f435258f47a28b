from django import template

from courses.models import CourseIndexPage

register = template.Library()


@register.simple_tag(takes_context=True)
def catalogue_url(context) -> str:
    """URL of the live catalogue page, looked up once per request."""
    request = context.get("request")
    cache = getattr(request, "_catalogue_url", None) if request else None
    if cache is None:
        page = CourseIndexPage.objects.live().first()
        cache = page.get_url(request) if page else "/"
        if request is not None:
            request._catalogue_url = cache
    return cache
