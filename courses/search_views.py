"""The search page and suggestions-as-you-type. Both are public: they show only live courses."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from courses.search import catalogue_facets, course_search, course_search_from_query, course_suggestions
from search.query import FacetValue, Sort

SUGGEST_MAX_CHARS = 30
STARTS_WITHIN_CHOICES = [(7, _("一周内开课")), (30, _("一个月内开课")), (90, _("三个月内开课"))]


def _options(
    choices: list[tuple[str, str]], counted: list[FacetValue] | None, *, estimated: bool = False
) -> list[FacetValue]:
    """Every choice with its count in the current results (or no count before a search). Estimated counts
    come from a sample: a choice the sample did not meet gets no count rather than a wrong 0."""
    counts = {f.value: f.count for f in counted or []} if counted is not None else None
    missing = None if estimated else 0
    return [
        FacetValue(value, label, counts.get(value, missing) if counts is not None else None) for value, label in choices
    ]


@require_GET
def search(request):
    search_request = course_search_from_query(request.GET)
    searched = bool(search_request.q.strip()) or search_request.filters_active
    response = course_search(search_request) if searched else None
    facets = response.facets if response else {}
    choices = catalogue_facets()

    def counted(name):
        return facets.get(name, []) if response else None

    estimated = bool(response and response.facets_approximate)
    options = {
        "category": _options([(c.slug, c.name) for c in choices.categories], counted("category"), estimated=estimated),
        "audience": _options([(a.slug, a.name) for a in choices.audiences], counted("audience"), estimated=estimated),
        "form": _options([(v, str(label)) for v, label in choices.forms], counted("form"), estimated=estimated),
        "provider": _options(
            [(str(p.pk), p.title) for p in choices.providers], counted("provider"), estimated=estimated
        ),
        "town": _options([(t.slug, t.name) for t in choices.towns], counted("town"), estimated=estimated),
    }
    context = {
        "search": search_request,
        "query": search_request.q.strip()[:100],
        "response": response,
        "options": options,
        "selected_provider": str(search_request.provider or ""),
        "sorts": Sort.CHOICES,
        "starts_choices": STARTS_WITHIN_CHOICES,
    }
    if response:
        context["previous_query"] = search_request.as_query_string(page=max(1, response.page - 1))
        context["next_query"] = search_request.as_query_string(page=response.page + 1)
        if response.suggestion:
            context["suggestion_query"] = search_request.as_query_string(q=response.suggestion, page=1)
    return render(request, "courses/search.html", context)


@require_GET
def suggest(request):
    prefix = (request.GET.get("q") or "").strip()[:SUGGEST_MAX_CHARS]
    suggestions = course_suggestions(prefix) if prefix else []
    return JsonResponse({"suggestions": suggestions})
