"""/search/: the catalogue's search page. The URL names keep the `search` namespace residents' links use."""

from django.urls import path

from courses import search_views

app_name = "search"

urlpatterns = [
    path("", search_views.search, name="search"),
    path("suggest/", search_views.suggest, name="suggest"),
]
