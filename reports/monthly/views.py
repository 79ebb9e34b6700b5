"""The monthly report's pages: the months of the user's city, one report with its table, change,
ranking, lagging projects and older versions, and the small POST views that build (a job with a
progress bar), submit and reopen it; the downloads (.xlsx, PDF) of one version.

Who: city staff build and submit; district staff, reviewers, leaders and auditors read; the system
administrator reopens (reports.reopen_monthlyreport). Street clerks: 403."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, ListView

from core.audit import audit_record
from core.files import stored_file_response
from core.http import PDF, XLSX, attachment
from core.models import AuditEntry, Job
from core.views import RestrictedViewMixin
from org.models import Region
from org.selectors import cities_of
from projects.models import Project

from ..models import MonthlyReport
from ..notices.kinds import notice_kind
from ..notices.selectors import notices_of_subject
from . import services
from .bulletin import BULLETIN
from .documents import monthly_pdf, monthly_xlsx, ranking_rows, report_filename, sign_off
from .jobs import MONTHLY_BUILD_JOB, build_jobs, monthly_report_start
from .table import display, month_change, table_of


class BuildForm(forms.Form):
    month = forms.DateField(
        label=gettext_lazy("month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"),
    )
    city = forms.ModelChoiceField(queryset=Region.objects.none(), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = Region.objects.filter(pk__in=[c.pk for c in cities])
        self.cities = list(cities)

    def clean_city(self):
        city = self.cleaned_data.get("city")
        if city is None:
            if len(self.cities) != 1:
                raise ValidationError(_("Choose the city."))
            return self.cities[0]
        return city


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("reason for reopening"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


def user_cities(user):
    """The cities the user works in (every city for a user working everywhere)."""
    paths = user.get_scope_paths()
    if paths is None:
        return list(Region.objects.filter(level=Region.Level.CITY).order_by("path"))
    found = {city.pk: city for city in cities_of(paths).values() if city is not None}
    return sorted(found.values(), key=lambda city: city.path)


class MonthlyListView(RestrictedViewMixin, ListView):
    """The months of the chosen city (the user's own), each with its current version's status and
    how many versions it has; the build form for city staff."""

    model = MonthlyReport
    portal_actions = ()
    template_name = "reports/monthly/list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.cities = user_cities(request.user)
            chosen = request.GET.get("city") or request.POST.get("city")
            self.city = next((c for c in self.cities if str(c.pk) == chosen), None) or (
                self.cities[0] if self.cities else None
            )
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        if self.city is None:
            return MonthlyReport.objects.none()
        return (
            MonthlyReport.objects.restrict(self.request.user)
            .filter(city=self.city, is_current=True)
            .select_related("city", "built_by", "submitted_by")
            .order_by("-month")
        )

    def get_context_data(self, build_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        versions = {}
        if self.city is not None:
            versions = dict(
                MonthlyReport.objects.restrict(user)
                .filter(city=self.city)
                .values_list("month")
                .annotate(n=Count("pk"))
                .order_by()
            )
        for report in context["object_list"]:
            report.version_count = versions.get(report.month, 1)
        may_build = user.has_perm("reports.add_monthlyreport")
        running = []
        if may_build and self.city is not None:
            running = list(
                Job.objects.filter(
                    kind=MONTHLY_BUILD_JOB,
                    params__city=self.city.pk,
                    created_by=user,
                    status__in=(Job.Status.PENDING, Job.Status.RUNNING),
                ).order_by("pk")
            )
        context.update(
            city=self.city,
            running_jobs=running,
            cities=self.cities,
            may_build=may_build,
            build_form=build_form
            or (
                BuildForm(
                    initial={"month": timezone.localdate().replace(day=1), "city": self.city},
                    cities=self.cities,
                )
                if may_build
                else None
            ),
        )
        return context


class MonthlyDetailView(RestrictedViewMixin, DetailView):
    """One version of a month's report: the table, the change against last month, the ranking (末位
    marked), the lagging projects with links, the other versions with what changed, the actions."""

    model = MonthlyReport
    portal_actions = ()
    template_name = "reports/monthly/detail.html"

    def base_queryset(self):
        return MonthlyReport.objects.restrict(self.request.user).select_related(
            "city", "built_by", "submitted_by", "reopened_by"
        )

    def get_object(self, queryset=None):
        return self.get_in_scope(self.kwargs["pk"])

    def get_context_data(self, reopen_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user, report = self.request.user, self.object
        unit, filled_by, reviewed_by, filled_on = sign_off(report)
        versions = list(
            MonthlyReport.objects.restrict(user)
            .filter(city=report.city, month=report.month)
            .select_related("built_by")
            .order_by("-version")
        )
        change = month_change(report.numbers)
        running = (
            build_jobs(city=report.city, month=report.month)
            .filter(created_by=user, status__in=(Job.Status.PENDING, Job.Status.RUNNING))
            .order_by("-pk")
            .first()
            if user.has_perm("reports.add_monthlyreport")
            else None
        )
        may_reopen = user.has_perm("reports.reopen_monthlyreport") and report.can_be_reopened()
        bulletin_kind = notice_kind(BULLETIN)
        may_see_notices = user.has_perm("reports.view_notice")
        context.update(
            table=table_of(report.numbers),
            change=change,
            change_rows=[
                (
                    row,
                    [
                        (column, display(now, column), display(then, column), _signed(diff, column))
                        for column, now, then, diff in row.values
                    ],
                )
                for row in change or ()
            ],
            change_headers=[column.header() for column, *_rest in change[0].values] if change else [],
            previous=report.numbers.get("previous"),
            ranking=ranking_rows(report.numbers.get("ranking") or []),
            lagging=self.lagging_rows(report),
            versions=versions,
            current=next((v for v in versions if v.is_current), None),
            unit=unit,
            filled_by=filled_by,
            reviewed_by=reviewed_by,
            filled_on=filled_on,
            running_job=running,
            may_build=user.has_perm("reports.add_monthlyreport")
            and report.is_current
            and report.can_be_rebuilt(),
            may_submit=user.has_perm("reports.submit_monthlyreport") and report.can_be_submitted(),
            may_reopen=may_reopen,
            reopen_form=reopen_form or (ReopenForm() if may_reopen else None),
            month_value=report.month.strftime("%Y-%m"),
            bulletins=list(notices_of_subject(user, report)) if may_see_notices else [],
            may_issue_bulletin=bulletin_kind.may_issue(user) and report.is_current and report.is_submitted,
            bulletin_kind=bulletin_kind,
        )
        return context

    def lagging_rows(self, report):
        """The frozen lagging rows, each linked only when the user may open its project (district
        staff read the whole city's report but open only their district's projects). One query."""
        rows = [dict(row) for row in report.numbers.get("lagging") or []]
        ids = [row["project_id"] for row in rows]
        visible = set(
            Project.objects.restrict(self.request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        for row in rows:
            row["may_open"] = row["project_id"] in visible
        return rows


def _signed(value, column):
    if value is None:
        return "—"
    text = display(value, column)
    return f"+{text}" if value > 0 else text


class MonthlyBuildView(MonthlyListView):
    """POST: queue a build of the month (a new version) and show its progress on the month's page;
    a locked month or a bad month is refused with the reason."""

    http_method_names = ["post"]

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("reports.add_monthlyreport"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = BuildForm(request.POST, cities=self.cities)
        if form.is_valid():
            city, month = form.cleaned_data["city"], form.cleaned_data["month"].replace(day=1)
            try:
                monthly_report_start(city=city, month=month, user=request.user)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.info(
                    request, _("The report of %(month)s is being built.") % {"month": f"{month:%Y-%m}"}
                )
                current = MonthlyReport.objects.filter(city=city, month=month, is_current=True).first()
                if current is not None:
                    return redirect(current.get_absolute_url())
                # A month's first build: its progress bar on the list, which shows the month when done.
                return redirect(f"{reverse('reports:monthly_list')}?city={city.pk}")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(build_form=form))


class MonthlyActionView(MonthlyDetailView):
    """POST only: one service on one report, then back to its page."""

    http_method_names = ["post"]
    permission = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class MonthlySubmitView(MonthlyActionView):
    permission = "reports.submit_monthlyreport"

    def post(self, request, *args, **kwargs):
        report = self.get_object()
        try:
            services.monthly_report_submit(report=report, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The report is submitted and locked."))
        return redirect(report.get_absolute_url())


class MonthlyReopenView(MonthlyActionView):
    permission = "reports.reopen_monthlyreport"

    def post(self, request, *args, **kwargs):
        self.object = report = self.get_object()
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                services.monthly_report_reopen(
                    report=report, user=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The report is reopened; city staff may build it again."))
                return redirect(report.get_absolute_url())
        context = self.get_context_data(reopen_form=form)
        context["may_reopen"] = True
        return self.render_to_response(context)


class MonthlyDownloadView(MonthlyDetailView):
    """GET: the .xlsx or the PDF of one version: the files kept at submission, else written now
    from the snapshot (a draft)."""

    extension = "xlsx"

    def get(self, request, *args, **kwargs):
        report = self.get_object()
        kept = report.xlsx_file if self.extension == "xlsx" else report.pdf_file
        if request.method == "GET":  # a HEAD downloads nothing and writes nothing
            audit_record(
                actor=request.user,
                action=AuditEntry.Action.EXPORT,
                obj=report,
                summary=_("%(kind)s, %(format)s") % {"kind": _("Monthly report"), "format": self.extension},
            )
        filename = report_filename(report, self.extension)
        if report.is_submitted and kept:
            return stored_file_response(kept, filename)
        content = monthly_xlsx(report) if self.extension == "xlsx" else monthly_pdf(report)
        return attachment(content, filename, XLSX if self.extension == "xlsx" else PDF)
