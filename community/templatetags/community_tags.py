"""Template tags for pages other apps own: a community school's page (courses' ProviderPage template) shows
its place details and what runs there now, read from community.selectors (the composition happens in the
template, so courses never imports the apps above it)."""

from django import template

from community.selectors import whats_on_at_school

register = template.Library()


@register.inclusion_tag("community/includes/school_place.html")
def community_school_place(school):
    return {"school": school, "show_venue": True, **whats_on_at_school(school=school)}
