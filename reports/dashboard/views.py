"""The dashboard (驾驶舱, /dashboard/): the chosen area's quota progress, districts compared, the
year's trend, the lifecycle funnel, the item mix, money, residents' voice, alerts and the map —
every chart also a table, and all the tables as a workbook (/dashboard/export.xlsx, the same
scope). The wall screen (/dashboard/wall/) shows the same for a 1920×1080
command-centre screen and reloads itself. Who reads it: whoever reads the quota progress
(reports.progress_views.may_read_progress); street clerks have their street's work instead (403)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView, View

from core.http import CONTENT_TYPES

from ..progress_views import may_read_progress
from .cache import sections_for
from .export import export_response
from .scope import choose

# The wall screen reloads itself this often (seconds): fresh numbers without anyone at a keyboard.
WALL_REFRESH_SECONDS = 300


def dashboard_context(request):
    """{scope, sections} for the dashboard page, the home page and the wall screen ({} for a user
    working in no city)."""
    scope = choose(request)
    if scope is None:
        return {"scope": None, "sections": []}
    sections = sections_for(scope)
    return {
        "scope": scope,
        "sections": sections,
        # Each chart's kind names its drawing script; each script is loaded once.
        "chart_kinds": sorted({section.chart["kind"] for section in sections if section.chart}),
        "trail": [(region, scope.region_url(region.pk)) for region in scope.trail],
        "wall_url": scope.url("reports:dashboard_wall"),
        "export_url": scope.url("reports:dashboard_export"),
    }


class DashboardAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_read_progress(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DashboardView(DashboardAccessMixin, TemplateView):
    template_name = "reports/dashboard/page.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | dashboard_context(self.request)


class WallView(DashboardAccessMixin, TemplateView):
    template_name = "reports/dashboard/wall.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs) | dashboard_context(self.request)
        context["sections"] = [section for section in context["sections"] if section.wall]
        context["refresh_seconds"] = WALL_REFRESH_SECONDS
        context["updated_at"] = timezone.localtime()
        return context


class ExportView(DashboardAccessMixin, View):
    """Every section's tables as a workbook, for the same scope as the page (the same query)."""

    def get(self, request, *args, **kwargs):
        scope = choose(request)
        if scope is None:
            raise Http404
        return export_response(request.user, scope, sections_for(scope))

    def head(self, request, *args, **kwargs):
        """What a GET would send, without the file: nothing is read, nothing exported, nothing
        audited (a link checker or a proxy asking must not show up as an export)."""
        if choose(request) is None:
            raise Http404
        response = HttpResponse(content_type=CONTENT_TYPES["xlsx"])
        response["Content-Disposition"] = "attachment"
        return response
