"""Credit-bank rules in the Wagtail admin (学分银行), edited by guidance-centre staff, not in code.

Validation is the model's (no negative, infinite or NaN rates; a positive points-per-credit) and the database
backs it with CHECK constraints. The centre staff group holds the permissions (migration 0004).
"""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from records.models import CreditConversion, CreditRule


class CreditRuleViewSet(SnippetViewSet):
    model = CreditRule
    icon = "calculator"
    menu_label = _("积分规则")
    list_display = ["__str__", "points_per_hour", "max_points_per_year", "updated_at"]


class CreditConversionViewSet(SnippetViewSet):
    model = CreditConversion
    icon = "order"
    menu_label = _("学分折算")
    list_display = ["name", "points_per_credit", "max_credits", "is_active", "updated_at"]


class CreditBankGroup(SnippetViewSetGroup):
    menu_label = _("学分银行")
    menu_icon = "calculator"
    menu_order = 310
    items = (CreditRuleViewSet, CreditConversionViewSet)


register_snippet(CreditBankGroup)
