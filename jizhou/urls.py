from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from jizhou import preferences
from jizhou.api import api
from jizhou.health import health

urlpatterns = [
    path("health", health, name="health"),
    path("api/v1/", api.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("accounts.urls")),
    path("search/", include("courses.search_urls")),
    # 我的学习 (/me/learning/), my data (/me/data/), certificate verification (/certificates/<code>/).
    path("", include("records.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("teach/", include("enrolment.teach_urls")),
    path("community/", include("community.urls")),
    path("", include("enrolment.urls")),
    path("", include("activities.urls")),  # community events: sign-up, 我的活动, iCal feeds, /teach/events/
    path("", include("learningcity.urls")),
    path("circles/", include("circles.urls")),  # study circles: list, page, join/leave, leader's tools
    path("", include("honours.urls")),  # nominations: /nominate/<round>/, /me/honours/
    path("preferences/elder-mode/", preferences.elder_mode, name="elder_mode"),
    path("preferences/text-size/", preferences.text_size, name="text_size"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# A database that cannot be reached answers 503 "try again" (jizhou/unavailable.py); anything else the usual 500.
handler500 = "jizhou.unavailable.server_error"

# Wagtail serves everything not matched above; it must stay last.
urlpatterns += [path("", include(wagtail_urls))]
