"""The town chooser: remember the choice in a cookie and go to that town's portal URL."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponseRedirect
from django.views.decorators.http import require_GET

from community.middleware import HOME_PATH
from community.selectors import town_by_slug
from community.services import town_remember


@require_GET
def choose_town(request: HttpRequest):
    """A plain GET form (works without JavaScript). An unknown or empty town means the whole district."""
    town = town_by_slug(request.GET.get("town", ""))
    target = f"{HOME_PATH}?{urlencode({'town': town.slug})}" if town else HOME_PATH
    response = HttpResponseRedirect(target)
    response["Cache-Control"] = "private, no-store"
    town_remember(response=response, town_slug=town.slug if town else "")
    return response
