from django import template

from jizhou.preferences import DisplayPreferences, display_preferences

register = template.Library()


@register.simple_tag(takes_context=True)
def get_display_preferences(context) -> DisplayPreferences:
    """`{% get_display_preferences as prefs %}`: elder mode and text size for this request."""
    return display_preferences(context.get("request"))
