"""学习团队 in the Wagtail admin: approving and dissolving (centre, or the attached school's staff) and the
centre's yearly assessment. Custom views, because each action is a service call with its own rules."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from circles import admin_views


@hooks.register("register_admin_urls")
def _circle_admin_urls():
    return [
        path("circles/", admin_views.index, name="circles_admin_index"),
        path("circles/<int:circle_id>/approve/", admin_views.approve, name="circles_admin_approve"),
        path("circles/<int:circle_id>/dissolve/", admin_views.dissolve, name="circles_admin_dissolve"),
        path("circles/<int:circle_id>/assess/", admin_views.assess, name="circles_admin_assess"),
    ]


class CirclesMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.may_open(request.user)


@hooks.register("register_admin_menu_item")
def _circles_menu_item():
    return CirclesMenuItem(
        _("学习团队"), reverse("circles_admin_index"), name="study-circles", icon_name="group", order=330
    )
