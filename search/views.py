from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from courses.models import CoursePage

MAX_QUERY_LENGTH = 100


def search(request):
    """Course search over the live catalogue (Wagtail's database backend for now)."""
    query = (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    results = Paginator([], 12).get_page(1)
    if query:
        courses = CoursePage.objects.live().select_related("category", "provider").search(query)
        results = Paginator(courses, 12).get_page(request.GET.get("page"))
    return render(
        request, "search/search.html", {"query": query, "results": results, "query_string": urlencode({"q": query})}
    )
