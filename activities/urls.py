from django.urls import path

from activities import teach_views, views

app_name = "events"

urlpatterns = [
    path("events/<int:event_id>/signup/", views.signup, name="signup"),
    path("events/feeds/town/<int:town_id>.ics", views.town_feed, name="town_feed"),
    path("events/feeds/school/<int:provider_id>.ics", views.school_feed, name="school_feed"),
    path("events/feeds/me/<str:token>.ics", views.my_feed, name="my_feed"),
    path("me/events/", views.mine, name="mine"),
    path("me/events/<int:signup_id>/cancel/", views.cancel, name="cancel"),
    path("me/events/calendar/reset/", views.reset_calendar, name="reset_calendar"),
    # Staff: the events of their schools and each event's roster (attendance).
    path("teach/events/", teach_views.event_list, name="teach_list"),
    path("teach/events/<int:event_id>/", teach_views.roster, name="teach_roster"),
]
