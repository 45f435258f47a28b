"""The guidance centre's audit log: Wagtail's site-history report over every log entry (not only those of
objects the viewer may edit), filterable by school, action, person, date, type and name, exportable as CSV/XLSX."""

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, IntegerField, Q, Value
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import ContentTypeFilter
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import PageLogEntry

from accounts.roles import is_centre_staff
from core.spreadsheets import SafeSpreadsheetExportMixin
from courses.models import ProviderPage
from enrolment.models import Enrolment
from records.models import Certificate


def _logged(field: str) -> set:
    values = set()
    for log_model in log_action_registry.get_log_entry_models():
        values.update(log_model.objects.order_by().values_list(field, flat=True).distinct())
    return values


def _as_text(queryset):
    """Log rows keep object ids as text; compare with a subquery of ids cast to text."""
    return queryset.annotate(text_pk=Cast("pk", CharField())).values("text_pk")


class AuditLogFilterSet(SiteHistoryReportFilterSet):
    school = django_filters.ModelChoiceFilter(
        label=_("学校"),
        queryset=ProviderPage.objects.order_by("path"),
        method="filter_school",
    )

    def filter_school(self, queryset, name, value):
        """Pages under the school, and the enrolments and certificates of its classes."""
        if not value:
            return queryset
        if queryset.model is PageLogEntry:
            return queryset.filter(page__path__startswith=value.path)
        enrolments = Enrolment.objects.filter(course_class__course__provider=value)
        types = ContentType.objects.get_for_models(Enrolment, Certificate)
        return queryset.filter(
            Q(content_type=types[Enrolment], object_id__in=_as_text(enrolments))
            | Q(
                content_type=types[Certificate],
                object_id__in=_as_text(Certificate.objects.filter(issuer_page=value)),
            )
        )

    object_type = ContentTypeFilter(
        label=_("类型"),
        method="filter_object_type",
        queryset=lambda request: ContentType.objects.filter(pk__in=_logged("content_type_id")).order_by("model"),
    )

    def get_action_choices(self):
        used = _logged("action")
        return [choice for choice in log_action_registry.get_choices() if choice[0] in used]

    def get_user_choices(self):
        User = get_user_model()
        return User.objects.filter(pk__in=_logged("user_id")).order_by(User.USERNAME_FIELD)


class AuditLogView(SafeSpreadsheetExportMixin, LogEntriesView):
    page_title = _("审计日志")
    filterset_class = AuditLogFilterSet
    index_url_name = "jizhou_audit_log"
    index_results_url_name = "jizhou_audit_log_results"

    def dispatch(self, request, *args, **kwargs):
        if not is_centre_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return "jizhou-" + super().get_filename()

    def get_filtered_queryset(self):
        # As LogEntriesView, but over all entries: the centre oversees every school.
        self.log_models = list(log_action_registry.get_log_entry_models())
        queryset = None
        for index, log_model in enumerate(self.log_models):
            sub = (
                log_model.objects.all()
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            sub = self.filter_queryset(sub).order_by()
            queryset = sub if queryset is None else queryset.union(sub, all=True)
        return queryset.order_by("-timestamp")
