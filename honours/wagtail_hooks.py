"""Admin hooks for stars and brands: the rounds (dates, criteria) as a snippet the centre edits, the review
screen in the menu, and our audit actions in Wagtail's log registry."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import is_centre_staff
from honours import admin_views
from honours.models import HonourRound
from honours.services import AUDIT_ACTIONS


class HonourRoundViewSet(SnippetViewSet):
    model = HonourRound
    icon = "date"
    menu_label = _("学习之星与品牌推选")
    menu_order = 320
    add_to_admin_menu = True
    list_display = ["title", "kind", "year", "nomination_opens", "nomination_closes", "notice_closes", "awarded_at"]
    list_filter = ["kind", "year"]


register_snippet(HonourRoundViewSet)


@hooks.register("register_log_actions")
def _honours_audit_actions(actions):
    for action, (label, message) in AUDIT_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def _honours_admin_urls():
    return [
        path("honours/review/", admin_views.review, name="honours_review"),
        path("honours/nominations/<int:nomination_id>/decide/", admin_views.decide, name="honours_decide"),
        path("honours/rounds/<int:round_id>/award/", admin_views.award, name="honours_award"),
    ]


class ReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return is_centre_staff(request.user)


@hooks.register("register_admin_menu_item")
def _review_menu_item():
    return ReviewMenuItem(_("推荐审核"), reverse("honours_review"), name="honours-review", icon_name="pick", order=321)
